package dk.fsc.service.readings;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps monthly partitions of the readings table ready: the past year (backlogs) and three months
 * ahead, checked at start and every six hours. Rows outside them land in the default partition.
 */
@Singleton
class PartitionMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintenance.class);
    private final DataSource dataSource;

    PartitionMaintenance(DataSource dataSource, @Nullable DataSourceResolver resolver) {
        this.dataSource = (resolver == null ? DataSourceResolver.DEFAULT : resolver).resolve(dataSource);
    }

    @EventListener
    void onStartup(StartupEvent event) {
        ensure();
    }

    @Scheduled(fixedDelay = "6h", initialDelay = "6h")
    void ensure() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT ensure_reading_partitions((now() - interval '12 months')::date, 16)");
             ResultSet rs = s.executeQuery()) {
            if (rs.next() && rs.getInt(1) > 0) {
                LOG.info("Created {} readings partition(s)", rs.getInt(1));
            }
        } catch (SQLException e) {
            LOG.warn("Could not create readings partitions ({}); new readings go to the default partition", e.getMessage());
        }
    }
}
