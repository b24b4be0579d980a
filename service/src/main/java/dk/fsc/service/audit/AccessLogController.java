package dk.fsc.service.audit;

import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.web.Csv;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Times;
import dk.fsc.service.platform.security.CprCipher;
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
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Who has worked with a citizen's data. Staff of the patient's organisation read the full log of
 * that record; the citizen, signed in through the OpenID Connect provider (MitID), reads every
 * organisation's log of their data, in plain words. Both as JSON or, with {@code format=csv}, as
 * a CSV file. Reading the log is itself logged.
 */
@Controller
class AccessLogController {
    private static final int MAX_ROWS = 10_000;
    private static final Map<String, String> ROLE_WORDS = Map.of(
            StaffUser.Role.NURSE, "nurse", StaffUser.Role.CLINICIAN, "doctor or clinician",
            StaffUser.Role.ORG_ADMIN, "administrator of the organisation", StaffUser.Role.FSC_SUPPORT, "FSC support",
            StaffUser.Role.FSC_ADMIN, "FSC administrator");
    private static final String SELECT = """
            SELECT l.id, l.at, l.username, coalesce(s.display_name, l.username) AS person, l.organisation_id,
                   coalesce(o.name, l.organisation_id) AS organisation, l.role, l.action, l.purpose, l.detail
              FROM access_log l
              LEFT JOIN staff_users s ON s.username = l.username
              LEFT JOIN organisations o ON o.id = l.organisation_id
             WHERE""";
    private final DataSource dataSource;
    private final PatientAccess access;
    private final AccessLog accessLog;
    private final CprCipher cipher;
    private final String cprClaim;

    AccessLogController(DataSource dataSource, PatientAccess access, AccessLog accessLog, CprCipher cipher,
                        @Value("${fsc.oidc.cpr-claim:cpr}") String cprClaim) {
        this.dataSource = dataSource;
        this.access = access;
        this.accessLog = accessLog;
        this.cipher = cipher;
        this.cprClaim = cprClaim;
    }

    /** A line as staff see it. */
    @Serdeable
    record StaffLine(long id, Instant at, String username, String name, String organisationId, String role, String action,
                     String purpose, @Nullable String detail) {
        static final List<String> CSV = List.of("id", "at", "username", "name", "organisation_id", "role", "action", "purpose", "detail");

        List<?> values() {
            return List.of(id, at, username, name, organisationId, role, action, purpose, detail == null ? "" : detail);
        }
    }

    /** A line as the citizen sees it: who, from which organisation, in what role, what and why. */
    @Serdeable
    record CitizenLine(Instant at, String person, String organisation, String role, String action, String purpose) {
        static final List<String> CSV = List.of("at", "person", "organisation", "role", "action", "purpose");

        List<?> values() {
            return List.of(at, person, organisation, role, action, purpose);
        }
    }

    /**
     * The access log of one patient record, newest first.
     *
     * @param from   ISO 8601 instant, inclusive (default: the beginning)
     * @param to     ISO 8601 instant, exclusive (default: now)
     * @param format {@code json} (default) or {@code csv}
     */
    @Get("/api/patients/{patientId}/access-log")
    @Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.ORG_ADMIN})
    @Transactional
    HttpResponse<?> forStaff(@PathVariable UUID patientId, @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                             @Nullable @QueryValue Integer limit, @Nullable @QueryValue String format,
                             @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        access.requireOrganisation(user, patientId, Set.of(StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.ORG_ADMIN));
        boolean csv = Csv.wanted(format);
        Range range = Range.of(from, to, limit);
        List<StaffLine> lines = Sql.on(dataSource.getConnection()).list(SELECT + " " + """
                l.patient_id = ? AND l.at >= ? AND l.at < ? ORDER BY l.at DESC, l.id DESC LIMIT ?""",
                rs -> new StaffLine(rs.getLong("id"), Sql.instant(rs, "at"), rs.getString("username"), rs.getString("person"),
                        rs.getString("organisation_id"), rs.getString("role"), rs.getString("action"), rs.getString("purpose"),
                        rs.getString("detail")), patientId, range.from(), range.to(), range.limit());
        // Logged after the read, so the answer shows the log as it was when asked.
        accessLog.record(user, patientId, "read access log", AccessLog.purpose(purpose), csv ? "csv" : null);
        return csv ? Csv.file("access-log-" + patientId + ".csv", StaffLine.CSV, lines, StaffLine::values) : HttpResponse.ok(lines);
    }

    /** The signed-in citizen's own access log across every organisation that has a record of them. */
    @Get("/api/me/access-log")
    @Secured(StaffUser.Role.CITIZEN)
    @Transactional(readOnly = true)
    HttpResponse<?> forCitizen(@Nullable @QueryValue String from, @Nullable @QueryValue String to, @Nullable @QueryValue Integer limit,
                               @Nullable @QueryValue String format, Authentication auth) throws SQLException {
        Object claim = auth.getAttributes().get(cprClaim);
        String cpr = claim == null ? null : CprCipher.normalise(claim.toString());
        if (!CprCipher.isValid(cpr)) {
            throw Refusal.invalid("Your sign-in did not carry a CPR number this service can read; sign in again with MitID.");
        }
        boolean csv = Csv.wanted(format);
        Range range = Range.of(from, to, limit);
        Sql sql = Sql.on(dataSource.getConnection());
        List<byte[]> hashes = cipher.lookupHashes(cpr);
        List<CitizenLine> lines = sql.list(SELECT + " " + """
                l.patient_id IN (SELECT id FROM patients WHERE cpr_hash = ANY (?))
                  AND l.at >= ? AND l.at < ? ORDER BY l.at DESC, l.id DESC LIMIT ?""",
                rs -> new CitizenLine(Sql.instant(rs, "at"), rs.getString("person"), rs.getString("organisation"),
                        ROLE_WORDS.getOrDefault(rs.getString("role"), rs.getString("role")), rs.getString("action"),
                        rs.getString("purpose")),
                sql.array("bytea", hashes.toArray(new byte[0][])), range.from(), range.to(), range.limit());
        return csv ? Csv.file("who-has-seen-my-data.csv", CitizenLine.CSV, lines, CitizenLine::values) : HttpResponse.ok(lines);
    }

    /** A time range and row limit from query parameters; also used by the security log. */
    record Range(Instant from, Instant to, int limit) {
        static Range of(String from, String to, Integer limit) {
            Instant end = to == null ? Instant.now() : Times.parse("to", to);
            Instant start = from == null ? Instant.EPOCH : Times.parse("from", from);
            if (!start.isBefore(end)) {
                throw Refusal.invalid("from (" + start + ") must be before to (" + end + ")");
            }
            int rows = limit == null ? 1000 : limit;
            if (rows < 1 || rows > MAX_ROWS) {
                throw Refusal.invalid("limit must be between 1 and " + MAX_ROWS);
            }
            return new Range(start, end, rows);
        }
    }
}
