package dk.fsc.service.quarantine;

import dk.fsc.gateway.replay.QuarantineReplays;
import dk.fsc.service.platform.errors.Flags;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.quarantine.QuarantineStore.Entry;
import dk.fsc.service.quarantine.QuarantineStore.Page;
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
import java.util.ArrayList;
import java.util.List;
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
    private final QuarantineStore quarantine;

    QuarantineController(QuarantineStore quarantine) {
        this.quarantine = quarantine;
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
    Page list(@Nullable @QueryValue String code, @Nullable @QueryValue String deviceId, @Nullable @QueryValue String open,
              @Nullable @QueryValue Long before, @Nullable @QueryValue Integer limit) {
        int rows = limit == null ? 100 : limit;
        if (rows < 1 || rows > MAX_LIST) {
            throw Refusal.invalid("limit must be between 1 and " + MAX_LIST);
        }
        return quarantine.page(code, deviceId, Flags.parse("open", open), before, rows);
    }

    @Get("/{id}")
    Entry one(@PathVariable long id) {
        return quarantine.one(id);
    }

    /** The message byte for byte, as the device sent it (or the one object of a backlog array that was refused). */
    @Get("/{id}/payload")
    @Secured(StaffUser.Role.FSC_ADMIN)
    HttpResponse<byte[]> payload(@PathVariable long id, Authentication auth) {
        byte[] payload = quarantine.payloadFor(id, StaffUser.of(auth));
        return HttpResponse.ok(payload).contentType(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Content-Disposition", "attachment; filename=\"quarantine-" + id + ".bin\"")
                .header("Cache-Control", "no-store");
    }

    @Post("/{id}/replay")
    ReplayAnswer replayOne(@PathVariable long id, Authentication auth) {
        return replay(id, StaffUser.of(auth).username());
    }

    /**
     * Replays the open messages that match, oldest first; each in its own transaction (the
     * gateway's), none in one of the request's: a replay stored stays stored when a later one fails.
     */
    @Post("/replay")
    ReplaySummary replayMany(@Body ReplayFilter body, Authentication auth) {
        int rows = body.limit() == null ? 100 : body.limit();
        if (rows < 1 || rows > MAX_LIST) {
            throw Refusal.invalid("limit must be between 1 and " + MAX_LIST);
        }
        if (body.code() == null && body.deviceId() == null) {
            throw Refusal.invalid("name a code or a deviceId (or both): replaying everything at once is refused");
        }
        List<Long> ids = quarantine.openIds(body.code(), body.deviceId(), rows);
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

    private ReplayAnswer replay(long id, String operator) {
        QuarantineReplays.Result result = quarantine.replay(id, operator);
        return new ReplayAnswer(id, result.settled(), result.objects().stream().map(Result::of).toList());
    }
}
