package dk.fsc.service.console.support;

import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.Pages;
import dk.fsc.service.logistics.DeviceScans;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bench's scanner page: choose what the batch does (receive returns, ship reservations, to
 * cleaning, ready again), then scan one device after another into one field; each is confirmed or
 * refused at once with the reason. scan.js sends each scan with fetch and lists the answers;
 * without it, the form posts and the page shows the last answer with the field ready again.
 */
@Controller(value = "/scan", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
@ExecuteOn(TaskExecutors.BLOCKING)
class ScanPageController {
    private final Pages pages;
    private final DeviceScans scans;

    ScanPageController(Pages pages, DeviceScans scans) {
        this.pages = pages;
        this.scans = scans;
    }

    @Get
    HttpResponse<String> show(HttpRequest<?> request, @Nullable @QueryValue String step) {
        return pages.page(request, "support/scan", model(DeviceScans.Step.of(step).orElse(DeviceScans.Step.receive), List.of()));
    }

    @Post(consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<String> scan(HttpRequest<?> request, @Body Map<String, String> form, Authentication auth) {
        DeviceScans.Step step = DeviceScans.Step.of(form.get("step")).orElse(null);
        if (step == null) {
            // Without a step nothing is done: the page again, asking for one.
            Map<String, Object> model = model(DeviceScans.Step.receive, List.of());
            model.put("stepMissing", true);
            return pages.page(request, "support/scan", model);
        }
        DeviceScans.Result result = scans.scan(form.getOrDefault("code", ""), step, ConsoleSession.of(auth).user());
        Map<String, Object> model = model(step, List.of(result));
        if (request.getHeaders().get("X-Requested-With") != null) {
            return HttpResponse.ok(pages.render(request, "support/scan :: results", model)).contentType(MediaType.TEXT_HTML + ";charset=utf-8");
        }
        return pages.page(request, "support/scan", model);
    }

    private static Map<String, Object> model(DeviceScans.Step step, List<DeviceScans.Result> results) {
        Map<String, Object> model = new HashMap<>();
        model.put("step", step.name());
        model.put("steps", Arrays.stream(DeviceScans.Step.values()).map(Enum::name).toList());
        model.put("results", results);
        model.put("stepMissing", false);
        return model;
    }
}
