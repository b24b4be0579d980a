package dk.fsc.service.readings;

import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.errors.Times;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/patients/{patientId}/readings}: a patient's readings for nurses and clinicians
 * of the patient's organisation. Every call is written to the access log.
 */
@Controller("/api/patients/{patientId}/readings")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class ReadingsController {
    private static final Duration DEFAULT_RANGE = Duration.ofDays(30);
    private final PatientAccess access;
    private final ReadingStore readings;
    private final AccessLog accessLog;
    private final int maxRows;

    ReadingsController(PatientAccess access, ReadingStore readings, AccessLog accessLog,
                       @Value("${fsc.readings.max-rows:10000}") int maxRows) {
        this.access = access;
        this.readings = readings;
        this.accessLog = accessLog;
        this.maxRows = maxRows;
    }

    /**
     * @param type    one observation type (e.g. spo2); all types when absent
     * @param from    ISO 8601 instant, inclusive; default 30 days before {@code to}
     * @param to      ISO 8601 instant, exclusive; default now
     * @param purpose why the data is looked at, for the access log (header X-FSC-Purpose)
     */
    @Get
    @Transactional
    ReadingHistory history(@PathVariable UUID patientId, @Nullable @QueryValue String type, @Nullable @QueryValue String from,
                           @Nullable @QueryValue String to, @Nullable @QueryValue Integer limit,
                           @Nullable @Header("X-FSC-Purpose") String purpose, Authentication authentication) {
        StaffUser user = StaffUser.of(authentication);
        access.requireCareAccess(user, patientId);
        if (type != null && ObservationType.fromWire(type).isEmpty()) {
            throw Refusal.invalid("type '" + type + "' is not an observation type; use one of " + typeNames());
        }
        Instant end = to == null ? Instant.now() : Times.parse("to", to);
        Instant start = from == null ? end.minus(DEFAULT_RANGE) : Times.parse("from", from);
        if (!start.isBefore(end)) {
            throw Refusal.invalid("from (" + start + ") must be before to (" + end + ")");
        }
        int rows = limit == null ? maxRows : limit;
        if (rows < 1 || rows > maxRows) {
            throw Refusal.invalid("limit must be between 1 and " + maxRows);
        }
        List<ReadingView> found = readings.history(patientId, type, start, end, rows + 1);
        boolean truncated = found.size() > rows;
        accessLog.record(user, patientId, "read readings", AccessLog.purpose(purpose),
                (type == null ? "all types" : type) + " " + start + " to " + end);
        return new ReadingHistory(patientId, type, start, end, rows, truncated, truncated ? found.subList(0, rows) : found);
    }

    private static List<String> typeNames() {
        return java.util.Arrays.stream(ObservationType.values()).map(ObservationType::wireName).toList();
    }
}
