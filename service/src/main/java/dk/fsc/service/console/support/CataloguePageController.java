package dk.fsc.service.console.support;

import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.FormErrors;
import dk.fsc.service.console.FormInput;
import dk.fsc.service.console.Pages;
import dk.fsc.service.logistics.CatalogueRules;
import dk.fsc.service.logistics.InventoryStore;
import dk.fsc.service.logistics.InventoryStore.DeviceType;
import dk.fsc.service.logistics.InventoryStore.Model;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalogue: device types with their cleaning and calibration intervals, and their models.
 * FSC administrators change a type and add models; FSC support reads it (as the API allows:
 * {@code /api/catalogue}). What a type or model must be is {@link CatalogueRules}, the API's too.
 */
@Controller(value = "/catalogue", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
@ExecuteOn(TaskExecutors.BLOCKING)
class CataloguePageController {
    /** The form's field ids of the model form, by the API's field names. */
    private static final Map<String, String> MODEL_FIELDS = Map.of("id", "model-id", "deviceType", "model-type",
            "manufacturer", "model-manufacturer", "name", "model-name");
    private static final Map<String, String> LABELS = Map.of("name", "catalogue.type.name", "measurementTypes",
            "catalogue.type.measurementTypes", "lendingSector", "catalogue.type.sector", "cleaningIntervalDays",
            "catalogue.type.cleaning", "calibrationIntervalDays", "catalogue.type.calibration", "code", "catalogue.type.code");
    private static final List<String> TYPE_FIELDS = List.of("name", "measurementTypes", "lendingSector", "cleaningIntervalDays",
            "calibrationIntervalDays");
    private static final Map<String, String> MODEL_LABELS = Map.of("id", "catalogue.model.id", "deviceType", "catalogue.model.type",
            "manufacturer", "catalogue.model.manufacturer", "name", "catalogue.model.name");

    private final Pages pages;
    private final InventoryStore inventory;

    CataloguePageController(Pages pages, InventoryStore inventory) {
        this.pages = pages;
        this.inventory = inventory;
    }

    @Get
    HttpResponse<String> show(HttpRequest<?> request, @Nullable @QueryValue String saved, @Nullable @QueryValue String added,
                              Authentication auth) {
        Map<String, Object> model = model(auth, new FormErrors(), Map.of());
        model.put("saved", saved != null && inventory.types().stream().anyMatch(t -> t.code().equals(saved)) ? saved : null);
        model.put("added", added != null && inventory.models().stream().anyMatch(m -> m.id().equals(added)) ? added : null);
        return pages.page(request, "support/catalogue", model);
    }

    /** Adds a model; what to fix is shown on the catalogue page with what was typed. */
    @Post(value = "/models", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(StaffUser.Role.FSC_ADMIN)
    HttpResponse<String> addModel(HttpRequest<?> request, @Body Map<String, String> form, Authentication auth) {
        Model typed = new Model(FormInput.text(form, "id"), FormInput.text(form, "deviceType"), FormInput.text(form, "manufacturer"),
                FormInput.text(form, "name"));
        FormErrors errors = new FormErrors();
        for (CatalogueRules.Problem p : CatalogueRules.model(typed)) {
            errors.add(MODEL_FIELDS.get(p.field()), MODEL_LABELS.get(p.field()), "catalogue.error." + p.reason(), p.args().toArray());
        }
        if (errors.isEmpty()) {
            try {
                inventory.addModel(typed);
                return HttpResponse.<String>seeOther(URI.create("/catalogue?added=" + enc(typed.id()) + "#models"));
            } catch (Refusal r) {
                if (r.kind() == Refusal.Kind.CONFLICT) {
                    errors.add("model-id", "catalogue.model.id", "catalogue.error.exists", typed.id());
                } else {
                    errors.add("model-type", "catalogue.model.type", "catalogue.error.unknownType");
                }
            }
        }
        Map<String, Object> model = model(auth, errors, form);
        model.put("saved", null);
        model.put("added", null);
        return pages.page(request, "support/catalogue", model);
    }

    /** A device type's form, filled with what is stored. */
    @Get("/types/{code}")
    @Secured(StaffUser.Role.FSC_ADMIN)
    HttpResponse<String> type(HttpRequest<?> request, @PathVariable String code) {
        DeviceType type = find(code);
        Map<String, String> form = new HashMap<>();
        form.put("name", type.name());
        form.put("measurementTypes", String.join(", ", type.measurementTypes()));
        form.put("lendingSector", type.lendingSector());
        form.put("cleaningIntervalDays", type.cleaningIntervalDays() == null ? "" : type.cleaningIntervalDays().toString());
        form.put("calibrationIntervalDays", type.calibrationIntervalDays() == null ? "" : type.calibrationIntervalDays().toString());
        return pages.page(request, "support/catalogue-type", typeModel(type, new FormErrors(), form));
    }

    /** Changes a device type; what to fix is shown on its form with what was typed, and nothing is stored. */
    @Post(value = "/types/{code}", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(StaffUser.Role.FSC_ADMIN)
    HttpResponse<String> saveType(HttpRequest<?> request, @PathVariable String code, @Body Map<String, String> form) {
        DeviceType stored = find(code);
        FormErrors typing = new FormErrors();
        Integer cleaning = days(form, "cleaningIntervalDays", typing);
        Integer calibration = days(form, "calibrationIntervalDays", typing);
        List<String> measures = Arrays.stream(FormInput.text(form, "measurementTypes").split("[,\\s]+"))
                .filter(s -> !s.isEmpty()).toList();
        DeviceType typed = new DeviceType(code, FormInput.text(form, "name"), measures, FormInput.text(form, "lendingSector"),
                cleaning, calibration);
        List<CatalogueRules.Problem> problems = CatalogueRules.type(code, typed);
        FormErrors errors = new FormErrors();
        for (String field : TYPE_FIELDS) { // in the form's order
            if (typing.has(field)) {
                FormErrors.Problem p = typing.of(field);
                errors.add(field, p.labelKey(), p.key(), p.args());
            }
            problems.stream().filter(p -> p.field().equals(field)).findFirst().ifPresent(p ->
                    errors.add(field, LABELS.get(field), "catalogue.error." + p.reason(), p.args().toArray()));
        }
        if (!errors.isEmpty()) {
            return pages.page(request, "support/catalogue-type", typeModel(stored, errors, form));
        }
        inventory.putType(code, typed);
        return HttpResponse.<String>seeOther(URI.create("/catalogue?saved=" + enc(code)));
    }

    /** A whole number of days typed, or null when blank; a problem of the field when it is not one. */
    private static @Nullable Integer days(Map<String, String> form, String field, FormErrors errors) {
        String text = FormInput.text(form, field);
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            errors.add(field, LABELS.get(field), "catalogue.error.days");
            return null;
        }
    }

    private DeviceType find(String code) {
        return inventory.types().stream().filter(t -> t.code().equals(code)).findFirst()
                .orElseThrow(() -> Refusal.notFound("No device type " + code + " is in the catalogue."));
    }

    private Map<String, Object> model(Authentication auth, FormErrors errors, Map<String, String> form) {
        List<DeviceType> types = inventory.types();
        List<Model> models = inventory.models();
        Map<String, Long> modelsPerType = new HashMap<>();
        models.forEach(m -> modelsPerType.merge(m.deviceType(), 1L, Long::sum));
        Map<String, Object> model = new HashMap<>();
        model.put("types", types);
        model.put("models", models);
        model.put("modelsPerType", modelsPerType);
        Map<String, String> typeNames = new HashMap<>();
        types.forEach(t -> typeNames.put(t.code(), t.name()));
        model.put("typeNames", typeNames);
        model.put("admin", StaffUser.Role.FSC_ADMIN.equals(ConsoleSession.of(auth).role()));
        model.put("errors", errors);
        model.put("form", form);
        return model;
    }

    private static Map<String, Object> typeModel(DeviceType type, FormErrors errors, Map<String, String> form) {
        Map<String, Object> model = new HashMap<>();
        model.put("type", type);
        model.put("errors", errors);
        model.put("form", form);
        model.put("sectors", CatalogueRules.SECTORS);
        model.put("maxDays", CatalogueRules.MAX_INTERVAL_DAYS);
        return model;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
