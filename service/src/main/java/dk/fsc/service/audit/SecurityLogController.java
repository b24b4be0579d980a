package dk.fsc.service.audit;

import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Refused attempts to reach patient records (the security log), for spotting probing. An
 * organisation's administrator sees the attempts of its own staff and those aimed at its own
 * patients; the FSC administrator sees all. Which organisation has a patient is shown only to
 * that organisation and to FSC, so the log does not tell the prober's organisation what exists.
 */
@Controller("/api/security-log")
@Secured({StaffUser.Role.ORG_ADMIN, StaffUser.Role.FSC_ADMIN})
class SecurityLogController {
    private final DataSource dataSource;

    SecurityLogController(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Serdeable
    record Line(long id, Instant at, String username, String organisationId, String role, UUID patientId,
                @Nullable String patientOrganisationId, String method, String route) {
    }

    /** One caller's refused attempts in the range: how many, on how many patient ids, first and last. */
    @Serdeable
    record Count(String username, String organisationId, long attempts, long patients, Instant first, Instant last) {
    }

    /**
     * Refused attempts, newest first.
     *
     * @param from     ISO 8601 instant, inclusive (default: the beginning)
     * @param to       ISO 8601 instant, exclusive (default: now)
     * @param username only this caller's attempts
     */
    @Get
    @Transactional(readOnly = true)
    List<Line> list(@Nullable @QueryValue String from, @Nullable @QueryValue String to, @Nullable @QueryValue String username,
                    @Nullable @QueryValue Integer limit, Authentication auth) throws SQLException {
        StaffUser viewer = StaffUser.of(auth);
        AccessLogController.Range range = AccessLogController.Range.of(from, to, limit);
        boolean fsc = viewer.role().equals(StaffUser.Role.FSC_ADMIN);
        List<Object> params = new ArrayList<>(List.of(fsc, viewer.organisationId()));
        String where = where(viewer, range, username, params);
        params.add(range.limit());
        return Sql.on(dataSource.getConnection()).list("""
                SELECT id, at, username, organisation_id, role, patient_id, method, route,
                       CASE WHEN ? OR patient_organisation_id = ? THEN patient_organisation_id END AS shown_organisation
                  FROM security_log WHERE""" + where + " ORDER BY at DESC, id DESC LIMIT ?",
                rs -> new Line(rs.getLong("id"), Sql.instant(rs, "at"), rs.getString("username"), rs.getString("organisation_id"),
                        rs.getString("role"), rs.getObject("patient_id", UUID.class), rs.getString("shown_organisation"),
                        rs.getString("method"), rs.getString("route")),
                params.toArray());
    }

    /** Refused attempts per caller in the range, most first: who is probing, and how much. */
    @Get("/counts")
    @Transactional(readOnly = true)
    List<Count> counts(@Nullable @QueryValue String from, @Nullable @QueryValue String to, Authentication auth) throws SQLException {
        StaffUser viewer = StaffUser.of(auth);
        AccessLogController.Range range = AccessLogController.Range.of(from, to, null);
        List<Object> params = new ArrayList<>();
        String where = where(viewer, range, null, params);
        return Sql.on(dataSource.getConnection()).list("""
                SELECT username, organisation_id, count(*) AS attempts, count(DISTINCT patient_id) AS patients,
                       min(at) AS first, max(at) AS last
                  FROM security_log WHERE""" + where + " GROUP BY username, organisation_id ORDER BY attempts DESC, username",
                rs -> new Count(rs.getString("username"), rs.getString("organisation_id"), rs.getLong("attempts"),
                        rs.getLong("patients"), Sql.instant(rs, "first"), Sql.instant(rs, "last")),
                params.toArray());
    }

    /** The rows the viewer may see in the range; adds the parameters. FSC's administrator sees every organisation's. */
    private static String where(StaffUser viewer, AccessLogController.Range range, @Nullable String username, List<Object> params) {
        StringBuilder where = new StringBuilder(" at >= ? AND at < ?");
        params.add(range.from());
        params.add(range.to());
        if (!viewer.role().equals(StaffUser.Role.FSC_ADMIN)) {
            where.append(" AND (organisation_id = ? OR patient_organisation_id = ?)");
            params.add(viewer.organisationId());
            params.add(viewer.organisationId());
        }
        if (username != null) {
            where.append(" AND username = ?");
            params.add(username);
        }
        return where.toString();
    }
}
