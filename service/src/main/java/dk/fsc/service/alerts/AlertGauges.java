package dk.fsc.service.alerts;

import dk.fsc.service.platform.database.Database;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.context.annotation.Context;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the nurses have in front of them, for the operators' dashboards and alert rules
 * (ops/grafana, ops/prometheus): alerts not resolved by severity, and red alerts escalated and
 * still not acknowledged. Read from the database every 30 s, so every instance reports the same
 * (rules take the max across instances). A gauge is -1 while the database cannot be asked.
 */
@Context // made at start, so the gauges exist from the first scrape
class AlertGauges {
    private static final Logger LOG = LoggerFactory.getLogger(AlertGauges.class);
    private final Database db;
    private final Map<String, AtomicLong> open = Map.of("red", new AtomicLong(), "yellow", new AtomicLong(), "blue", new AtomicLong());
    private final AtomicLong escalatedUnacknowledged = new AtomicLong();

    AlertGauges(Database db, MeterRegistry registry) {
        this.db = db;
        open.forEach((severity, value) -> registry.gauge("fsc.alerts.open", Tags.of("severity", severity), value));
        registry.gauge("fsc.alerts.escalated.unacknowledged", escalatedUnacknowledged);
    }

    @Scheduled(fixedDelay = "${fsc.alerts.gauges:30s}", initialDelay = "5s")
    void read() {
        try {
            db.withConnection(sql -> sql.one("""
                    SELECT count(*) FILTER (WHERE severity = 'red'), count(*) FILTER (WHERE severity = 'yellow'),
                           count(*) FILTER (WHERE severity = 'blue'), count(*) FILTER (WHERE status = 'open' AND escalation_level > 0)
                      FROM alerts WHERE status <> 'resolved'""", rs -> {
                open.get("red").set(rs.getLong(1));
                open.get("yellow").set(rs.getLong(2));
                open.get("blue").set(rs.getLong(3));
                escalatedUnacknowledged.set(rs.getLong(4));
                return true;
            }));
        } catch (RuntimeException e) {
            LOG.debug("Alert gauges not read: {}", e.getMessage());
            open.values().forEach(v -> v.set(-1));
            escalatedUnacknowledged.set(-1);
        }
    }
}
