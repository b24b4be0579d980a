package dk.fsc.service.audit;

import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.UUID;

/**
 * Appends to the access log: who (user, organisation, role) did what to which citizen's data,
 * when and for what purpose. The table refuses updates and deletes.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AccessLog extends GenericRepository<AccessLogEntry, Long> {

    @Query("""
            INSERT INTO access_log (username, organisation_id, role, patient_id, action, purpose, detail)
            VALUES (:username, :organisationId, :role, :patientId, :action, :purpose, :detail)""")
    void append(String username, String organisationId, String role, UUID patientId, String action, String purpose,
                @Nullable String detail);

    default void record(StaffUser user, UUID patientId, String action, String purpose, @Nullable String detail) {
        append(user.username(), user.organisationId(), user.role(), patientId, action, purpose, detail);
    }
}
