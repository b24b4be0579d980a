package dk.fsc.gateway.ingest;

import dk.fsc.gateway.GatewayConfig;
import dk.fsc.gateway.contract.Decoded;
import dk.fsc.gateway.contract.RejectedMessage;
import dk.fsc.gateway.contract.RejectionCode;
import dk.fsc.gateway.replay.QuarantineReplays;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs a quarantined message through the same checks and store as a live one, after an operator
 * fixed the cause (registered the loan, corrected the device's clock or firmware). Time checks use
 * the moment the message first arrived, so a backlog replayed weeks later is judged as it was
 * then. The quarantine row stays, with the replay's result; when every object of the message was
 * stored (or was already), the row is marked replayed. Nothing is sent to the device.
 */
@Singleton
class QuarantineReplay implements QuarantineReplays {

    private final ReadingStore store;
    private final GatewayConfig config;

    QuarantineReplay(ReadingStore store, GatewayConfig config) {
        this.store = store;
        this.config = config;
    }

    @Override
    public Result replay(long id, String operator) throws SQLException, NotFound {
        String topic;
        byte[] payload;
        Instant receivedAt;
        try (Connection c = store.connection();
             PreparedStatement s = c.prepareStatement("""
                     SELECT topic, payload, received_at, payload_truncated, message_id, payload_size, payload_sha256
                       FROM quarantine WHERE id = ?""")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFound(id);
                }
                if (rs.getBoolean(4)) {
                    return new Result(id, false, List.of(new ObjectResult(rs.getString(5), "rejected", TRUNCATED,
                            "only the first " + rs.getBytes(2).length + " of the message's " + rs.getInt(6) + " bytes were kept "
                            + "(SHA-256 " + rs.getString(7) + "): it is not whole and cannot be replayed; the device must send it again")));
                }
                topic = rs.getString(1);
                payload = rs.getBytes(2);
                receivedAt = rs.getObject(3, OffsetDateTime.class).toInstant();
            }
        }
        MessageChain chain = MessageChain.replay(Clock.fixed(receivedAt, ZoneOffset.UTC), config);
        Parsed parsed = pastTheKeys(chain.check(new Incoming(topic, payload, 0, 0, 0, System.nanoTime())), Instant.now());
        boolean[] settled = new boolean[1];
        List<Outcome> outcomes = store.write(List.of(parsed), false, (c, results) -> {
            settled[0] = results.stream().allMatch(o -> o.status() != Outcome.Status.rejected);
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE quarantine SET replay_count = replay_count + 1, last_replay_at = now(), last_replay_by = ?,
                           last_replay_result = ?, replayed_at = CASE WHEN ? THEN coalesce(replayed_at, now()) END
                     WHERE id = ?""")) {
                s.setString(1, operator);
                s.setString(2, summary(results));
                s.setBoolean(3, settled[0]);
                s.setLong(4, id);
                s.executeUpdate();
            }
        });
        return new Result(id, settled[0], outcomes.stream().map(Outcome::result).toList());
    }

    /**
     * The message with every reading and photo measured before the idempotency keys' window
     * (backlog window + 1 day back from now, as the store looks them up) refused: whether it was
     * stored already cannot be known any more, so a replay could store it a second time (a
     * rate-limited message the device sent again and had stored, replayed 70 days later). The
     * message is judged by its arrival time otherwise, so such an old one would pass.
     */
    Parsed pastTheKeys(Parsed parsed, Instant now) {
        Instant oldest = now.minus(config.getBacklogWindow()); // the store looks a day further back: a margin
        if (parsed.refused() != null || parsed.items().stream().noneMatch(d -> measured(d) != null && measured(d).isBefore(oldest))) {
            return parsed;
        }
        List<Decoded> items = parsed.items().stream().map(d -> measured(d) == null || !measured(d).isBefore(oldest) ? d
                : (Decoded) new Decoded.Invalid(d.messageId(), new RejectedMessage(RejectionCode.MEASURED_TOO_LONG_AGO,
                "measured at " + measured(d) + ", longer ago than the backlog window (" + config.getBacklogWindow().toDays()
                        + " days): whether it was stored already is no longer known, so it is not replayed; enter it by hand if it is missing"),
                d.raw())).toList();
        return new Parsed(parsed.message(), parsed.deviceId(), parsed.kind(), null, items, parsed.photo());
    }

    private static Instant measured(Decoded d) {
        return d instanceof Decoded.Valid v ? v.reading().measuredAt() : d instanceof Decoded.Photo p ? p.photo().takenAt() : null;
    }

    private static String summary(List<Outcome> outcomes) {
        return outcomes.stream()
                .map(o -> o.status() == Outcome.Status.rejected ? "rejected " + o.code() + ": " + o.detail() : o.status().name())
                .collect(Collectors.joining("; "));
    }
}
