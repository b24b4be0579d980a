package dk.fsc.service.audit;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.security.CprCipher;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the access log ({@link AccessLog} writes it), newest first: one patient record's lines for
 * its organisation's staff, and a citizen's lines across every organisation, in plain words.
 */
@Singleton
class AccessLogReader {
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
    private final Database db;
    private final CprCipher cipher;

    AccessLogReader(Database db, CprCipher cipher) {
        this.db = db;
        this.cipher = cipher;
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

    /** The lines of one patient record, in the caller's transaction. */
    List<StaffLine> ofPatient(UUID patientId, LogRange range) {
        return db.sql().list(SELECT + " " + """
                l.patient_id = ? AND l.at >= ? AND l.at < ? ORDER BY l.at DESC, l.id DESC LIMIT ?""",
                rs -> new StaffLine(rs.getLong("id"), Sql.instant(rs, "at"), rs.getString("username"), rs.getString("person"),
                        rs.getString("organisation_id"), rs.getString("role"), rs.getString("action"), rs.getString("purpose"),
                        rs.getString("detail")), patientId, range.from(), range.to(), range.limit());
    }

    /** The lines of every patient record with this CPR number, whichever organisation keeps it. */
    @Transactional(readOnly = true)
    List<CitizenLine> ofCitizen(String cpr, LogRange range) {
        Sql sql = db.sql();
        List<byte[]> hashes = cipher.lookupHashes(cpr);
        return sql.list(SELECT + " " + """
                l.patient_id IN (SELECT id FROM patients WHERE cpr_hash = ANY (?))
                  AND l.at >= ? AND l.at < ? ORDER BY l.at DESC, l.id DESC LIMIT ?""",
                rs -> new CitizenLine(Sql.instant(rs, "at"), rs.getString("person"), rs.getString("organisation"),
                        ROLE_WORDS.getOrDefault(rs.getString("role"), rs.getString("role")), rs.getString("action"),
                        rs.getString("purpose")),
                sql.array("bytea", hashes.toArray(new byte[0][])), range.from(), range.to(), range.limit());
    }
}
