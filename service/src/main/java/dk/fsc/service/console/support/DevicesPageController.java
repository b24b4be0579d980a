package dk.fsc.service.console.support;

import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.FormErrors;
import dk.fsc.service.console.FormInput;
import dk.fsc.service.console.Pages;
import dk.fsc.service.devices.DeviceCredentials;
import dk.fsc.service.devices.DeviceReader;
import dk.fsc.service.devices.DeviceSearch;
import dk.fsc.service.devices.DeviceStore;
import dk.fsc.service.devices.DeviceView;
import dk.fsc.service.logistics.DeviceState;
import dk.fsc.service.logistics.DeviceStates;
import dk.fsc.service.logistics.InventoryStore;
import dk.fsc.service.logistics.LoanStore;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import dk.fsc.service.tickets.TicketReader;
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
    private final DeviceStore registry;
    private final LoanStore loans;
    private final TicketReader tickets;

    DevicesPageController(Pages pages, DeviceReader devices, DeviceStates states, InventoryStore inventory, DeviceStore registry,
                          LoanStore loans, TicketReader tickets) {
        this.pages = pages;
        this.devices = devices;
        this.states = states;
        this.inventory = inventory;
        this.registry = registry;
        this.loans = loans;
        this.tickets = tickets;
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

    /** The form to register a device: the FSC id, its catalogued type, model and serial number. */
    @Get("/new")
    HttpResponse<String> registerForm(HttpRequest<?> request) {
        return registerPage(request, Map.of(), new FormErrors());
    }

    /** Registers the device and shows its MQTT password, this once (the page is not cached, the password not in any URL). */
    @Post(value = "/new", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<String> register(HttpRequest<?> request, @Body Map<String, String> form, Authentication auth) {
        FormErrors errors = new FormErrors();
        String id = FormInput.text(form, "id");
        String type = FormInput.text(form, "deviceType");
        if (id.isEmpty()) {
            errors.add("id", "device.register.id", "device.register.error.required");
        }
        if (type.isEmpty()) {
            errors.add("deviceType", "devices.col.type", "device.register.error.choose");
        }
        if (errors.isEmpty()) {
            try {
                String model = FormInput.text(form, "model");
                String serial = FormInput.text(form, "serialNumber");
                DeviceCredentials issued = registry.register(id, type, model.isEmpty() ? null : model, serial.isEmpty() ? null : serial,
                        ConsoleSession.of(auth).user());
                return credentialsPage(request, issued, true);
            } catch (Refusal r) {
                if (r.kind() == Refusal.Kind.UNAVAILABLE) {
                    throw r; // the broker is down: nothing was registered, the error page says try again
                }
                errors.add("id", "device.register.id", "device.register.error.refused", r.getMessage());
            }
        }
        return registerPage(request, form, errors);
    }

    /** A new MQTT password (FSC administrators, as the API): the old one stops working at once. */
    @Post(value = "/{id}/credentials", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(StaffUser.Role.FSC_ADMIN)
    HttpResponse<String> newCredentials(HttpRequest<?> request, @PathVariable String id, @Body Map<String, String> form, Authentication auth) {
        if (!"yes".equals(form.get("confirm"))) { // the device in the citizen's home is cut off at once: one click was enough
            return refusedOnDevicePage(request, id, new FormErrors().add("credentials-confirm", "device.credentials.confirm",
                    "device.credentials.error.confirm"), "");
        }
        return credentialsPage(request, registry.newCredentials(id, ConsoleSession.of(auth).user()), false);
    }

    /** Retires a device not on loan, with the reason; its MQTT account is revoked. A refusal says why on the device's page. */
    @Post(value = "/{id}/retire", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<String> retire(HttpRequest<?> request, @PathVariable String id, @Body Map<String, String> form, Authentication auth) {
        FormErrors errors = new FormErrors();
        String reason = FormInput.text(form, "reason");
        if (reason.isEmpty()) {
            errors.add("retire-reason", "device.retire.reason", "device.move.error.reason");
        } else if (reason.length() > MAX_REASON) {
            errors.add("retire-reason", "device.retire.reason", "device.move.error.reasonLong", MAX_REASON);
        } else {
            try {
                registry.retire(id, reason, ConsoleSession.of(auth).user());
                return HttpResponse.<String>seeOther(URI.create("/devices/" + enc(id) + "?moved=" + DeviceState.retired.name()));
            } catch (Refusal r) {
                if (r.kind() == Refusal.Kind.NOT_FOUND || r.kind() == Refusal.Kind.UNAVAILABLE) {
                    throw r;
                }
                errors.add("retire-reason", "device.retire.reason", "device.move.error.refused", r.getMessage());
            }
        }
        return refusedOnDevicePage(request, id, errors, form.getOrDefault("reason", ""));
    }

    /** The device's page again with a registry form's problems (retiring, new credentials), the retire reason as typed. */
    private HttpResponse<String> refusedOnDevicePage(HttpRequest<?> request, String id, FormErrors errors, String retireReason) {
        Map<String, Object> model = model(id);
        model.put("moved", null);
        model.put("errors", errors);
        model.put("to", "");
        model.put("reason", "");
        model.put("retireReason", retireReason);
        return pages.page(request, "support/device", model);
    }

    private HttpResponse<String> registerPage(HttpRequest<?> request, Map<String, String> values, FormErrors errors) {
        Map<String, Object> model = new HashMap<>();
        model.put("v", values);
        model.put("errors", errors);
        model.put("types", inventory.types().stream().map(InventoryStore.DeviceType::code).toList());
        return pages.page(request, "support/device-new", model);
    }

    private HttpResponse<String> credentialsPage(HttpRequest<?> request, DeviceCredentials issued, boolean registered) {
        Map<String, Object> model = new HashMap<>();
        model.put("c", issued);
        model.put("registered", registered);
        return pages.page(request, "support/device-credentials", model).header("Cache-Control", "no-store");
    }

    @Get("/{id}")
    HttpResponse<String> device(HttpRequest<?> request, @PathVariable String id, @Nullable @QueryValue String moved) {
        Map<String, Object> model = model(id);
        model.put("moved", moved);
        model.put("errors", new FormErrors());
        model.put("to", "");
        model.put("reason", "");
        model.put("retireReason", "");
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
        model.put("retireReason", "");
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
        model.put("lendable", state == DeviceState.ready);
        model.put("retirable", state.canMoveTo(DeviceState.retired) && !DeviceState.LOAN_STATES.contains(state));
        // Its loans and tickets, without the citizens' names (so no access-log line): each links to its own page.
        model.put("loans", loans.ofDevice(id));
        model.put("tickets", tickets.list(new TicketReader.Filter(null, true, null, null, id, null, 50), 0));
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
