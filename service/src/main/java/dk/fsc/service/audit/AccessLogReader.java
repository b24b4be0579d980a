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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the access log ({@link AccessLog} writes it), newest first: one patient record's lines for
 * its organisation's staff (optionally of one person or one kind of action), and a citizen's lines
 * across every organisation, in plain words. The API and the console's pages read it here.
 */
@Singleton
public class AccessLogReader {
    /** Each staff role in the English words the citizen's log shows (RoleWordsTest: every role has them). */
    static final Map<String, String> ROLE_WORDS = Map.of(
            StaffUser.Role.NURSE, "nurse", StaffUser.Role.CLINICIAN, "doctor or clinician",
            StaffUser.Role.ORG_ADMIN, "administrator of the organisation", StaffUser.Role.FSC_SUPPORT, "FSC support",
            StaffUser.Role.FSC_ADMIN, "FSC administrator", StaffUser.Role.WOUND_SPECIALIST, "wound specialist at a hospital's wound clinic");
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

    /**
     * Which lines of a patient record: of one person (username, exactly) and of one kind of action
     * (the action's beginning, any case: "read alert" finds "read alert 12"); null for any.
     */
    public record Filter(@Nullable String username, @Nullable String action) {
        public static final Filter ALL = new Filter(null, null);

        public Filter {
            username = username == null || username.isBlank() ? null : username.strip();
            action = action == null || action.isBlank() ? null : action.strip();
        }
    }

    /** A line as staff see it. */
    @Serdeable
    public record StaffLine(long id, Instant at, String username, String name, String organisationId, String role, String action,
                     String purpose, @Nullable String detail) {
        public static final List<String> CSV = List.of("id", "at", "username", "name", "organisation_id", "role", "action", "purpose", "detail");

        public List<?> values() {
            return List.of(id, at, username, name, organisationId, role, action, purpose, detail == null ? "" : detail);
        }
    }

    /** A line as the citizen sees it: who, from which organisation, in what role, what and why. */
    @Serdeable
    public record CitizenLine(Instant at, String person, String organisation, String role, String action, String purpose) {
        public static final List<String> CSV = List.of("at", "person", "organisation", "role", "action", "purpose");

        public List<?> values() {
            return List.of(at, person, organisation, role, action, purpose);
        }
    }

    /** A line of the citizen's own log with the role as its code, for a page to put in its own words. */
    public record CitizenEntry(Instant at, String person, String organisation, String role, String action, String purpose) {
    }

    /** The lines of one patient record, in the caller's transaction. */
    public List<StaffLine> ofPatient(UUID patientId, LogRange range, Filter filter) {
        List<Object> params = new ArrayList<>(List.of(patientId, range.from(), range.to()));
        StringBuilder where = new StringBuilder(" l.patient_id = ? AND l.at >= ? AND l.at < ?");
        if (filter.username() != null) {
            where.append(" AND l.username = ?");
            params.add(filter.username());
        }
        if (filter.action() != null) {
            where.append(" AND left(lower(l.action), length(?)) = lower(?)");
            params.add(filter.action());
            params.add(filter.action());
        }
        params.add(range.limit());
        return db.sql().list(SELECT + where + " ORDER BY l.at DESC, l.id DESC LIMIT ?",
                rs -> new StaffLine(rs.getLong("id"), Sql.instant(rs, "at"), rs.getString("username"), rs.getString("person"),
                        rs.getString("organisation_id"), rs.getString("role"), rs.getString("action"), rs.getString("purpose"),
                        rs.getString("detail")), params.toArray());
    }

    /** The lines of every patient record with this CPR number, whichever organisation keeps it; roles in English words. */
    @Transactional(readOnly = true)
    public List<CitizenLine> ofCitizen(String cpr, LogRange range) {
        return entriesOfCitizen(cpr, range).stream().map(e -> new CitizenLine(e.at(), e.person(), e.organisation(),
                ROLE_WORDS.getOrDefault(e.role(), e.role()), e.action(), e.purpose())).toList();
    }

    /** As {@link #ofCitizen}, with each line's role as its code ({@code nurse}, ...). */
    @Transactional(readOnly = true)
    public List<CitizenEntry> entriesOfCitizen(String cpr, LogRange range) {
        Sql sql = db.sql();
        List<byte[]> hashes = cipher.lookupHashes(cpr);
        return sql.list(SELECT + " " + """
                l.patient_id IN (SELECT id FROM patients WHERE cpr_hash = ANY (?))
                  AND l.at >= ? AND l.at < ? ORDER BY l.at DESC, l.id DESC LIMIT ?""",
                rs -> new CitizenEntry(Sql.instant(rs, "at"), rs.getString("person"), rs.getString("organisation"),
                        rs.getString("role"), rs.getString("action"), rs.getString("purpose")),
                sql.array("bytea", hashes.toArray(new byte[0][])), range.from(), range.to(), range.limit());
    }
}
