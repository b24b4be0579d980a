package dk.fsc.service.console.nurse;

import dk.fsc.gateway.GatewayConfig;
import dk.fsc.gateway.contract.Decoded;
import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.gateway.contract.ReadingDecoder;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.Format;
import dk.fsc.service.console.FormErrors;
import dk.fsc.service.console.FormInput;
import dk.fsc.service.console.Pages;
import dk.fsc.service.patients.Patient;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.readings.ObservationStore;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A measurement staff take by hand at a visit: several values at one time, stored as the API's
 * {@code POST /observations} stores them (the device payload's checks, staff-entered, evaluated
 * like readings). Values are typed with a decimal comma in Danish ("36,8") or a point.
 */
@Controller(value = "/patients/{patientId}/measurements", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
@ExecuteOn(TaskExecutors.BLOCKING)
class MeasurementPageController {
    /** The form's value fields in the order a nurse measures them; consciousness is a choice of 0–3. */
    static final List<String> TYPES = List.of("spo2", "pulse", "systolic_bp", "diastolic_bp", "respiration_rate", "temperature",
            "weight", "fev1", "cat_score");
    static final List<String> SITES = List.of("", "rectal", "oral", "axillary", "ear");
    private static final Set<String> CONSCIOUSNESS = Set.of("0", "1", "2", "3");
    private final Pages pages;
    private final PatientAccess access;
    private final ObservationStore store;
    private final AccessLog accessLog;
    private final JsonMapper json;
    private final ReadingDecoder decoder;
    private final Duration futureTolerance;
    private final Duration backlogWindow;

    MeasurementPageController(Pages pages, PatientAccess access, ObservationStore store, AccessLog accessLog, JsonMapper json,
                              GatewayConfig gateway) {
        this.pages = pages;
        this.access = access;
        this.store = store;
        this.accessLog = accessLog;
        this.json = json;
        this.futureTolerance = gateway.getFutureTolerance();
        this.backlogWindow = gateway.getBacklogWindow();
        this.decoder = new ReadingDecoder(Clock.systemUTC(), futureTolerance, backlogWindow);
    }

    @Get("/new")
    @Transactional
    HttpResponse<String> form(HttpRequest<?> request, @PathVariable UUID patientId, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        accessLog.record(user, patientId, "read patient record (new measurement form)", "care", null); // the page names the citizen
        Map<String, String> typed = new HashMap<>();
        typed.put("measuredAt", FormInput.localValue(Instant.now()));
        return pages.page(request, "nurse/measurement", model(patient, typed, new FormErrors()));
    }

    @Post(value = "/new", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    HttpResponse<String> record(HttpRequest<?> request, @PathVariable UUID patientId, @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        FormErrors errors = new FormErrors();
        Format fmt = pages.format(request);
        Instant measuredAt = measuredAt(form, errors);
        List<Map<String, Object>> observations = new ArrayList<>();
        for (String type : TYPES) {
            value(type, form, errors, fmt).ifPresent(v -> {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("type", type);
                o.put("value", v);
                o.put("unit", ObservationType.fromWire(type).orElseThrow().unit());
                if (type.equals("temperature") && !FormInput.text(form, "temperature_site").isEmpty()) {
                    o.put("site", FormInput.text(form, "temperature_site"));
                }
                observations.add(o);
            });
        }
        String consciousness = FormInput.text(form, "consciousness");
        if (CONSCIOUSNESS.contains(consciousness)) {
            observations.add(Map.of("type", "consciousness", "value", Integer.parseInt(consciousness), "unit", "{score}"));
        }
        if (!SITES.contains(FormInput.text(form, "temperature_site"))) {
            errors.add("temperature_site", "measurement.field.site", "measurement.error.site");
        }
        if (errors.isEmpty() && observations.isEmpty()) {
            errors.add("spo2", "measurement.type.spo2", "measurement.error.none");
        }
        Decoded decoded = errors.isEmpty() ? decode(measuredAt, observations) : null;
        if (decoded instanceof Decoded.Invalid invalid) {
            // Checked above field by field; what is left is the contract's own rule, said as it says it.
            errors.add("measuredAt", "measurement.field.measuredAt", "measurement.error.rejected", invalid.reason().detail());
        }
        if (!errors.isEmpty()) {
            Map<String, String> typed = new HashMap<>(form);
            typed.remove("_csrf");
            return pages.page(request, "nurse/measurement", model(patient, typed, errors));
        }
        var reading = ((Decoded.Valid) decoded).reading();
        store.record(patientId, reading, user.username());
        accessLog.record(user, patientId, "record observations", "care", reading.observations().size() + " observation(s)");
        return HttpResponse.seeOther(URI.create("/patients/" + patientId));
    }

    private Map<String, Object> model(Patient patient, Map<String, String> typed, FormErrors errors) {
        Map<String, Object> model = new HashMap<>();
        model.put("patient", patient);
        model.put("types", TYPES);
        model.put("sites", SITES);
        model.put("consciousnessCodes", List.of("0", "1", "2", "3"));
        model.put("units", Units.all());
        model.put("typed", typed);
        model.put("errors", errors);
        return model;
    }

    /** Blank is now; a time ahead of the clock (beyond the devices' tolerance) or older than the backlog window is refused. */
    private Instant measuredAt(Map<String, String> form, FormErrors errors) {
        Instant now = Instant.now();
        try {
            Instant at = FormInput.localTime(form.get("measuredAt"));
            if (at == null) {
                return now;
            }
            if (at.isAfter(now.plus(futureTolerance))) {
                errors.add("measuredAt", "measurement.field.measuredAt", "measurement.error.future");
            } else if (at.isBefore(now.minus(backlogWindow))) {
                errors.add("measuredAt", "measurement.field.measuredAt", "measurement.error.old", backlogWindow.toDays());
            }
            return at;
        } catch (DateTimeParseException e) {
            errors.add("measuredAt", "measurement.field.measuredAt", "measurement.error.time");
            return now;
        }
    }

    /** The typed value as a number within the type's plausible range (whole for scores), or empty when left blank. */
    private static java.util.Optional<Double> value(String type, Map<String, String> form, FormErrors errors, Format fmt) {
        ObservationType t = ObservationType.fromWire(type).orElseThrow();
        String label = "measurement.type." + type;
        try {
            Double v = FormInput.number(form.get(type));
            if (v == null) {
                return java.util.Optional.empty();
            }
            if (!t.isPlausible(v) || (t.isInteger() && v != Math.rint(v))) {
                errors.add(type, label, t.isInteger() ? "measurement.error.rangeWhole" : "measurement.error.range",
                        fmt.number(t.min()), fmt.number(t.max()), Units.of(type));
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(v);
        } catch (NumberFormatException e) {
            errors.add(type, label, "measurement.error.number");
            return java.util.Optional.empty();
        }
    }

    /** The API's path: the device payload's decoder with a staff message id. */
    private Decoded decode(Instant measuredAt, List<Map<String, Object>> observations) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messageId", "staff-" + UUID.randomUUID());
        body.put("measuredAt", measuredAt.toString());
        body.put("observations", observations);
        try {
            return decoder.decode(json.writeValueAsBytes(body)).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
