package dk.fsc.service.staff;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.security.CprCipher;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed logins in a row per account (staff at {@code POST /login}; a device account signing in over
 * HTTP as {@code device:<username>}), and the lock that follows them ({@link LoginBackoff}),
 * kept in the database so that every instance of the service counts the same (table
 * {@code login_failures}). Each failed attempt and each lock is logged with the username and the
 * client address, never the password. Each call uses a pooled connection of its own, in autocommit.
 */
@Singleton
public class LoginLockout {
    private static final Logger LOG = LoggerFactory.getLogger(LoginLockout.class);
    /** Stands for a username that is a CPR number (a citizen typing theirs): never stored or logged. */
    private static final String CPR_LIKE = "(a CPR number)";

    private final Database db;
    private final LoginBackoff backoff;

    LoginLockout(Database db,
                 @Value("${fsc.login-lockout.failures:5}") int failures,
                 @Value("${fsc.login-lockout.first-lock:30s}") Duration firstLock,
                 @Value("${fsc.login-lockout.max-lock:15m}") Duration maxLock) {
        this.db = db;
        this.backoff = new LoginBackoff(failures, firstLock, maxLock);
    }

    /**
     * Begins a login attempt: whole seconds the account is still locked for (the attempt is
     * refused, and logged), or 0, and then the attempt is counted as a failure before the password
     * is checked, and the lock its count calls for is set. Counted afterwards (until 2026-12-05),
     * 200 guesses sent at once all passed the check while the first was still hashing; now they
     * wait for each other on the account's row, and those past the count are refused unhashed.
     * {@link #succeeded} clears the count, so a right password on the lock's threshold still signs in.
     */
    public long attempt(String username, String clientAddress) {
        String key = key(username);
        String address = clean(clientAddress);
        long locked;
        try (Connection c = db.ownConnection()) {
            c.setAutoCommit(false);
            Sql sql = Sql.on(c);
            try {
                sql.update("INSERT INTO login_failures (username, failures, last_failure_at, last_address) VALUES (?, 0, now(), ?)"
                        + " ON CONFLICT (username) DO NOTHING", key, address);
                long[] row = sql.one("""
                        SELECT failures, coalesce(ceil(extract(epoch FROM locked_until - now()))::bigint, 0)
                          FROM login_failures WHERE username = ? FOR UPDATE""", rs -> new long[] {rs.getLong(1), rs.getLong(2)}, key)
                        .orElseThrow();
                if (row[1] > 0) {
                    c.commit();
                    locked = row[1];
                } else {
                    int inARow = (int) row[0] + 1;
                    Duration lock = backoff.lockAfter(inARow);
                    sql.update("""
                            UPDATE login_failures SET failures = ?, last_failure_at = now(), last_address = ?,
                                   locked_until = CASE WHEN ? > 0 THEN now() + ? * interval '1 second' ELSE locked_until END
                             WHERE username = ?""", inARow, address, lock.toSeconds(), lock.toSeconds(), key);
                    c.commit();
                    locked = 0;
                }
            } catch (RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new Sql.DataError(e);
        }
        if (locked > 0) {
            LOG.warn("Login for locked account '{}' from {} refused, {} s left", key, address, locked);
        }
        return locked;
    }

    /** A failed login, counted already by {@link #attempt}: logged with the count and the lock it set. */
    public void failed(String username, String clientAddress) {
        String key = key(username);
        String address = clean(clientAddress);
        db.withConnection(sql -> {
            sql.one("SELECT failures, coalesce(ceil(extract(epoch FROM locked_until - now()))::bigint, 0) FROM login_failures WHERE username = ?",
                    rs -> new long[] {rs.getLong(1), rs.getLong(2)}, key).ifPresent(row -> {
                        LOG.warn("Failed login for '{}' from {} ({} in a row)", key, address, row[0]);
                        if (row[1] > 0) {
                            LOG.warn("Account '{}' locked for {} s after {} failed logins in a row, the last from {}", key, row[1], row[0], address);
                        }
                    });
            // names that stopped failing
            sql.update("DELETE FROM login_failures WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())");
            return null;
        });
    }

    /** A successful login: the count starts again. */
    public void succeeded(String username) {
        db.withConnection(sql -> sql.update("DELETE FROM login_failures WHERE username = ?", key(username)));
    }

    /** The name as counted and logged: control characters replaced, a CPR number never kept. */
    private static String key(String username) {
        if (CprCipher.isValid(CprCipher.normalise(username))) {
            return CPR_LIKE;
        }
        return clean(username);
    }

    /** What a caller sent, safe for one log line. */
    private static String clean(String text) {
        return text == null ? null : text.replaceAll("\\p{Cntrl}", "?");
    }
}
