package dk.fsc.gateway.blobs;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blob store for photo files: a folder ({@code fsc.blobs.dir}) unless an S3-compatible store
 * is configured ({@code fsc.blobs.s3.endpoint}). Gateways and the service must use the same one.
 */
@Factory
class BlobStoreFactory {
    private static final Logger LOG = LoggerFactory.getLogger(BlobStoreFactory.class);

    @Singleton
    BlobStore blobStore(@Value("${fsc.blobs.dir:fsc-data/blobs}") String dir,
                        @Nullable @Value("${fsc.blobs.s3.endpoint:}") String endpoint,
                        @Nullable @Value("${fsc.blobs.s3.bucket:fsc-photos}") String bucket,
                        @Nullable @Value("${fsc.blobs.s3.prefix:}") String prefix,
                        @Nullable @Value("${fsc.blobs.s3.region:eu-north-1}") String region,
                        @Nullable @Value("${fsc.blobs.s3.access-key:}") String accessKey,
                        @Nullable @Value("${fsc.blobs.s3.secret-key:}") String secretKey) throws IOException {
        if (endpoint == null || endpoint.isBlank()) {
            BlobStore store = new FolderBlobStore(Path.of(dir));
            LOG.info("Photo files are kept in {}", store.describe());
            return store;
        }
        S3BlobStore store = new S3BlobStore(URI.create(endpoint), bucket, prefix, region, accessKey, secretKey);
        try {
            store.ensureBucket();
        } catch (IOException e) {
            // Not fatal: readings flow without it; photos wait unacknowledged until the store answers.
            LOG.error("Photo store {} is not usable yet: {}", store.describe(), e.getMessage());
        }
        LOG.info("Photo files are kept in {}", store.describe());
        return store;
    }
}
