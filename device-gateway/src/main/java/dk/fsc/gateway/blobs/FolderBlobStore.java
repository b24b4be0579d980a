package dk.fsc.gateway.blobs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Blobs as files in a folder, {@code ab/cd/abcd…} by SHA-256. A blob is written to a temporary
 * file, forced to disk and then moved into place, so a crash never leaves half a file under a
 * blob's name.
 */
public final class FolderBlobStore implements BlobStore {
    private final Path root;

    public FolderBlobStore(Path root) throws IOException {
        this.root = Files.createDirectories(root);
    }

    /** The folder the files are in (its disk is watched: disk_free_bytes). */
    public Path root() {
        return root;
    }

    @Override
    public String put(byte[] bytes) throws IOException {
        String sha = BlobStore.sha256(bytes);
        Path target = path(sha);
        if (Files.exists(target)) {
            return sha;
        }
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), sha, ".part");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                if (!Files.exists(target)) {
                    throw e;
                }
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return sha;
    }

    @Override
    public byte[] get(String sha256) throws IOException {
        BlobStore.requireName(sha256);
        try {
            return BlobStore.verified(sha256, Files.readAllBytes(path(sha256)));
        } catch (NoSuchFileException e) {
            throw new MissingBlobException(sha256);
        }
    }

    @Override
    public void delete(String sha256) throws IOException {
        BlobStore.requireName(sha256);
        Files.deleteIfExists(path(sha256));
    }

    @Override
    public String describe() {
        return "folder " + root;
    }

    private Path path(String sha) {
        return root.resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha);
    }
}
