package dk.fsc.service.tickets;

import dk.fsc.service.platform.database.Sql;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the running SLA clocks: records a warning when a clock has less than a fifth of its
 * time left and a breach when it has run out, once each per ticket and clock (the database
 * refuses a second), so FSC sees them coming and can report them.
 */
@Singleton
class SlaJob {
    private static final Logger LOG = LoggerFactory.getLogger(SlaJob.class);
    private final DataSource dataSource;
    private final TicketStore store;

    SlaJob(DataSource dataSource, @Nullable DataSourceResolver resolver, TicketStore store) {
        this.dataSource = (resolver == null ? DataSourceResolver.DEFAULT : resolver).resolve(dataSource);
        this.store = store;
    }

    @Scheduled(fixedDelay = "${fsc.tickets.sla-check:30s}", initialDelay = "10s")
    void check() {
        try {
            int recorded = checkNow(Instant.now());
            if (recorded > 0) {
                LOG.info("SLA: {} warnings or breaches recorded", recorded);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("SLA check failed ({}); next try in 30 s", e.getMessage());
        }
    }

    int checkNow(Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Sql sql = Sql.on(c);
            List<TicketStore.Row> running = sql.list("SELECT * FROM tickets WHERE clock_since IS NOT NULL AND state NOT IN ('solved', 'closed')",
                    TicketStore::row);
            int recorded = 0;
            for (TicketStore.Row row : running) {
                recorded += store.checkSla(sql, row.id(), row.clock(), now);
            }
            return recorded;
        }
    }
}
