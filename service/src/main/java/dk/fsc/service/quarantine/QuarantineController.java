package dk.fsc.service.quarantine;

import dk.fsc.gateway.replay.QuarantineReplays;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's view of rejected device messages: list them by code and device, download the raw
 * bytes (administrators only: a payload can hold a citizen's measurements), and replay them after
 * fixing the cause. A replay runs the message through the gateway's checks and store again.
 */
@Controller("/api/quarantine")
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
class QuarantineController {
    private static final Logger LOG = LoggerFactory.getLogger(QuarantineController.class);
    static final int MAX_LIST = 1000;
    private static final String COLUMNS = """
            id, received_at, topic, device_id, message_id, code, detail, coalesce(payload_size, octet_length(payload)) AS size_bytes,
            payload_truncated, payload_sha256, replay_count, last_replay_at, last_replay_by, last_replay_result, replayed_at""";

    private final DataSource dataSource;
    private final QuarantineReplays replay;
    private final AccessLog accessLog;

    QuarantineController(DataSource dataSource, QuarantineReplays replay, AccessLog accessLog) {
        this.dataSource = dataSource;
        this.replay = replay;
        this.accessLog = accessLog;
    }

    /**
     * One quarantined message, without its bytes. {@code replayedAt} is set once a replay stored it.
     * {@code sizeBytes} and {@code sha256} are of the whole message; {@code truncated}: only its first
     * 64 KiB were kept (an oversize or rate-limited payload), so it cannot be replayed.
     */
    @Serdeable
    @Introspected
    record Entry(long id, Instant receivedAt, String topic, @Nullable String deviceId, @Nullable String messageId, String code,
                 String detail, int sizeBytes, boolean truncated, @Nullable String sha256, int replayCount, @Nullable Instant lastReplayAt, @Nullable String lastReplayBy,
                 @Nullable String lastReplayResult, @Nullable Instant replayedAt) {
    }

    /** @param openByCode how many messages of each code match the filters (code, deviceId, open), over all pages */
    @Serdeable
    @Introspected
    record Page(List<Entry> items, @Nullable Long nextBefore, Map<String, Long> openByCode) {
    }

    /** What one replay did: one result per message object; {@code settled} when all were stored (or already were). */
    @Serdeable
    @Introspected
    record ReplayAnswer(long id, boolean settled, List<Result> results) {
    }

    /** @param status accepted, duplicate or rejected (then with the code and detail, as a device would get) */
    @Serdeable
    @Introspected
    record Result(@Nullable String messageId, String status, @Nullable String code, @Nullable String detail) {
        static Result of(QuarantineReplays.ObjectResult o) {
            return new Result(o.messageId(), o.status(), o.code(), o.detail());
        }
    }

    /** Which open messages to replay; at most {@value #MAX_LIST} at a time. */
    @Serdeable
    @Introspected
    record ReplayFilter(@Nullable String code, @Nullable String deviceId, @Nullable Integer limit) {
    }

    @Serdeable
    @Introspected
    record ReplaySummary(int replayed, int settled, int stillRejected, List<ReplayAnswer> results) {
    }

    /**
     * @param open   true (default): only messages not yet stored by a replay; false: all
     * @param before paging: only ids below this (take {@code nextBefore} of the previous page)
     */
    @Get
    @Transactional
    Page list(@Nullable @QueryValue String code, @Nullable @QueryValue String deviceId, @Nullable @QueryValue Boolean open,
              @Nullable @QueryValue Long before, @Nullable @QueryValue Integer limit) throws SQLException {
        int rows = limit == null ? 100 : limit;
        if (rows < 1 || rows > MAX_LIST) {
            throw Refusal.invalid("limit must be between 1 and " + MAX_LIST);
        }
        List<Entry> items = sql().list("SELECT " + COLUMNS + " FROM quarantine WHERE " + filter(open)
                + " AND id < ? ORDER BY id DESC LIMIT ?", QuarantineController::entry,
                code, code, deviceId, deviceId, before == null ? Long.MAX_VALUE : before, rows + 1);
        Long next = items.size() > rows ? items.get(rows - 1).id() : null;
        Map<String, Long> byCode = new LinkedHashMap<>();
        // Counted with the list's own filters (all pages), so the counts describe what the list shows.
        sql().list("SELECT code, count(*) FROM quarantine WHERE " + filter(open) + " GROUP BY code ORDER BY count(*) DESC, code",
                rs -> byCode.put(rs.getString(1), rs.getLong(2)), code, code, deviceId, deviceId);
        return new Page(items.size() > rows ? items.subList(0, rows) : items, next, byCode);
    }

    @Get("/{id}")
    @Transactional
    Entry one(@PathVariable long id) throws SQLException {
        return sql().one("SELECT " + COLUMNS + " FROM quarantine WHERE id = ?", QuarantineController::entry, id)
                .orElseThrow(() -> notFound(id));
    }

    /** The message byte for byte, as the device sent it (or the one object of a backlog array that was refused). */
    @Get("/{id}/payload")
    @Secured(StaffUser.Role.FSC_ADMIN)
    @Transactional
    HttpResponse<byte[]> payload(@PathVariable long id, Authentication auth) throws SQLException {
        Sql sql = sql();
        byte[] payload = sql.one("SELECT payload FROM quarantine WHERE id = ?", rs -> rs.getBytes(1), id)
                .orElseThrow(() -> notFound(id));
        StaffUser user = StaffUser.of(auth);
        // The bytes can be a citizen's readings: the citizen of the device's loan when the message came
        // (the last loan started by then, which also covers a backlog sent just after the loan ended).
        sql.one("""
                SELECT l.patient_id FROM quarantine q JOIN loans l ON l.device_id = q.device_id AND l.starts_at <= q.received_at
                 WHERE q.id = ? ORDER BY l.starts_at DESC LIMIT 1""", rs -> rs.getObject(1, java.util.UUID.class), id)
                .ifPresent(patient -> accessLog.record(user, patient, "read quarantined message " + id, "operations", null));
        LOG.info("Quarantined message {} downloaded by {}", id, user.username());
        return HttpResponse.ok(payload).contentType(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Content-Disposition", "attachment; filename=\"quarantine-" + id + ".bin\"")
                .header("Cache-Control", "no-store");
    }

    @Post("/{id}/replay")
    ReplayAnswer replayOne(@PathVariable long id, Authentication auth) throws SQLException {
        return replay(id, StaffUser.of(auth).username());
    }

    /** Replays the open messages that match, oldest first; each in its own transaction. */
    @Post("/replay")
    @Transactional
    ReplaySummary replayMany(@Body ReplayFilter body, Authentication auth) throws SQLException {
        int rows = body.limit() == null ? 100 : body.limit();
        if (rows < 1 || rows > MAX_LIST) {
            throw Refusal.invalid("limit must be between 1 and " + MAX_LIST);
        }
        if (body.code() == null && body.deviceId() == null) {
            throw Refusal.invalid("name a code or a deviceId (or both): replaying everything at once is refused");
        }
        List<Long> ids = sql().list("SELECT id FROM quarantine WHERE " + filter(true) + " ORDER BY id LIMIT ?",
                rs -> rs.getLong(1), body.code(), body.code(), body.deviceId(), body.deviceId(), rows);
        String operator = StaffUser.of(auth).username();
        List<ReplayAnswer> results = new ArrayList<>();
        for (long id : ids) {
            results.add(replay(id, operator));
        }
        int settled = (int) results.stream().filter(ReplayAnswer::settled).count();
        LOG.info("{} replayed {} quarantined message(s) (code {}, device {}): {} stored", operator, results.size(),
                body.code(), body.deviceId(), settled);
        return new ReplaySummary(results.size(), settled, results.size() - settled, results);
    }

    private ReplayAnswer replay(long id, String operator) throws SQLException {
        try {
            QuarantineReplays.Result result = replay.replay(id, operator);
            return new ReplayAnswer(id, result.settled(), result.objects().stream().map(Result::of).toList());
        } catch (QuarantineReplays.NotFound e) {
            throw notFound(id);
        }
    }

    private static String filter(Boolean open) {
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

    private Sql sql() throws SQLException {
        return Sql.on(dataSource.getConnection());
    }
}
