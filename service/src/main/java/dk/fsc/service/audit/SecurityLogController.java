package dk.fsc.service.audit;

import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import java.util.List;

/**
 * Refused attempts to reach patient records (the {@link SecurityLog}), for spotting probing. An
 * organisation's administrator sees the attempts of its own staff and those aimed at its own
 * patients; the FSC administrator sees all. Which organisation has a patient is shown only to
 * that organisation and to FSC, so the log does not tell the prober's organisation what exists.
 */
@Controller("/api/security-log")
@Secured({StaffUser.Role.ORG_ADMIN, StaffUser.Role.FSC_ADMIN})
class SecurityLogController {
    private final SecurityLog securityLog;

    SecurityLogController(SecurityLog securityLog) {
        this.securityLog = securityLog;
    }

    /**
     * Refused attempts, newest first.
     *
     * @param from     ISO 8601 instant, inclusive (default: the beginning)
     * @param to       ISO 8601 instant, exclusive (default: now)
     * @param username only this caller's attempts
     */
    @Get
    List<SecurityLog.Line> list(@Nullable @QueryValue String from, @Nullable @QueryValue String to, @Nullable @QueryValue String username,
                                @Nullable @QueryValue Integer limit, Authentication auth) {
        return securityLog.lines(StaffUser.of(auth), LogRange.of(from, to, limit), username);
    }

    /** Refused attempts per caller in the range, most first: who is probing, and how much. */
    @Get("/counts")
    List<SecurityLog.Count> counts(@Nullable @QueryValue String from, @Nullable @QueryValue String to, Authentication auth) {
        return securityLog.counts(StaffUser.of(auth), LogRange.of(from, to, null));
    }
}
