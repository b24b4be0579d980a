package dk.fsc.service.console.support;

import dk.fsc.gateway.replay.QuarantineReplays;
import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.Pages;
import dk.fsc.service.quarantine.QuarantineStore;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rejected device messages (the quarantine): by reason in plain words and by device, replayed one
 * or many after the cause is fixed, each replay's result shown; the raw bytes for FSC
 * administrators only, logged as the API logs them. The same store as {@code /api/quarantine}.
 */
@Controller(value = "/quarantine", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
@ExecuteOn(TaskExecutors.BLOCKING)
class QuarantinePageController {
    static final int PAGE = 50;
    /** The most messages one replay from the page takes (the API's limit for a replay of many). */
    static final int MAX_REPLAY = 1000;
    private final Pages pages;
    private final QuarantineStore quarantine;

    QuarantinePageController(Pages pages, QuarantineStore quarantine) {
        this.pages = pages;
        this.quarantine = quarantine;
    }

    @Get
    HttpResponse<String> list(HttpRequest<?> request, @Nullable @QueryValue String code, @Nullable @QueryValue String device,
                              @Nullable @QueryValue String show, @Nullable @QueryValue Long before, Authentication auth) {
        return pages.page(request, "support/quarantine", model(code, device, show, before, List.of(), auth));
    }

    /** Replays the ticked messages, oldest first, each in its own transaction; the page then lists what each got. */
    @Post(value = "/replay", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<String> replay(HttpRequest<?> request, @Body Map<String, String> form, Authentication auth) {
        String operator = ConsoleSession.of(auth).username();
        List<Long> ids = form.keySet().stream().filter(k -> k.startsWith("sel-")).map(k -> parse(k.substring(4))).filter(i -> i > 0)
                .distinct().sorted().limit(MAX_REPLAY).toList();
        List<QuarantineReplays.Result> results = new ArrayList<>();
        for (long id : ids) {
            results.add(quarantine.replay(id, operator)); // each in its own transaction, as the API's replay
        }
        Map<String, Object> model = model(form.get("code"), form.get("device"), form.get("show"), null, results, auth);
        model.put("noneChosen", ids.isEmpty());
        return pages.page(request, "support/quarantine", model);
    }

    /** The message byte for byte, for FSC administrators: logged as a read of the citizen's data, as the API's download is. */
    @Get(value = "/{id}/payload", produces = MediaType.APPLICATION_OCTET_STREAM)
    @Secured(StaffUser.Role.FSC_ADMIN)
    HttpResponse<byte[]> payload(@PathVariable long id, Authentication auth) {
        return HttpResponse.ok(quarantine.payloadFor(id, ConsoleSession.of(auth).user()))
                .header("Content-Disposition", "attachment; filename=\"quarantine-" + id + ".bin\"").header("Cache-Control", "no-store");
    }

    private Map<String, Object> model(@Nullable String code, @Nullable String device, @Nullable String show, @Nullable Long before,
                                      List<QuarantineReplays.Result> results, Authentication auth) {
        String c = blank(code);
        String d = blank(device);
        boolean all = "all".equals(show);
        QuarantineStore.Page page = quarantine.page(c, d, !all, before, PAGE);
        Map<String, Object> model = new HashMap<>();
        model.put("page", page);
        model.put("code", c == null ? "" : c);
        model.put("device", d == null ? "" : d);
        model.put("show", all ? "all" : "open");
        model.put("results", results);
        model.put("noneChosen", false);
        model.put("admin", ConsoleSession.of(auth).role().equals(StaffUser.Role.FSC_ADMIN));
        StringBuilder query = new StringBuilder("show=" + (all ? "all" : "open"));
        if (c != null) {
            query.append("&code=").append(java.net.URLEncoder.encode(c, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (d != null) {
            query.append("&device=").append(java.net.URLEncoder.encode(d, java.nio.charset.StandardCharsets.UTF_8));
        }
        model.put("query", query.toString());
        return model;
    }

    private static @Nullable String blank(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
