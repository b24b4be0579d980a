package dk.fsc.service.alerts;

import dk.fsc.service.alerts.scoring.MonitoringPause;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code GET /api/monitoring/long-pauses}: the organisation's citizens whose monitoring is paused,
 * or will be, for longer than {@link MonitoringPause#LONG}, with their count: during a pause no
 * missing-measurement alert is raised, so these citizens do not show up on the worklist by themselves.
 */
@Controller("/api/monitoring/long-pauses")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class LongPausesController {
    private final DataSource dataSource;
    private final AccessLog accessLog;

    LongPausesController(DataSource dataSource, AccessLog accessLog) {
        this.dataSource = dataSource;
        this.accessLog = accessLog;
    }

    @Serdeable
    record PausedPatient(UUID patientId, String patientName, PauseView pause) {
    }

    /** @param longerThanDays the length from which a pause counts as long */
    @Serdeable
    record LongPauses(int count, long longerThanDays, List<PausedPatient> pauses) {
    }

    @Get
    @Transactional
    LongPauses list(Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        // Pauses not over yet are few per organisation; which of them are long is the scoring's rule.
        List<PausedPatient> found = Sql.on(dataSource.getConnection()).list("""
                SELECT m.id, m.starts_at, m.ends_at, m.reason, m.created_by, p.id AS patient_id, p.display_name
                  FROM monitoring_pauses m JOIN patients p ON p.id = m.patient_id
                 WHERE p.organisation_id = ? AND m.ends_at > now()
                 ORDER BY m.ends_at DESC, m.id DESC""",
                rs -> new PausedPatient(rs.getObject("patient_id", UUID.class), rs.getString("display_name"), PauseView.of(rs)),
                user.organisationId());
        List<PausedPatient> longOnes = found.stream().filter(p -> p.pause().longPause()).toList();
        // Each citizen named is a line in their access log, as on the worklist.
        accessLog.recordEach(user, longOnes.stream().map(PausedPatient::patientId).distinct().toList(), "read long monitoring pauses", "care");
        return new LongPauses(longOnes.size(), MonitoringPause.LONG.toDays(), longOnes);
    }
}
