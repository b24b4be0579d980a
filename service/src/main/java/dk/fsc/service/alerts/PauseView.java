package dk.fsc.service.alerts;

import dk.fsc.service.alerts.scoring.MonitoringPause;
import dk.fsc.service.platform.database.Sql;
import io.micronaut.serde.annotation.Serdeable;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * A pause of a patient's monitoring as the API shows it.
 *
 * @param days     its length in whole days (rounded up)
 * @param longPause longer than {@link MonitoringPause#LONG}: listed under {@code GET /api/monitoring/long-pauses}
 */
@Serdeable
public record PauseView(long id, Instant from, Instant to, String reason, String createdBy, long days, boolean longPause) {

    static PauseView of(long id, MonitoringPause pause, String reason, String createdBy) {
        long seconds = pause.length().toSeconds();
        return new PauseView(id, pause.from(), pause.to(), reason, createdBy, (seconds + 86399) / 86400, pause.isLong());
    }

    /** From a row of {@code monitoring_pauses} with id, starts_at, ends_at, reason, created_by. */
    static PauseView of(ResultSet rs) throws SQLException {
        return of(rs.getLong("id"), new MonitoringPause(Sql.instant(rs, "starts_at"), Sql.instant(rs, "ends_at")), rs.getString("reason"),
                rs.getString("created_by"));
    }
}
