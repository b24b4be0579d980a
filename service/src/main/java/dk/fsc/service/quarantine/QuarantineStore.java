package dk.fsc.service.quarantine;

import dk.fsc.gateway.replay.QuarantineReplays;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quarantine table (device messages the gateway refused), and the gateway's replay of one
 * message. A missing message is "not found".
 */
@Singleton
public class QuarantineStore {
    private static final String COLUMNS = """
            id, received_at, topic, device_id, message_id, code, detail, coalesce(payload_size, octet_length(payload)) AS size_bytes,
            payload_truncated, payload_sha256, replay_count, last_replay_at, last_replay_by, last_replay_result, replayed_at""";
    private static final Logger LOG = LoggerFactory.getLogger(QuarantineStore.class);
    private final Database db;
    private final QuarantineReplays replays;
    private final AccessLog accessLog;

    QuarantineStore(Database db, QuarantineReplays replays, AccessLog accessLog) {
        this.db = db;
        this.replays = replays;
        this.accessLog = accessLog;
    }

    /**
     * One quarantined message, without its bytes. {@code replayedAt} is set once a replay stored it.
     * {@code sizeBytes} and {@code sha256} are of the whole message; {@code truncated}: only its first
     * 64 KiB were kept (an oversize or rate-limited payload), so it cannot be replayed.
     */
    @Serdeable
    @Introspected
    public record Entry(long id, Instant receivedAt, String topic, @Nullable String deviceId, @Nullable String messageId, String code,
                 String detail, int sizeBytes, boolean truncated, @Nullable String sha256, int replayCount, @Nullable Instant lastReplayAt, @Nullable String lastReplayBy,
                 @Nullable String lastReplayResult, @Nullable Instant replayedAt) {
    }

    /** @param openByCode how many messages of each code match the filters (code, deviceId, open), over all pages */
    @Serdeable
    @Introspected
    public record Page(List<Entry> items, @Nullable Long nextBefore, Map<String, Long> openByCode) {
    }

    /**
     * A page of messages, newest first, and the count per code over all pages.
     *
     * @param open   true or null: only messages not yet stored by a replay; false: all
     * @param before only ids below this; null: from the newest
     */
    @Transactional
    public Page page(@Nullable String code, @Nullable String deviceId, @Nullable Boolean open, @Nullable Long before, int rows) {
        Sql sql = db.sql();
        List<Entry> items = sql.list("SELECT " + COLUMNS + " FROM quarantine WHERE " + filter(open)
                + " AND id < ? ORDER BY id DESC LIMIT ?", QuarantineStore::entry,
                code, code, deviceId, deviceId, before == null ? Long.MAX_VALUE : before, rows + 1);
        Long next = items.size() > rows ? items.get(rows - 1).id() : null;
        Map<String, Long> byCode = new LinkedHashMap<>();
        // Counted with the list's own filters (all pages), so the counts describe what the list shows.
        sql.list("SELECT code, count(*) FROM quarantine WHERE " + filter(open) + " GROUP BY code ORDER BY count(*) DESC, code",
                rs -> byCode.put(rs.getString(1), rs.getLong(2)), code, code, deviceId, deviceId);
        return new Page(items.size() > rows ? items.subList(0, rows) : items, next, byCode);
    }

    @Transactional
    public Entry one(long id) {
        return db.sql().one("SELECT " + COLUMNS + " FROM quarantine WHERE id = ?", QuarantineStore::entry, id)
                .orElseThrow(() -> notFound(id));
    }

    /**
     * The message byte for byte for {@code user}: the bytes can be a citizen's readings, so it is
     * logged as a read of that citizen's data (the device's loan when it came), and in the log.
     */
    @Transactional
    public byte[] payloadFor(long id, StaffUser user) {
        byte[] payload = payload(id);
        citizenOf(id).ifPresent(patient -> accessLog.record(user, patient, "read quarantined message " + id, "operations", null));
        LOG.info("Quarantined message {} downloaded by {}", id, user.username());
        return payload;
    }

    /** The message byte for byte, as the device sent it (or the one object of a backlog array that was refused). */
    private byte[] payload(long id) {
        return db.sql().one("SELECT payload FROM quarantine WHERE id = ?", rs -> rs.getBytes(1), id).orElseThrow(() -> notFound(id));
    }

    /**
     * Whose readings the message may hold: the citizen of the device's loan when the message came
     * (the last loan started by then, which also covers a backlog sent just after the loan ended).
     * A reservation not shipped and a cancelled order never reached a citizen: until 2026-12-05 a
     * reservation's start named its future citizen in the access log instead of the one whose
     * readings the message held.
     */
    Optional<UUID> citizenOf(long id) {
        return db.sql().one("""
                SELECT l.patient_id FROM quarantine q JOIN loans l ON l.device_id = q.device_id AND l.starts_at <= q.received_at
                                                               AND l.status IN ('active', 'ended')
                 WHERE q.id = ? ORDER BY l.starts_at DESC LIMIT 1""", rs -> rs.getObject(1, UUID.class), id);
    }

    /** Ids of the open messages that match, oldest first (read in a short transaction of its own, before the replays). */
    @Transactional
    public List<Long> openIds(@Nullable String code, @Nullable String deviceId, int rows) {
        return db.sql().list("SELECT id FROM quarantine WHERE " + filter(true) + " ORDER BY id LIMIT ?",
                rs -> rs.getLong(1), code, code, deviceId, deviceId, rows);
    }

    /** Runs the message through the gateway's checks and store again, in a transaction of the gateway's own. */
    public QuarantineReplays.Result replay(long id, String operator) {
        try {
            return replays.replay(id, operator);
        } catch (QuarantineReplays.NotFound e) {
            throw notFound(id);
        } catch (SQLException e) {
            throw new Sql.DataError(e);
        }
    }

    private static String filter(@Nullable Boolean open) {
        return "(?::text IS NULL OR code = ?) AND (?::text IS NULL OR device_id = ?)"
                + (open == null || open ? " AND replayed_at IS NULL" : "");
    }

    private static Refusal notFound(long id) {
        return Refusal.notFound("No quarantined message " + id + ".");
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        return new Entry(rs.getLong("id"), Sql.instant(rs, "received_at"), rs.getString("topic"), rs.getString("device_id"),
                rs.getString("message_id"), rs.getString("code"), rs.getString("detail"), rs.getInt("size_bytes"),
                rs.getBoolean("payload_truncated"), rs.getString("payload_sha256"),
                rs.getInt("replay_count"), Sql.instant(rs, "last_replay_at"), rs.getString("last_replay_by"),
                rs.getString("last_replay_result"), Sql.instant(rs, "replayed_at"));
    }
}
