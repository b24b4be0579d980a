package dk.fsc.service.audit;

import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.context.ServerRequestContext;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a refused attempt to reach a patient record: who (user, organisation, role), which
 * patient id, which route, when. In its own transaction, so the refusal that rolls back the
 * request's transaction does not take the record with it. Also a log line (ids only, never a CPR
 * number). Nothing of the citizen was shown, so this is not the citizen's access log.
 */
@Singleton
public class SecurityLog {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityLog.class);
    private final DataSource dataSource;

    SecurityLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Transactional(propagation = TransactionDefinition.Propagation.REQUIRES_NEW)
    public void refused(StaffUser user, UUID patientId) {
        HttpRequest<?> request = ServerRequestContext.currentRequest().orElse(null);
        String method = request == null ? "-" : request.getMethodName();
        String route = request == null ? "-" : request.getPath();
        LOG.warn("Refused: {} ({}, {}) asked for patient {} with {} {}", user.username(), user.role(), user.organisationId(),
                patientId, method, route);
        try {
            Sql.on(dataSource.getConnection()).update("""
                    INSERT INTO security_log (username, organisation_id, role, patient_id, patient_organisation_id, method, route)
                    VALUES (?, ?, ?, ?, (SELECT organisation_id FROM patients WHERE id = ?), ?, ?)""",
                    user.username(), user.organisationId(), user.role(), patientId, patientId, method, route);
        } catch (SQLException e) {
            throw new IllegalStateException("security log not written", e);
        }
    }
}
