package dk.fsc.service.console;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.security.CprCipher;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.security.authentication.Authentication;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Console sessions in {@code console_sessions}: opened at sign-in, found (and their idle clock
 * restarted) on each request, closed at sign-out or after {@code FSC_CONSOLE_IDLE} without one.
 * Each call runs on its own connection: the session is checked before any transaction begins.
 */
@Singleton
public class ConsoleSessions {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A request restarts the idle clock at most this often (one write per half minute, not per request). */
    private static final Duration TOUCH_EVERY = Duration.ofSeconds(30);
    private final Database db;
    private final ConsoleSettings settings;
    private final CprCipher cipher;

    ConsoleSessions(Database db, ConsoleSettings settings, CprCipher cipher) {
        this.db = db;
        this.settings = settings;
        this.cipher = cipher;
    }

    /** A new session: the id for the cookie (never stored) and what it stands for. */
    public record Opened(String cookieValue, ConsoleSession session) {
    }

    public Opened open(String username, String role, String organisationId, String signedInBy) {
        return open(username, role, organisationId, signedInBy, null);
    }

    /** A session that also keeps (encrypted) the CPR number a citizen signed in with; {@code cpr} null for staff. */
    public Opened open(String username, String role, String organisationId, String signedInBy, @Nullable String cpr) {
        String id = random();
        ConsoleSession session = new ConsoleSession(username, role, organisationId == null ? "" : organisationId, random());
        db.withConnection(sql -> sql.update("""
                INSERT INTO console_sessions (id_hash, username, role, organisation_id, csrf_token, signed_in_by, cpr_encrypted)
                VALUES (decode(?, 'hex'), ?, ?, ?, ?, ?, ?)""",
                hash(id), username, role, session.organisationId(), session.csrfToken(), signedInBy,
                cpr == null ? null : cipher.encrypt(cpr)));
        return new Opened(id, session);
    }

    /**
     * The session of a cookie value, if it exists and was used within the idle timeout, and, for
     * a password sign-in, its account is still active with the role and organisation it signed in
     * with (a deactivated or moved colleague's open session ended only at its idle timeout; a
     * provider's sign-in is its provider's to end).
     */
    Optional<Found> find(String cookieValue) {
        if (cookieValue == null || cookieValue.length() != 43) {
            return Optional.empty();
        }
        String hash = hash(cookieValue);
        long idleSeconds = settings.idle().toSeconds();
        return db.withConnection(sql -> {
            Optional<Found> found = sql.one("""
                    SELECT username, role, organisation_id, csrf_token, extract(epoch FROM now() - last_seen_at), cpr_encrypted
                    FROM console_sessions s WHERE""" + " " + LIVE,
                    rs -> new Found(hash, new ConsoleSession(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
                            rs.getDouble(5), rs.getBytes(6) == null ? null : cipher.decrypt(rs.getBytes(6))),
                    hash, idleSeconds);
            if (found.isPresent() && found.get().secondsIdle() >= touchEverySeconds()) {
                sql.update("UPDATE console_sessions SET last_seen_at = now() WHERE id_hash = decode(?, 'hex')", hash);
            }
            return found;
        });
    }

    /** A session by its hash, within the idle timeout, and (a password sign-in) of an account as it signed in. */
    private static final String LIVE = """
            id_hash = decode(?, 'hex') AND last_seen_at > now() - make_interval(secs => ?)
             AND (signed_in_by <> 'password' OR EXISTS (SELECT 1 FROM staff_users u WHERE u.username = s.username AND u.active
                                                       AND u.role = s.role AND u.organisation_id = s.organisation_id))""";

    /**
     * Whether the session behind a request the console's cookie authenticated is still open, as
     * {@link #find} would find it, without counting as activity (an open stream asks every 20 s).
     */
    public boolean stillOpen(Authentication auth) {
        Object hash = auth.getAttributes().get(ConsoleSession.SESSION_ATTRIBUTE);
        return hash != null && db.withConnection(sql -> sql.one("SELECT 1 FROM console_sessions s WHERE " + LIVE, rs -> 1, hash,
                settings.idle().toSeconds()).isPresent());
    }

    /** Half a minute, or a tenth of a short idle timeout (else a session of under 30 s idle could never be kept alive). */
    private double touchEverySeconds() {
        return Math.min(TOUCH_EVERY.toSeconds(), settings.idle().toMillis() / 10_000.0);
    }

    /** A session found; {@code cpr} is the citizen's (decrypted), null for staff. */
    record Found(String hash, ConsoleSession session, double secondsIdle, @Nullable String cpr) {
        @Override
        public String toString() {
            return "Found[" + session + "]"; // never the CPR number
        }
    }

    /** Signs the session out (its cookie no longer opens anything). */
    public void close(String sessionHash) {
        db.withConnection(sql -> sql.update("DELETE FROM console_sessions WHERE id_hash = decode(?, 'hex')", sessionHash));
    }

    /** Deletes sessions idle for longer than the timeout (their cookies stopped working then already); returns how many. */
    @Scheduled(fixedDelay = "5m", initialDelay = "1m")
    int expire() {
        return db.withConnection(sql -> sql.update("DELETE FROM console_sessions WHERE last_seen_at <= now() - make_interval(secs => ?)",
                settings.idle().toSeconds()));
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
