package dk.fsc.service.staff;

import dk.fsc.service.platform.database.Database;
import jakarta.inject.Singleton;
import java.util.List;

/** The active nurses and clinicians of an organisation: whom an alert can be assigned to. */
@Singleton
public class Colleagues {
    private final Database db;

    Colleagues(Database db) {
        this.db = db;
    }

    public record Colleague(String username, String displayName, String role) {
    }

    /** Whether an alert may be assigned to {@code assignee}: oneself, or an active nurse or clinician of the organisation. */
    public boolean assignable(String organisation, String me, String assignee) {
        return assignee.equals(me) || careStaff(organisation).stream().anyMatch(c -> c.username().equals(assignee));
    }

    public List<Colleague> careStaff(String organisation) {
        return db.withConnection(sql -> sql.list("""
                SELECT username, display_name, role FROM staff_users
                 WHERE organisation_id = ? AND active AND role IN ('nurse', 'clinician') ORDER BY display_name, username""",
                rs -> new Colleague(rs.getString(1), rs.getString(2), rs.getString(3)), organisation));
    }
}
