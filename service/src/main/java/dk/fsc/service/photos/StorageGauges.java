package dk.fsc.service.photos;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.gateway.blobs.FolderBlobStore;
import dk.fsc.service.platform.database.Database;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.system.DiskSpaceMetrics;
import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.annotation.Scheduled;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the data fills a disk, for the operators' disk alert (ops/prometheus): the photo files'
 * folder ({@code disk_free_bytes} and {@code disk_total_bytes} with its path, when the blob store
 * is a folder; an S3 store has no disk of ours) and the database's size
 * ({@code fsc_database_size_bytes}, read every 5 minutes; the database server's own disk is
 * watched by node_exporter on that server).
 */
@Context
class StorageGauges {
    private final Database db;
    private final AtomicLong databaseBytes = new AtomicLong(-1);

    StorageGauges(BlobStore blobs, Database db, MeterRegistry registry) {
        this.db = db;
        if (blobs instanceof FolderBlobStore folder) {
            new DiskSpaceMetrics(folder.root().toFile()).bindTo(registry);
        }
        registry.gauge("fsc.database.size.bytes", databaseBytes);
    }

    @Scheduled(fixedDelay = "5m", initialDelay = "5s")
    void read() {
        try {
            databaseBytes.set(db.withConnection(sql -> sql.one("SELECT pg_database_size(current_database())", rs -> rs.getLong(1))
                    .orElse(-1L)));
        } catch (RuntimeException e) {
            databaseBytes.set(-1);
        }
    }
}
