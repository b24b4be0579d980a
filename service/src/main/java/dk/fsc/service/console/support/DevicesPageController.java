package dk.fsc.service.console.support;

import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.FormErrors;
import dk.fsc.service.console.FormInput;
import dk.fsc.service.console.Pages;
import dk.fsc.service.devices.DeviceReader;
import dk.fsc.service.devices.DeviceSearch;
import dk.fsc.service.devices.DeviceView;
import dk.fsc.service.logistics.DeviceState;
import dk.fsc.service.logistics.DeviceStates;
import dk.fsc.service.logistics.InventoryStore;
import dk.fsc.service.platform.errors.Refusal;
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
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * FSC support's devices: the list with search and filters (the API's {@code GET /api/devices}),
 * and a device's page with its state, health, the history of its moves and the moves support
 * may make by hand (the API's transitions). The same roles as the API; a device page shows no
 * citizen, only the organisation that has the device on loan, so it writes no access-log line.
 */
@Controller(value = "/devices", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
@ExecuteOn(TaskExecutors.BLOCKING)
class DevicesPageController {
    /** Devices per page of the list. */
    static final int PAGE = 50;
    private static final int MAX_REASON = 500;

    private final Pages pages;
    private final DeviceReader devices;
    private final DeviceStates states;
    private final InventoryStore inventory;

    DevicesPageController(Pages pages, DeviceReader devices, DeviceStates states, InventoryStore inventory) {
        this.pages = pages;
        this.devices = devices;
        this.states = states;
        this.inventory = inventory;
    }

    @Get
    HttpResponse<String> list(HttpRequest<?> request, @Nullable @QueryValue String type, @Nullable @QueryValue String model,
                              @Nullable @QueryValue String state, @Nullable @QueryValue String organisation, @Nullable @QueryValue String q,
                              @Nullable @QueryValue String problem, @Nullable @QueryValue Integer page) {
        DeviceSearch search = DeviceSearch.lenient(type, model, state, organisation, q, problem);
        int number = page == null || page < 1 ? 1 : page;
        DeviceReader.Found found = devices.search(search, PAGE, (number - 1) * PAGE);
        Map<String, Object> view = new HashMap<>();
        view.put("search", search);
        view.put("found", found);
        view.put("rows", found.devices().stream().map(DevicesPageController::row).toList());
        view.put("page", number);
        view.put("pages", Math.max(1, (found.total() + PAGE - 1) / PAGE));
        view.put("query", query(search));
        view.put("states", DeviceSearch.STATES);
        view.put("problems", DeviceSearch.PROBLEMS);
        view.put("types", inventory.types().stream().map(InventoryStore.DeviceType::code).toList()); // the catalogue's, as an admin keeps it
        // A scanner types a serial number and Enter: one exact hit opens the device.
        if (search.onlyText() && found.total() == 1 && number == 1) {
            DeviceView only = found.devices().get(0);
            if (search.text().equalsIgnoreCase(only.id()) || search.text().equalsIgnoreCase(only.serialNumber())
                    || search.text().equalsIgnoreCase(only.assetTag())) {
                return HttpResponse.<String>seeOther(URI.create("/devices/" + enc(only.id())));
            }
        }
        return pages.page(request, "support/devices", view);
    }

    @Get("/{id}")
    HttpResponse<String> device(HttpRequest<?> request, @PathVariable String id, @Nullable @QueryValue String moved) {
        Map<String, Object> model = model(id);
        model.put("moved", moved);
        model.put("errors", new FormErrors());
        model.put("to", "");
        model.put("reason", "");
        return pages.page(request, "support/device", model);
    }

    /** A move by hand (cleaning, repair, back to ready, lost), with its reason; refused moves say why on the page. */
    @Post(value = "/{id}/move", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<String> move(HttpRequest<?> request, @PathVariable String id, @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        FormErrors errors = new FormErrors();
        String to = FormInput.text(form, "to");
        String reason = FormInput.text(form, "reason");
        DeviceState target = DeviceState.of(to).orElse(null);
        if (target == null) {
            errors.add("to", "device.move.to", "device.move.error.to");
        }
        if (reason.isEmpty()) {
            errors.add("reason", "device.move.reason", "device.move.error.reason");
        } else if (reason.length() > MAX_REASON) {
            errors.add("reason", "device.move.reason", "device.move.error.reasonLong", MAX_REASON);
        }
        if (errors.isEmpty()) {
            try {
                states.moveOutsideLoan(id, target, user, reason);
                return HttpResponse.<String>seeOther(URI.create("/devices/" + enc(id) + "?moved=" + target.name()));
            } catch (Refusal r) {
                if (r.kind() == Refusal.Kind.NOT_FOUND) {
                    throw r;
                }
                // Another colleague moved it first, or the move is not allowed from its state now.
                errors.add("to", "device.move.to", "device.move.error.refused", r.getMessage());
            }
        }
        Map<String, Object> model = model(id);
        model.put("moved", null);
        model.put("errors", errors);
        model.put("to", to);
        model.put("reason", form.getOrDefault("reason", ""));
        return pages.page(request, "support/device", model); // the page again, saying what to fix (as the care pages do)
    }

    private Map<String, Object> model(String id) {
        DeviceView device = devices.one(id);
        DeviceState state = DeviceState.of(device.state()).orElseThrow();
        Map<String, Object> model = new HashMap<>();
        model.put("device", device);
        List<DeviceStates.Transition> history = new ArrayList<>(states.history(id));
        Collections.reverse(history); // newest first
        model.put("history", history);
        model.put("onLoan", DeviceState.LOAN_STATES.contains(state));
        model.put("moves", DeviceState.LOAN_STATES.contains(state) ? List.of() : state.nextByHand().stream().map(Enum::name).toList());
        return model;
    }

    /** A row of the list as a map of ready values: Thymeleaf's OGNL finds a record's components by reflection on every read. */
    private static Map<String, Object> row(DeviceView d) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", d.id());
        row.put("deviceType", d.deviceType());
        row.put("model", d.model());
        row.put("serialNumber", d.serialNumber());
        row.put("state", d.state());
        row.put("loanOrganisation", d.loanOrganisation());
        row.put("problems", d.problems());
        return row;
    }

    /** The list's filters as a query string (for the pages' links), without the page number. */
    static String query(DeviceSearch s) {
        Map<String, String> q = new LinkedHashMap<>();
        put(q, "type", s.type());
        put(q, "model", s.model());
        put(q, "state", s.state());
        put(q, "organisation", s.organisation());
        put(q, "q", s.text());
        put(q, "problem", s.problem());
        return q.entrySet().stream().map(e -> e.getKey() + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    }

    private static void put(Map<String, String> q, String key, @Nullable String value) {
        if (value != null) {
            q.put(key, value);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
