package dk.fsc.service.readings;

import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.errors.Times;
import dk.fsc.service.platform.web.Csv;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
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
    private static final String AUTO = "auto";
    private static final int DEFAULT_MAX_POINTS = 500;
    private final PatientAccess access;
    private final ReadingStore readings;
    private final AccessLog accessLog;
    private final int maxRows;
    private final int maxExportRows;

    ReadingsController(PatientAccess access, ReadingStore readings, AccessLog accessLog,
                       @Value("${fsc.readings.max-rows:10000}") int maxRows,
                       @Value("${fsc.readings.max-export-rows:200000}") int maxExportRows) {
        this.maxExportRows = maxExportRows;
        this.access = access;
        this.readings = readings;
        this.accessLog = accessLog;
        this.maxRows = maxRows;
    }

    /**
     * @param type       one observation type (e.g. spo2); all types when absent
     * @param from       ISO 8601 instant, inclusive; default 30 days before {@code to}
     * @param to         ISO 8601 instant, exclusive; default now
     * @param resolution raw (default), hour, day, or auto (the finest giving at most maxPoints; needs a type)
     * @param maxPoints  for auto (the default resolution when this is given): at most this many points, default 500
     * @param format     json (default), or csv / excel: every reading of the range as a file with its codes
     * @param purpose    why the data is looked at, for the access log (header X-FSC-Purpose)
     */
    @Get
    @Transactional
    HttpResponse<?> history(@PathVariable UUID patientId, @Nullable @QueryValue String type, @Nullable @QueryValue String from,
                            @Nullable @QueryValue String to, @Nullable @QueryValue Integer limit,
                            @Nullable @QueryValue String resolution, @Nullable @QueryValue Integer maxPoints,
                            @Nullable @QueryValue String format,
                            @Nullable @Header("X-FSC-Purpose") String purpose, Authentication authentication) {
        StaffUser user = StaffUser.of(authentication);
        access.requireCareAccess(user, patientId);
        boolean file = Csv.wanted(format);
        if (type != null && ObservationType.fromWire(type).isEmpty()) {
            throw Refusal.invalid("type '" + type + "' is not an observation type; use one of " + typeNames());
        }
        Instant end = to == null ? Instant.now() : Times.parse("to", to);
        Instant start = from == null ? end.minus(DEFAULT_RANGE) : Times.parse("from", from);
        if (!start.isBefore(end)) {
            throw Refusal.invalid("from (" + start + ") must be before to (" + end + ")");
        }
        if (file) {
            return export(user, patientId, type, start, end, resolution, maxPoints, limit, Csv.dialect(format), purpose);
        }
        String asked = resolution != null ? resolution : maxPoints != null ? AUTO : Resolution.RAW.wireName();
        ReadingStore.Series series;
        int rows;
        if (asked.equals(AUTO)) {
            if (type == null) {
                throw Refusal.invalid("resolution=auto needs a type (it fits one series into maxPoints); use one of " + typeNames());
            }
            if (limit != null) {
                throw Refusal.invalid("limit goes with resolution raw, hour or day; resolution=auto takes maxPoints");
            }
            rows = maxPoints == null ? DEFAULT_MAX_POINTS : maxPoints;
            if (rows < 1 || rows > maxRows) {
                throw Refusal.invalid("maxPoints must be between 1 and " + maxRows);
            }
            series = readings.auto(patientId, type, start, end, rows);
        } else {
            Resolution chosen = Resolution.fromWire(asked).orElseThrow(() -> Refusal.invalid(
                    "resolution '" + asked + "' is not one of auto, raw, hour, day"));
            if (maxPoints != null) {
                throw Refusal.invalid("maxPoints goes with resolution=auto; resolution " + asked + " takes limit");
            }
            rows = limit == null ? maxRows : limit;
            if (rows < 1 || rows > maxRows) {
                throw Refusal.invalid("limit must be between 1 and " + maxRows);
            }
            series = readings.series(patientId, type, start, end, chosen, 1, rows);
        }
        accessLog.record(user, patientId, "read readings", AccessLog.purpose(purpose), series.accessDetail(type, start, end));
        return HttpResponse.ok(new ReadingHistory(patientId, type, start, end, rows, series.truncated(), series.resolution().wireName(),
                series.daysPerPoint(), series.readings(), series.buckets()));
    }

    /**
     * The readings of [from, to) as a file for a clinician (every reading, with its NPU or MedCom,
     * LOINC and MDC codes); more than {@code fsc.readings.max-export-rows} is refused rather than cut.
     */
    private HttpResponse<String> export(StaffUser user, UUID patientId, @Nullable String type, Instant start, Instant end,
                                        @Nullable String resolution, @Nullable Integer maxPoints, @Nullable Integer limit,
                                        Csv.Dialect dialect, @Nullable String purpose) {
        if (resolution != null && !resolution.equals(Resolution.RAW.wireName()) || maxPoints != null || limit != null) {
            throw Refusal.invalid("format=csv and format=excel give every reading of the range: leave out resolution, maxPoints and limit");
        }
        ReadingStore.Series series = readings.series(patientId, type, start, end, Resolution.RAW, 1, maxExportRows);
        if (series.truncated()) {
            throw Refusal.invalid("More than " + maxExportRows + " readings from " + start + " to " + end + ": export shorter ranges (from, to)");
        }
        accessLog.record(user, patientId, "read readings", AccessLog.purpose(purpose), series.accessDetail(type, start, end) + ", as a file");
        return Csv.file(dialect, "readings-" + patientId + ".csv", ReadingView.CSV, series.readings(), ReadingView::values);
    }

    private static List<String> typeNames() {
        return java.util.Arrays.stream(ObservationType.values()).map(ObservationType::wireName).toList();
    }
}
