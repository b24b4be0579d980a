package dk.fsc.service.readings;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps monthly partitions of the readings table ready: the past year (backlogs) and three months
 * ahead, checked at start and every six hours. Rows outside them land in the default partition.
 */
@Singleton
class PartitionMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintenance.class);
    private final Database db;

    PartitionMaintenance(Database db) {
        this.db = db;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        ensure();
    }

    @Scheduled(fixedDelay = "6h", initialDelay = "6h")
    void ensure() {
        try {
            int created = db.withConnection(sql -> sql.one("SELECT ensure_reading_partitions((now() - interval '12 months')::date, 16)",
                    rs -> rs.getInt(1)).orElse(0));
            if (created > 0) {
                LOG.info("Created {} readings partition(s)", created);
            }
        } catch (Sql.DataError e) {
            LOG.warn("Could not create readings partitions ({}); new readings go to the default partition", e.getMessage());
        }
    }
}
