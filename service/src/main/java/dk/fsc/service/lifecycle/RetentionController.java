package dk.fsc.service.lifecycle;

import dk.fsc.service.staff.StaffUser;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import java.time.Instant;

/**
 * {@code GET /api/retention}: the retention dry run for the FSC administrator: each kind's rule and
 * cutoff, and what the daily job would remove if it ran now (partitions with their estimated rows
 * and bytes, or a count of rows). Removes nothing. No patient data.
 */
@Controller("/api/retention")
@Secured(StaffUser.Role.FSC_ADMIN)
class RetentionController {
    private final Retention retention;

    RetentionController(Retention retention) {
        this.retention = retention;
    }

    @Get
    Retention.Plan plan() {
        return retention.plan(Instant.now());
    }
}
