package dk.fsc.service.photos;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.service.platform.errors.Refusal;
import io.micronaut.core.annotation.Nullable;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A photo's file as every route serves it (the API's and the console's): its bytes and the
 * headers that keep it out of caches, unsniffed, inline, with its digest.
 */
public record PhotoFile(byte[] bytes, String contentType, Map<String, String> headers) {
    private static final Logger LOG = LoggerFactory.getLogger(PhotoFile.class);

    /** A photo's file, or its JPEG thumbnail (a PDF has none: "not found"). */
    public static PhotoFile open(BlobStore blobs, UUID photoId, String sha256, String contentType, @Nullable String thumbnailSha256,
                                 boolean thumbnail) {
        if (!thumbnail) {
            return read(blobs, sha256, contentType, photoId);
        }
        if (thumbnailSha256 == null) {
            throw Refusal.notFound("Photo " + photoId + " (" + contentType + ") has no thumbnail; only pictures have one.");
        }
        return read(blobs, thumbnailSha256, "image/jpeg", photoId);
    }

    private static PhotoFile read(BlobStore blobs, String sha256, String contentType, UUID photoId) {
        byte[] bytes;
        try {
            bytes = blobs.get(sha256);
        } catch (IOException e) {
            LOG.error("Photo {}: file {} cannot be served: {}", photoId, sha256, e.getMessage());
            throw new IllegalStateException("photo file " + sha256 + " unavailable");
        }
        return new PhotoFile(bytes, contentType, Map.of(
                "Cache-Control", "private, no-store",
                "X-Content-Type-Options", "nosniff",
                "Content-Disposition", "inline; filename=\"photo-" + photoId + "\"",
                "Digest", "sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256))));
    }
}
