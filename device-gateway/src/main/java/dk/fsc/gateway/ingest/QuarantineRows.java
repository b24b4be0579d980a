package dk.fsc.gateway.ingest;

import dk.fsc.gateway.contract.RejectionCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The quarantine rows of one transaction. Collected while the batch is written and stored at its
 * end, device by device in key order (two gateways cannot deadlock on the quota rows), each
 * payload as {@link QuarantinedPayload} keeps it and only within its device's
 * {@link QuarantineQuota}; the rest are dropped and named, so their replies can say so.
 */
final class QuarantineRows implements AutoCloseable {

    private record Pending(int slot, String topic, String deviceId, String messageId, RejectionCode code, String detail,
                           QuarantinedPayload payload) {
        /** A message whose topic names no device counts against its topic. */
        String quotaKey() {
            return deviceId != null ? deviceId : topic;
        }
    }

    private final Connection c;
    private final QuarantineQuota quota;
    private final List<Pending> pending = new ArrayList<>();
    private final List<PreparedStatement> statements = new ArrayList<>();
    private PreparedStatement lock;
    private PreparedStatement save;
    private PreparedStatement insert;

    QuarantineRows(Connection c, QuarantineQuota quota) {
        this.c = c;
        this.quota = quota;
    }

    /** @param slot the place of the message's outcome in the batch, given back by {@link #store} if it is dropped */
    void add(int slot, String topic, String deviceId, String messageId, RejectionCode code, String detail, byte[] raw) {
        pending.add(new Pending(slot, topic, deviceId, messageId, code, detail, QuarantinedPayload.of(code, raw)));
    }

    /** Stores the rows their devices' quotas allow; answers the slots of those dropped over quota. */
    Set<Integer> store() throws SQLException {
        if (pending.isEmpty()) {
            return Set.of();
        }
        TreeMap<String, List<Pending>> byDevice = new TreeMap<>();
        for (Pending p : pending) {
            byDevice.computeIfAbsent(p.quotaKey(), k -> new ArrayList<>()).add(p);
        }
        Set<Integer> dropped = new HashSet<>();
        for (var device : byDevice.entrySet()) {
            Locked locked = lock(device.getKey());
            for (Pending p : device.getValue()) {
                if (quota.take(locked.usage(), p.payload().kept().length, locked.now())) {
                    insert(p);
                } else {
                    dropped.add(p.slot());
                }
            }
            save(device.getKey(), locked.usage());
        }
        pending.clear();
        return dropped;
    }

    private record Locked(QuarantineQuota.Usage usage, Instant now) {
    }

    /** The device's quota row, created if missing and locked until the commit; with the database's clock. */
    private Locked lock(String key) throws SQLException {
        if (lock == null) {
            lock = prepare("""
                    INSERT INTO quarantine_quota AS q (device_id, window_start, window_end)
                    VALUES (?, now(), now() + ? * interval '1 second')
                    ON CONFLICT (device_id) DO UPDATE SET device_id = q.device_id
                    RETURNING window_start, window_end, rows_used, bytes_used, dropped, exceeded_since, last_exceeded_at, now()""");
        }
        lock.setString(1, key);
        lock.setLong(2, quota.window().toSeconds());
        try (ResultSet rs = lock.executeQuery()) {
            rs.next();
            return new Locked(new QuarantineQuota.Usage(instant(rs, 1), instant(rs, 2), rs.getInt(3), rs.getLong(4), rs.getInt(5),
                    instant(rs, 6), instant(rs, 7)), instant(rs, 8));
        }
    }

    private void save(String key, QuarantineQuota.Usage u) throws SQLException {
        if (save == null) {
            save = prepare("""
                    UPDATE quarantine_quota SET window_start = ?, window_end = ?, rows_used = ?, bytes_used = ?, dropped = ?,
                           exceeded_since = ?, last_exceeded_at = ?
                     WHERE device_id = ?""");
        }
        save.setObject(1, utc(u.windowStart));
        save.setObject(2, utc(u.windowEnd));
        save.setInt(3, u.rowsUsed);
        save.setLong(4, u.bytesUsed);
        save.setInt(5, u.dropped);
        save.setObject(6, utc(u.exceededSince), Types.TIMESTAMP_WITH_TIMEZONE);
        save.setObject(7, utc(u.lastExceededAt), Types.TIMESTAMP_WITH_TIMEZONE);
        save.setString(8, key);
        save.executeUpdate();
    }

    private void insert(Pending p) throws SQLException {
        if (insert == null) {
            insert = prepare("""
                    INSERT INTO quarantine (topic, device_id, message_id, code, detail, payload, payload_size, payload_sha256,
                                            payload_truncated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""");
        }
        insert.setString(1, p.topic());
        insert.setString(2, p.deviceId());
        insert.setString(3, p.messageId());
        insert.setString(4, p.code().name());
        insert.setString(5, p.detail());
        insert.setBytes(6, p.payload().kept());
        insert.setInt(7, p.payload().size());
        insert.setString(8, p.payload().sha256());
        insert.setBoolean(9, p.payload().truncated());
        insert.executeUpdate();
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        statements.add(s);
        return s;
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement s : statements) {
            s.close();
        }
    }
}
