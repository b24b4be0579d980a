package dk.fsc.service.alerts;

import dk.fsc.service.alerts.scoring.MonitoringPause;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import java.util.List;

/**
 * {@code GET /api/monitoring/long-pauses}: the organisation's citizens whose monitoring is paused,
 * or will be, for longer than {@link MonitoringPause#LONG}, with their count: during a pause no
 * missing-measurement alert is raised, so these citizens do not show up on the worklist by themselves.
 */
@Controller("/api/monitoring/long-pauses")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class LongPausesController {
    private final MonitoringStore monitoring;
    private final AccessLog accessLog;

    LongPausesController(MonitoringStore monitoring, AccessLog accessLog) {
        this.monitoring = monitoring;
        this.accessLog = accessLog;
    }

    /** @param longerThanDays the length from which a pause counts as long */
    @Serdeable
    record LongPauses(int count, long longerThanDays, List<PausedPatient> pauses) {
    }

    @Get
    @Transactional
    LongPauses list(Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        // Which pauses not over yet are long is the scoring's rule.
        List<PausedPatient> longOnes = monitoring.pausesNotOver(user.organisationId()).stream().filter(p -> p.pause().longPause()).toList();
        // Each citizen named is a line in their access log, as on the worklist.
        accessLog.recordEach(user, longOnes.stream().map(PausedPatient::patientId).distinct().toList(), "read long monitoring pauses", "care");
        return new LongPauses(longOnes.size(), MonitoringPause.LONG.toDays(), longOnes);
    }
}
