package dk.fsc.service.console.nurse;

import dk.fsc.service.alerts.MonitoringSettings;
import dk.fsc.service.alerts.MonitoringStore;
import dk.fsc.service.alerts.ThresholdsView;
import dk.fsc.service.alerts.scoring.InvalidInput;
import dk.fsc.service.alerts.scoring.LimitedType;
import dk.fsc.service.alerts.scoring.Limits;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.Format;
import dk.fsc.service.console.FormErrors;
import dk.fsc.service.console.FormInput;
import dk.fsc.service.console.Pages;
import dk.fsc.service.patients.Patient;
import dk.fsc.service.patients.PatientAccess;
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
import io.micronaut.transaction.annotation.Transactional;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A patient's limits page: thresholds per type, SpO2 target and measurement schedule, each with
 * its history. Everyone in care reads it; clinicians change it, always with a reason. The checks
 * are the API's ({@link Limits#forType}, the schedules), told in the page's language per field.
 */
@Controller(value = "/patients/{patientId}", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
@ExecuteOn(TaskExecutors.BLOCKING)
class LimitsPageController {
    static final List<String> SCHEDULES = List.of("copd_standard", "weekly", "none");
    /** The limit fields in rising order, as the API names them. */
    static final List<String> FIELDS = List.of("redLow", "yellowLow", "yellowHigh", "redHigh");
    private static final int MAX_REASON = 1000;
    private final Pages pages;
    private final PatientAccess access;
    private final MonitoringStore monitoring;
    private final AccessLog accessLog;

    LimitsPageController(Pages pages, PatientAccess access, MonitoringStore monitoring, AccessLog accessLog) {
        this.pages = pages;
        this.access = access;
        this.monitoring = monitoring;
        this.accessLog = accessLog;
    }

    @Get("/limits{?type,saved}")
    @Transactional
    HttpResponse<String> show(HttpRequest<?> request, @PathVariable UUID patientId, @Nullable @QueryValue String type,
                              @Nullable @QueryValue String saved, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        Map<String, Object> model = model(request, user, patient);
        String editType = LimitedType.of(type == null ? "" : type).map(LimitedType::wireName).orElse("spo2");
        model.put("editType", editType);
        model.put("typed", currentValues(request, model, editType));
        if ("limits".equals(saved) || "reset".equals(saved) || "monitoring".equals(saved)) {
            model.put("saved", "limits.saved." + saved);
        }
        return pages.page(request, "nurse/limits", model);
    }

    @Post(value = "/limits", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(StaffUser.Role.CLINICIAN)
    @Transactional
    HttpResponse<String> setLimits(HttpRequest<?> request, @PathVariable UUID patientId, @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        FormErrors errors = new FormErrors();
        String typeName = FormInput.text(form, "type");
        LimitedType type = LimitedType.of(typeName).orElse(null);
        if (type == null) {
            errors.add("type", "limits.field.type", "limits.error.type");
        }
        boolean reset = "reset".equals(form.get("action"));
        String reason = reason(form, errors);
        Limits limits = null;
        if (!reset && type != null) {
            limits = limits(type, form, errors, pages.format(request));
        }
        if (!errors.isEmpty()) {
            Map<String, Object> model = model(request, user, patient);
            model.put("editType", type == null ? "spo2" : type.wireName());
            Map<String, String> typed = new HashMap<>();
            FIELDS.forEach(f -> typed.put(f, FormInput.text(form, f)));
            model.put("typed", typed);
            model.put("limitsReason", form.getOrDefault("reason", ""));
            model.put("limitErrors", errors);
            return pages.page(request, "nurse/limits", model);
        }
        if (reset) {
            monitoring.resetLimits(patientId, type.wireName(), reason, user.username());
            accessLog.record(user, patientId, "reset thresholds for " + type.wireName(), "care", null);
        } else {
            monitoring.setLimits(patientId, type.wireName(), limits, reason, user.username());
            accessLog.record(user, patientId, "set thresholds for " + type.wireName(), "care", null);
        }
        return HttpResponse.seeOther(URI.create("/patients/" + patientId + "/limits?type=" + type.wireName() + "&saved="
                + (reset ? "reset" : "limits") + "#history"));
    }

    @Post(value = "/limits/monitoring", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(StaffUser.Role.CLINICIAN)
    @Transactional
    HttpResponse<String> setMonitoring(HttpRequest<?> request, @PathVariable UUID patientId, @Body Map<String, String> form,
                                       Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        FormErrors errors = new FormErrors();
        boolean spo2Target = "true".equals(form.get("spo2Target"));
        String schedule = FormInput.text(form, "schedule");
        if (!SCHEDULES.contains(schedule)) {
            errors.add("schedule", "limits.field.schedule", "limits.error.schedule");
        }
        String reason = reason(form, errors, "monitoringReason");
        if (!errors.isEmpty()) {
            Map<String, Object> model = model(request, user, patient);
            model.put("editType", "spo2");
            model.put("typed", currentValues(request, model, "spo2"));
            model.put("spo2Typed", spo2Target);
            model.put("scheduleTyped", schedule);
            model.put("monitoringReason", form.getOrDefault("monitoringReason", ""));
            model.put("monitoringErrors", errors);
            return pages.page(request, "nurse/limits", model);
        }
        // A new schedule starts now (its first days are the intensive ones); the same one keeps its start.
        Instant started = monitoring.monitoring(patientId).filter(m -> m.schedule().equals(schedule))
                .map(MonitoringSettings::startedAt).orElse(Instant.now());
        monitoring.setMonitoring(patientId, spo2Target, schedule, started, reason, user.username());
        accessLog.record(user, patientId, "set monitoring", "care", schedule);
        return HttpResponse.seeOther(URI.create("/patients/" + patientId + "/limits?saved=monitoring#monitoring-history"));
    }

    /** What the page shows in any case; reading it is the API's "read thresholds". */
    private Map<String, Object> model(HttpRequest<?> request, StaffUser user, Patient patient) {
        ThresholdsView thresholds = monitoring.thresholds(patient.id());
        MonitoringSettings settings = monitoring.monitoring(patient.id()).orElse(null);
        List<MonitoringSettings.Change> monitoringHistory = monitoring.monitoringHistory(patient.id());
        accessLog.record(user, patient.id(), "read thresholds", "care", null);
        Map<String, ThresholdsView.Row> inForce = new LinkedHashMap<>();
        thresholds.thresholds().forEach(r -> inForce.put(r.type(), r));
        List<LimitRow> rows = new ArrayList<>();
        for (LimitedType t : LimitedType.all()) {
            ThresholdsView.Row r = inForce.get(t.wireName());
            rows.add(r == null ? new LimitRow(t.wireName(), null, null, null, null, "none")
                    : new LimitRow(t.wireName(), r.redLow(), r.yellowLow(), r.yellowHigh(), r.redHigh(), r.source()));
        }
        Map<String, Object> model = new HashMap<>();
        model.put("patient", patient);
        model.put("rows", rows);
        model.put("history", thresholds.history());
        model.put("spo2Target", thresholds.spo2Target88To92());
        model.put("settings", settings);
        model.put("monitoringHistory", monitoringHistory);
        model.put("canEdit", StaffUser.Role.CLINICIAN.equals(user.role()));
        model.put("schedules", SCHEDULES);
        model.put("fields", FIELDS);
        model.put("units", Units.all());
        model.put("spo2Typed", thresholds.spo2Target88To92());
        model.put("scheduleTyped", settings == null ? "none" : settings.schedule());
        model.put("limitsReason", "");
        model.put("monitoringReason", "");
        model.put("limitErrors", new FormErrors());
        model.put("monitoringErrors", new FormErrors());
        return model;
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> currentValues(HttpRequest<?> request, Map<String, Object> model, String type) {
        Format fmt = pages.format(request);
        LimitRow row = ((List<LimitRow>) model.get("rows")).stream().filter(r -> r.type().equals(type)).findFirst().orElseThrow();
        Map<String, String> values = new HashMap<>();
        values.put("redLow", fmt.number(row.redLow()));
        values.put("yellowLow", fmt.number(row.yellowLow()));
        values.put("yellowHigh", fmt.number(row.yellowHigh()));
        values.put("redHigh", fmt.number(row.redHigh()));
        return values;
    }

    /** The typed limits, each a number within the type's plausible range, then in rising order (the API's rules). */
    private static Limits limits(LimitedType type, Map<String, String> form, FormErrors errors, Format fmt) {
        Map<String, Double> given = new HashMap<>();
        for (String field : FIELDS) {
            try {
                Double v = FormInput.number(form.get(field));
                if (v != null && !(v >= type.min() && v <= type.max())) {
                    errors.add(field, "limits.field." + field, "limits.error.range", fmt.number(type.min()), fmt.number(type.max()),
                            Units.of(type.wireName()));
                }
                given.put(field, v);
            } catch (NumberFormatException e) {
                errors.add(field, "limits.field." + field, "limits.error.number");
            }
        }
        if (!errors.isEmpty()) {
            return null;
        }
        if (given.values().stream().allMatch(v -> v == null)) {
            errors.add("redLow", "limits.field.redLow", "limits.error.none");
            return null;
        }
        try {
            return Limits.forType(type, given.get("redHigh"), given.get("yellowHigh"), given.get("yellowLow"), given.get("redLow"));
        } catch (InvalidInput e) {
            String field = e.field() == null ? "redLow" : e.field();
            errors.add(field, "limits.field." + field, "limits.error.order");
            return null;
        }
    }

    private static String reason(Map<String, String> form, FormErrors errors) {
        return reason(form, errors, "reason");
    }

    private static String reason(Map<String, String> form, FormErrors errors, String field) {
        String reason = FormInput.text(form, field);
        if (reason.isEmpty()) {
            errors.add(field, "limits.field.reason", "limits.error.reason");
        } else if (reason.length() > MAX_REASON) {
            errors.add(field, "limits.field.reason", "limits.error.reasonLong", MAX_REASON);
        }
        return reason;
    }
}
