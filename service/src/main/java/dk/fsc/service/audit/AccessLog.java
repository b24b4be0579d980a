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

    @Query("""
            INSERT INTO access_log (username, organisation_id, role, patient_id, action, purpose)
            SELECT :username, :organisationId, :role, p, :action, :purpose FROM unnest(CAST(string_to_array(:patientIds, ',') AS uuid[])) p""")
    void appendMany(String username, String organisationId, String role, String patientIds, String action, String purpose);

    default void record(StaffUser user, UUID patientId, String action, String purpose, @Nullable String detail) {
        append(user.username(), user.organisationId(), user.role(), patientId, action, purpose, detail);
    }

    /** One line per patient, in one statement: for lists that show several citizens at once. */
    default void recordEach(StaffUser user, java.util.Collection<UUID> patientIds, String action, String purpose) {
        if (!patientIds.isEmpty()) {
            appendMany(user.username(), user.organisationId(), user.role(), patientIds.stream().distinct().map(UUID::toString).collect(java.util.stream.Collectors.joining(",")),
                    action, purpose);
        }
    }

    /** The purpose a caller stated (header X-FSC-Purpose), bounded and printable; "care" when none. */
    static String purpose(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return "care";
        }
        String clean = header.replaceAll("\\p{Cntrl}", " ").strip();
        return clean.length() > 200 ? clean.substring(0, 200) : clean;
    }
}
