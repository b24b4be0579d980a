package dk.fsc.gateway.storage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The one statement that claims readings' idempotency keys in {@code device_messages} (decision
 * 0002, V21): collect the keys with {@link #add}, then run {@link #CLAIM} with {@link #parameters};
 * it answers the keys it claimed, one round trip for a batch. A key is not claimed when its
 * message is a resend (the primary key: same device, id and {@code measured_at}, so the same
 * partition) or when the device used the id before with another {@code measured_at} within the
 * key window (the look for the id, in the partitions of the window only: from its start to the
 * furthest ahead a key can be; the gateway answers MESSAGE_ID_REUSED).
 * <p>
 * The look is a LATERAL subquery with a LIMIT, so it is one probe of the key's index per message
 * whatever the statistics say. Written as {@code NOT EXISTS}, PostgreSQL turned it into an anti
 * join, and the statement's cached plan, made while the month's partition was new and not yet
 * analyzed, hashed every key of the window at every batch: a cost that grew with the month until
 * autovacuum's ANALYZE replaced the plan, and for ever where autovacuum is off
 * (docs/benchmarks.md, "Red values committed first, and the idempotency claim's plan").
 */
public final class MessageKeyRows {
    public static final String CLAIM = """
            INSERT INTO device_messages (device_id, message_id, measured_at, patient_id, observation_count, content_sha256)
            SELECT d, m, t::timestamptz, p, n, h
              FROM unnest(?::text[], ?::text[], ?::text[], ?::uuid[], ?::int[], ?::text[]) AS x(d, m, t, p, n, h)
              LEFT JOIN LATERAL (SELECT true AS used FROM device_messages e WHERE e.device_id = x.d AND e.message_id = x.m
                                    AND e.measured_at >= now() - make_interval(secs => ?)
                                    AND e.measured_at < now() + make_interval(secs => ?) LIMIT 1) before ON true
             WHERE before.used IS NULL
            ON CONFLICT DO NOTHING RETURNING device_id, message_id""";

    private record Key(String deviceId, String messageId, Instant measuredAt, UUID patient, int observations, String contentSha256) {
    }

    private final List<Key> keys = new ArrayList<>();

    /** A reading's key; {@code contentSha256} is the SHA-256 of its content, hex, which tells a resend from a reused id. */
    public void add(String deviceId, String messageId, Instant measuredAt, UUID patient, int observations, String contentSha256) {
        keys.add(new Key(deviceId, messageId, measuredAt, patient, observations, contentSha256));
    }

    /**
     * The parameters of {@link #CLAIM} for the keys added, in order, looking for ids used before from
     * {@code windowSeconds} back to {@code aheadSeconds} ahead of now.
     */
    public <E extends Exception> Object[] parameters(SqlArrays<E> arrays, long windowSeconds, long aheadSeconds) throws E {
        int n = keys.size();
        String[] devices = new String[n];
        String[] ids = new String[n];
        String[] times = new String[n];
        UUID[] patients = new UUID[n];
        Integer[] counts = new Integer[n];
        String[] contents = new String[n];
        for (int i = 0; i < n; i++) {
            Key k = keys.get(i);
            devices[i] = k.deviceId();
            ids[i] = k.messageId();
            times[i] = k.measuredAt().toString();
            patients[i] = k.patient();
            counts[i] = k.observations();
            contents[i] = k.contentSha256();
        }
        return new Object[] {arrays.of("text", devices), arrays.of("text", ids), arrays.of("text", times), arrays.of("uuid", patients),
                arrays.of("int4", counts), arrays.of("text", contents), windowSeconds, aheadSeconds};
    }
}
