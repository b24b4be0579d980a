package dk.fsc.service.audit;

import dk.fsc.service.audit.AccessLogReader.CitizenLine;
import dk.fsc.service.audit.AccessLogReader.StaffLine;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.platform.security.CitizenCpr;
import dk.fsc.service.platform.web.Csv;
import dk.fsc.service.staff.StaffUser;
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
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Who has worked with a citizen's data. Staff of the patient's organisation read the full log of
 * that record; the citizen, signed in through the OpenID Connect provider (MitID), reads every
 * organisation's log of their data, in plain words. Both as JSON or, with {@code format=csv}, as
 * a CSV file. Reading the log is itself logged.
 */
@Controller
class AccessLogController {
    private final AccessLogReader reader;
    private final PatientAccess access;
    private final AccessLog accessLog;
    private final CitizenCpr citizenCpr;

    AccessLogController(AccessLogReader reader, PatientAccess access, AccessLog accessLog, CitizenCpr citizenCpr) {
        this.reader = reader;
        this.access = access;
        this.accessLog = accessLog;
        this.citizenCpr = citizenCpr;
    }

    /**
     * The access log of one patient record, newest first.
     *
     * @param from   ISO 8601 instant, inclusive (default: the beginning)
     * @param to     ISO 8601 instant, exclusive (default: now)
     * @param person only this person's lines (username, exactly)
     * @param action only lines whose action begins so (any case: {@code read alert} finds {@code read alert 12})
     * @param format {@code json} (default), {@code csv} or {@code excel}
     */
    @Get("/api/patients/{patientId}/access-log")
    @Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.ORG_ADMIN})
    @Transactional
    HttpResponse<?> forStaff(@PathVariable UUID patientId, @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                             @Nullable @QueryValue String person, @Nullable @QueryValue String action,
                             @Nullable @QueryValue Integer limit, @Nullable @QueryValue String format,
                             @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        access.requireOrganisation(user, patientId, Set.of(StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.ORG_ADMIN));
        boolean csv = Csv.wanted(format);
        List<StaffLine> lines = reader.ofPatient(patientId, LogRange.of(from, to, limit), new AccessLogReader.Filter(person, action));
        // Logged after the read, so the answer shows the log as it was when asked.
        accessLog.record(user, patientId, "read access log", AccessLog.purpose(purpose), csv ? "csv" : null);
        return csv ? Csv.file(Csv.dialect(format), "access-log-" + patientId + ".csv", StaffLine.CSV, lines, StaffLine::values) : HttpResponse.ok(lines);
    }

    /** The signed-in citizen's own access log across every organisation that has a record of them. */
    @Get("/api/me/access-log")
    @Secured(StaffUser.Role.CITIZEN)
    HttpResponse<?> forCitizen(@Nullable @QueryValue String from, @Nullable @QueryValue String to, @Nullable @QueryValue Integer limit,
                               @Nullable @QueryValue String format, Authentication auth) {
        String cpr = citizenCpr.require(auth);
        boolean csv = Csv.wanted(format);
        List<CitizenLine> lines = reader.ofCitizen(cpr, LogRange.of(from, to, limit));
        return csv ? Csv.file(Csv.dialect(format), "who-has-seen-my-data.csv", CitizenLine.CSV, lines, CitizenLine::values) : HttpResponse.ok(lines);
    }
}
