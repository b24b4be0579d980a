package dk.fsc.service.tickets;

import dk.fsc.service.platform.database.Database;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the running SLA clocks: records a warning when a clock has less than a fifth of its
 * time left and a breach when it has run out, once each per ticket and clock (the database
 * refuses a second), so FSC sees them coming and can report them.
 */
@Context // made at start, so its gauge exists from the first scrape
class SlaJob {
    private static final Logger LOG = LoggerFactory.getLogger(SlaJob.class);
    private final Database db;
    private final TicketStore store;
    private final AtomicLong breached = new AtomicLong();

    SlaJob(Database db, TicketStore store, MeterRegistry registry) {
        this.db = db;
        this.store = store;
        // Tickets not solved whose SLA has been breached: the same on every instance (from the database).
        registry.gauge("fsc.tickets.sla.breached.open", breached);
    }

    @Scheduled(fixedDelay = "${fsc.tickets.sla-check:30s}", initialDelay = "10s")
    void check() {
        try {
            int recorded = checkNow(Instant.now());
            if (recorded > 0) {
                LOG.info("SLA: {} warnings or breaches recorded", recorded);
            }
        } catch (RuntimeException e) {
            LOG.warn("SLA check failed ({}); next try in 30 s", e.getMessage());
        }
    }

    /** Records what is due at {@code now}, each record committed on its own (autocommit); answers how many. */
    int checkNow(Instant now) {
        return db.withConnection(sql -> {
            int recorded = store.checkRunning(sql, now);
            breached.set(sql.one("""
                    SELECT count(*) FROM tickets t WHERE t.state NOT IN ('solved', 'closed')
                       AND EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = 'sla_breach')""",
                    rs -> rs.getLong(1)).orElse(0L));
            return recorded;
        });
    }
}
