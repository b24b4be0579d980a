package dk.fsc.gateway.blobs;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content-addressed storage of photo files: a blob's name is the SHA-256 of its bytes, so
 * storing the same bytes twice is harmless (a redelivered photo after a crash) and every read
 * is checked against its name.
 */
public interface BlobStore {

    /** Stores the bytes (if not already there) and returns their SHA-256 in hex. */
    String put(byte[] bytes) throws IOException;

    /** The bytes of a blob, checked against its SHA-256. */
    byte[] get(String sha256) throws IOException;

    /** Removes a blob (retention of photos); a blob that is not there is no error. */
    void delete(String sha256) throws IOException;

    /** A human-readable description of where blobs go, for the start-up log. */
    String describe();

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void requireName(String sha256) {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 blob name");
        }
    }

    /** Thrown when stored bytes no longer match their name. */
    final class CorruptBlobException extends IOException {
        public CorruptBlobException(String sha256) {
            super("blob " + sha256 + " does not match its SHA-256; the stored file is damaged");
        }
    }

    /** Thrown when no blob has this name. */
    final class MissingBlobException extends IOException {
        public MissingBlobException(String sha256) {
            super("blob " + sha256 + " is not in the store");
        }
    }

    /** Checks fetched bytes against their name. */
    static byte[] verified(String sha256, byte[] bytes) throws CorruptBlobException {
        if (!sha256(bytes).equals(sha256)) {
            throw new CorruptBlobException(sha256);
        }
        return bytes;
    }
}
