package dk.fsc.service.audit;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Appends to the access log: who (user, organisation, role) did what to which citizen's data,
 * when and for what purpose. The table refuses updates and deletes. A line is written in the
 * caller's transaction (or one of its own when there is none), so a read and its line commit
 * together; {@link AccessLogWriter} appends in batches for the alert stream.
 */
@Singleton
public class AccessLog {
    private final Database db;

    AccessLog(Database db) {
        this.db = db;
    }

    @Transactional
    public void record(StaffUser user, UUID patientId, String action, String purpose, @Nullable String detail) {
        append(db.sql(), List.of(AccessLogEntry.of(user, patientId, action, purpose, detail)));
    }

    /** One line per patient, in one statement: for lists that show several citizens at once. */
    @Transactional
    public void recordEach(StaffUser user, Collection<UUID> patientIds, String action, String purpose) {
        if (!patientIds.isEmpty()) {
            append(db.sql(), patientIds.stream().distinct().map(p -> AccessLogEntry.of(user, p, action, purpose, null)).toList());
        }
    }

    /** Several lines in one statement, in the caller's transaction: for a page that shows several reads at once. */
    @Transactional
    public void recordAll(List<AccessLogEntry> lines) {
        if (!lines.isEmpty()) {
            append(db.sql(), lines);
        }
    }

    /** Appends the lines in one statement, in autocommit on a connection of its own: all or none. */
    void appendOnOwnConnection(List<AccessLogEntry> lines) {
        try (Connection c = db.ownConnection()) {
            c.setAutoCommit(true);
            append(Sql.on(c), lines);
        } catch (SQLException e) {
            throw new Sql.DataError(e);
        }
    }

    private static void append(Sql sql, List<AccessLogEntry> lines) {
        sql.update("""
                INSERT INTO access_log (username, organisation_id, role, patient_id, action, purpose, detail)
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::uuid[], ?::text[], ?::text[], ?::text[])""",
                sql.array("text", lines.stream().map(AccessLogEntry::username).toArray()),
                sql.array("text", lines.stream().map(AccessLogEntry::organisationId).toArray()),
                sql.array("text", lines.stream().map(AccessLogEntry::role).toArray()),
                sql.array("uuid", lines.stream().map(AccessLogEntry::patientId).toArray()),
                sql.array("text", lines.stream().map(AccessLogEntry::action).toArray()),
                sql.array("text", lines.stream().map(AccessLogEntry::purpose).toArray()),
                sql.array("text", lines.stream().map(AccessLogEntry::detail).toArray()));
    }

    /** The purpose a caller stated (header X-FSC-Purpose), bounded and printable; "care" when none. */
    public static String purpose(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return "care";
        }
        String clean = header.replaceAll("\\p{Cntrl}", " ").strip();
        return clean.length() > 200 ? clean.substring(0, 200) : clean;
    }
}
