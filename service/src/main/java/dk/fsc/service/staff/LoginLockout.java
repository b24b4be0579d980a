package dk.fsc.service.staff;

import dk.fsc.service.platform.security.CprCipher;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed logins in a row per account, and the lock that follows them ({@link LoginBackoff}),
 * kept in the database so that every instance of the service counts the same (table
 * {@code login_failures}). Each failed attempt and each lock is logged with the username and the
 * client address, never the password.
 */
@Singleton
class LoginLockout {
    private static final Logger LOG = LoggerFactory.getLogger(LoginLockout.class);
    /** Stands for a username that is a CPR number (a citizen typing theirs): never stored or logged. */
    private static final String CPR_LIKE = "(a CPR number)";

    private final DataSource dataSource;
    private final LoginBackoff backoff;

    LoginLockout(DataSource dataSource, @Nullable DataSourceResolver resolver,
                 @Value("${fsc.login-lockout.failures:5}") int failures,
                 @Value("${fsc.login-lockout.first-lock:30s}") Duration firstLock,
                 @Value("${fsc.login-lockout.max-lock:15m}") Duration maxLock) {
        this.dataSource = (resolver == null ? DataSourceResolver.DEFAULT : resolver).resolve(dataSource);
        this.backoff = new LoginBackoff(failures, firstLock, maxLock);
    }

    /** Whole seconds the account is still locked for; 0 when it is not. */
    long secondsLocked(String username) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     SELECT ceil(extract(epoch FROM locked_until - now()))::bigint FROM login_failures
                      WHERE username = ? AND locked_until > now()""")) {
            s.setString(1, key(username));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Math.max(1, rs.getLong(1)) : 0;
            }
        }
    }

    /** Counts a failed login and locks the account when the count calls for it. */
    void failed(String username, String clientAddress) throws SQLException {
        String key = key(username);
        String address = clean(clientAddress);
        try (Connection c = dataSource.getConnection()) {
            int inARow;
            // One statement, so two instances counting at once both count.
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO login_failures (username, failures, last_failure_at, last_address) VALUES (?, 1, now(), ?)
                    ON CONFLICT (username) DO UPDATE SET failures = login_failures.failures + 1, last_failure_at = now(),
                           last_address = excluded.last_address
                    RETURNING failures""")) {
                s.setString(1, key);
                s.setString(2, address);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    inARow = rs.getInt(1);
                }
            }
            LOG.warn("Failed login for '{}' from {} ({} in a row)", key, address, inARow);
            Duration lock = backoff.lockAfter(inARow);
            if (!lock.isZero()) {
                try (PreparedStatement s = c.prepareStatement(
                        "UPDATE login_failures SET locked_until = now() + ? * interval '1 second' WHERE username = ?")) {
                    s.setLong(1, lock.toSeconds());
                    s.setString(2, key);
                    s.executeUpdate();
                }
                LOG.warn("Account '{}' locked for {} s after {} failed logins in a row, the last from {}", key, lock.toSeconds(), inARow,
                        address);
            }
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM login_failures WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())")) {
                s.executeUpdate(); // names that stopped failing
            }
        }
    }

    /** A successful login: the count starts again. */
    void succeeded(String username) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("DELETE FROM login_failures WHERE username = ?")) {
            s.setString(1, key(username));
            s.executeUpdate();
        }
    }

    void refused(String username, String address, long seconds) {
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
