package dk.fsc.service.staff;

import dk.fsc.service.platform.database.Database;
import jakarta.inject.Singleton;
import java.util.Optional;

/** The built-in staff accounts (table {@code staff_users}) as login needs them; read outside any transaction. */
@Singleton
class StaffAccounts {
    private final Database db;

    StaffAccounts(Database db) {
        this.db = db;
    }

    /** What login checks: the password hash, and the role and organisation that go into the token. */
    record Account(String passwordHash, String role, String organisationId, boolean active) {
    }

    Optional<Account> find(String username) {
        return db.withConnection(sql -> sql.one("SELECT password_hash, role, organisation_id, active FROM staff_users WHERE username = ?",
                rs -> new Account(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)), username));
    }
}
