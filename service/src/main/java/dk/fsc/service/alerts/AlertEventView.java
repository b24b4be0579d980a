package dk.fsc.service.alerts;

import dk.fsc.service.platform.database.Sql;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * One change of an alert as the feed sends it; {@code id} is the event id to resume from.
 *
 * @param type opened, worsened, updated, acknowledged, resolved, assigned, commented or escalated
 */
@Serdeable
public record AlertEventView(long id, long alertId, UUID patientId, String kind, String type, String severity, String status,
                             String actor, @Nullable String note, Instant at) {

    /** The columns every event query selects: event id, alert_id, patient_id, kind, type, severity, status, actor, note, at. */
    static final String COLUMNS = "e.id, e.alert_id, a.patient_id, a.kind, e.type, e.severity, a.status, e.actor, e.note, e.at";

    static AlertEventView from(ResultSet rs) throws SQLException {
        return new AlertEventView(rs.getLong("id"), rs.getLong("alert_id"), rs.getObject("patient_id", UUID.class), rs.getString("kind"),
                rs.getString("type"), rs.getString("severity"), rs.getString("status"), rs.getString("actor"), rs.getString("note"),
                Sql.instant(rs, "at"));
    }
}
