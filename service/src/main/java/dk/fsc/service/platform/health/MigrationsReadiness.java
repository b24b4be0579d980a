package dk.fsc.service.platform.health;

import dk.fsc.service.platform.database.Database;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Readiness ({@code /health/readiness}): the database answers and holds every migration this build
 * has, none failed. Another instance of an older build starting against a newer schema is ready
 * too (migrations only add); one whose schema is behind or broken is not. The database's own
 * indicator (Micronaut's JDBC check) is part of readiness as well.
 */
@Singleton
class MigrationsReadiness implements HealthIndicator {
    /** The newest migration of this build (db/migration/V44__...); a new migration raises it. */
    static final int BUILD_VERSION = 44;
    private final Database db;

    MigrationsReadiness(Database db) {
        this.db = db;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Mono.fromCallable(this::check);
    }

    private HealthResult check() {
        try {
            long[] state = db.withConnection(sql -> sql.one("""
                    SELECT coalesce(max(CAST(version AS int)) FILTER (WHERE success), 0), count(*) FILTER (WHERE NOT success)
                      FROM flyway_schema_history WHERE version ~ '^[0-9]+$'""", rs -> new long[] {rs.getLong(1), rs.getLong(2)}).orElseThrow());
            boolean ready = state[0] >= BUILD_VERSION && state[1] == 0;
            return HealthResult.builder("migrations", ready ? HealthStatus.UP : HealthStatus.DOWN)
                    .details(Map.of("applied", state[0], "needed", BUILD_VERSION, "failed", state[1])).build();
        } catch (RuntimeException e) {
            return HealthResult.builder("migrations", HealthStatus.DOWN).details(Map.of("error", "database not reachable")).build();
        }
    }
}
