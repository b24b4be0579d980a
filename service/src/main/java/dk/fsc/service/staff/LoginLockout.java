package dk.fsc.service.staff;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.security.CprCipher;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
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

    /** Whole seconds the account is still locked for; 0 when it is not. */
    public long secondsLocked(String username) {
        return db.withConnection(sql -> sql.one("""
                SELECT ceil(extract(epoch FROM locked_until - now()))::bigint FROM login_failures
                 WHERE username = ? AND locked_until > now()""", rs -> Math.max(1, rs.getLong(1)), key(username)).orElse(0L));
    }

    /** Counts a failed login and locks the account when the count calls for it. */
    public void failed(String username, String clientAddress) {
        String key = key(username);
        String address = clean(clientAddress);
        db.withConnection(sql -> {
            // One statement, so two instances counting at once both count.
            int inARow = sql.one("""
                    INSERT INTO login_failures (username, failures, last_failure_at, last_address) VALUES (?, 1, now(), ?)
                    ON CONFLICT (username) DO UPDATE SET failures = login_failures.failures + 1, last_failure_at = now(),
                           last_address = excluded.last_address
                    RETURNING failures""", rs -> rs.getInt(1), key, address).orElseThrow();
            LOG.warn("Failed login for '{}' from {} ({} in a row)", key, address, inARow);
            Duration lock = backoff.lockAfter(inARow);
            if (!lock.isZero()) {
                sql.update("UPDATE login_failures SET locked_until = now() + ? * interval '1 second' WHERE username = ?",
                        lock.toSeconds(), key);
                LOG.warn("Account '{}' locked for {} s after {} failed logins in a row, the last from {}", key, lock.toSeconds(), inARow,
                        address);
            }
            // names that stopped failing
            sql.update("DELETE FROM login_failures WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())");
            return null;
        });
    }

    /** A successful login: the count starts again. */
    public void succeeded(String username) {
        db.withConnection(sql -> sql.update("DELETE FROM login_failures WHERE username = ?", key(username)));
    }

    public void refused(String username, String address, long seconds) {
        LOG.warn("Login for locked account '{}' from {} refused, {} s left", key(username), clean(address), seconds);
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
