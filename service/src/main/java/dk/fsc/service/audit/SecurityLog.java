package dk.fsc.service.audit;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.web.CurrentRequest;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security log: refused attempts to reach a patient record, who (user, organisation, role),
 * which patient id, which route, when. Each is written in its own transaction, so the refusal that
 * rolls back the request's transaction does not take the record with it, and is also a log line
 * (ids only, never a CPR number). Nothing of the citizen was shown, so this is not the citizen's
 * access log. Read back per viewer: an organisation's administrator sees the attempts of its own
 * staff and those aimed at its own patients; the FSC administrator sees all.
 */
@Singleton
public class SecurityLog {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityLog.class);
    private final Database db;

    SecurityLog(Database db) {
        this.db = db;
    }

    /** One refused attempt. */
    @Serdeable
    record Line(long id, Instant at, String username, String organisationId, String role, UUID patientId,
                @Nullable String patientOrganisationId, String method, String route) {
    }

    /** One caller's refused attempts in the range: how many, on how many patient ids, first and last. */
    @Serdeable
    record Count(String username, String organisationId, long attempts, long patients, Instant first, Instant last) {
    }

    @Transactional(propagation = TransactionDefinition.Propagation.REQUIRES_NEW)
    public void refused(StaffUser user, UUID patientId) {
        CurrentRequest request = CurrentRequest.now();
        LOG.warn("Refused: {} ({}, {}) asked for patient {} with {} {}", user.username(), user.role(), user.organisationId(),
                patientId, request.method(), request.path());
        db.sql().update("""
                INSERT INTO security_log (username, organisation_id, role, patient_id, patient_organisation_id, method, route)
                VALUES (?, ?, ?, ?, (SELECT organisation_id FROM patients WHERE id = ?), ?, ?)""",
                user.username(), user.organisationId(), user.role(), patientId, patientId, request.method(), request.path());
    }

    /**
     * The attempts the viewer may see in the range, newest first, optionally of one caller. Which
     * organisation has the patient is shown only to that organisation and to FSC, so the log does
     * not tell the prober's organisation what exists.
     */
    @Transactional(readOnly = true)
    List<Line> lines(StaffUser viewer, LogRange range, @Nullable String username) {
        boolean fsc = viewer.role().equals(StaffUser.Role.FSC_ADMIN);
        List<Object> params = new ArrayList<>(List.of(fsc, viewer.organisationId()));
        String where = where(viewer, range, username, params);
        params.add(range.limit());
        return db.sql().list("""
                SELECT id, at, username, organisation_id, role, patient_id, method, route,
                       CASE WHEN ? OR patient_organisation_id = ? THEN patient_organisation_id END AS shown_organisation
                  FROM security_log WHERE""" + where + " ORDER BY at DESC, id DESC LIMIT ?",
                rs -> new Line(rs.getLong("id"), Sql.instant(rs, "at"), rs.getString("username"), rs.getString("organisation_id"),
                        rs.getString("role"), rs.getObject("patient_id", UUID.class), rs.getString("shown_organisation"),
                        rs.getString("method"), rs.getString("route")),
                params.toArray());
    }

    /** The viewer's visible attempts in the range per caller, most first: who is probing, and how much. */
    @Transactional(readOnly = true)
    List<Count> counts(StaffUser viewer, LogRange range) {
        List<Object> params = new ArrayList<>();
        String where = where(viewer, range, null, params);
        return db.sql().list("""
                SELECT username, organisation_id, count(*) AS attempts, count(DISTINCT patient_id) AS patients,
                       min(at) AS first, max(at) AS last
                  FROM security_log WHERE""" + where + " GROUP BY username, organisation_id ORDER BY attempts DESC, username",
                rs -> new Count(rs.getString("username"), rs.getString("organisation_id"), rs.getLong("attempts"),
                        rs.getLong("patients"), Sql.instant(rs, "first"), Sql.instant(rs, "last")),
                params.toArray());
    }

    /** The rows the viewer may see in the range; adds the parameters. FSC's administrator sees every organisation's. */
    private static String where(StaffUser viewer, LogRange range, @Nullable String username, List<Object> params) {
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
