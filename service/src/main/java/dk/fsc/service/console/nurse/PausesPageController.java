package dk.fsc.service.console.nurse;

import dk.fsc.service.alerts.MonitoringStore;
import dk.fsc.service.alerts.PauseView;
import dk.fsc.service.alerts.scoring.InvalidInput;
import dk.fsc.service.alerts.scoring.MonitoringPause;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.console.ConsoleSession;
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
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A patient's pauses of monitoring (admitted, on holiday): the list and a new pause, by nurses and
 * clinicians as in the API, with the API's bounds ({@link MonitoringPause#register}) told per field.
 */
@Controller(value = "/patients/{patientId}", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
@ExecuteOn(TaskExecutors.BLOCKING)
class PausesPageController {
    private static final int MAX_REASON = 500;
    private final Pages pages;
    private final PatientAccess access;
    private final MonitoringStore monitoring;
    private final AccessLog accessLog;

    PausesPageController(Pages pages, PatientAccess access, MonitoringStore monitoring, AccessLog accessLog) {
        this.pages = pages;
        this.access = access;
        this.monitoring = monitoring;
        this.accessLog = accessLog;
    }

    @Get("/pauses{?saved}")
    @Transactional
    HttpResponse<String> show(HttpRequest<?> request, @PathVariable UUID patientId, @Nullable @QueryValue String saved, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        Map<String, Object> model = emptyForm(model(user, patient));
        model.put("saved", saved != null);
        model.put("savedWhat", "ended".equals(saved) || "cancelled".equals(saved) ? saved : "registered");
        return pages.page(request, "nurse/pauses", model);
    }

    @Post(value = "/pauses", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    HttpResponse<String> add(HttpRequest<?> request, @PathVariable UUID patientId, @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        FormErrors errors = new FormErrors();
        Instant from = time(form, "from", errors);
        Instant to = time(form, "to", errors);
        String reason = FormInput.text(form, "reason");
        if (reason.isEmpty()) {
            errors.add("reason", "pauses.field.reason", "pauses.error.reason");
        } else if (reason.length() > MAX_REASON) {
            errors.add("reason", "pauses.field.reason", "pauses.error.reasonLong", MAX_REASON);
        }
        MonitoringPause pause = errors.isEmpty() ? pause(from, to, errors) : null;
        if (!errors.isEmpty()) {
            Map<String, Object> model = model(user, patient);
            model.put("from", FormInput.text(form, "from"));
            model.put("to", FormInput.text(form, "to"));
            model.put("reason", form.getOrDefault("reason", ""));
            model.put("errors", errors);
            model.put("saved", false);
            return pages.page(request, "nurse/pauses", model);
        }
        monitoring.addPause(patientId, pause, reason, user.username());
        accessLog.record(user, patientId, "pause monitoring", "care", pause.from() + " to " + pause.to());
        return HttpResponse.seeOther(URI.create("/patients/" + patientId + "/pauses?saved=true"));
    }

    /** Ends a pause now, or cancels one not begun (the API's end): the list again, saying which. */
    @Post(value = "/pauses/{pauseId}/end", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    HttpResponse<String> end(HttpRequest<?> request, @PathVariable UUID patientId, @PathVariable long pauseId, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        var done = monitoring.endPause(patientId, pauseId);
        if (done.isEmpty()) { // ended by a colleague meanwhile, or over: the list as it is, saying so
            Map<String, Object> model = emptyForm(model(user, patient));
            model.put("saved", false);
            model.put("endRefused", true);
            return pages.page(request, "nurse/pauses", model);
        }
        boolean ended = done.get() == dk.fsc.service.alerts.MonitoringStore.PauseEnd.ENDED;
        accessLog.record(user, patientId, ended ? "end monitoring pause" : "cancel monitoring pause", "care", String.valueOf(pauseId));
        return HttpResponse.seeOther(URI.create("/patients/" + patientId + "/pauses?saved=" + (ended ? "ended" : "cancelled")));
    }

    /** The new-pause form as it starts: from now, to and reason blank. */
    private static Map<String, Object> emptyForm(Map<String, Object> model) {
        model.put("from", FormInput.localValue(Instant.now()));
        model.put("to", "");
        model.put("reason", "");
        return model;
    }

    /** The list, read as the API's "read monitoring pauses". */
    private Map<String, Object> model(StaffUser user, Patient patient) {
        List<PauseView> pauses = monitoring.pauses(patient.id());
        accessLog.record(user, patient.id(), "read monitoring pauses", "care", null);
        Map<String, Object> model = new HashMap<>();
        model.put("patient", patient);
        model.put("pauses", pauses);
        model.put("now", Instant.now());
        model.put("errors", new FormErrors());
        model.put("maxDays", MonitoringPause.MAX_LENGTH.toDays());
        model.put("backDays", MonitoringPause.MAX_BACKDATED.toDays());
        return model;
    }

    private static Instant time(Map<String, String> form, String field, FormErrors errors) {
        try {
            Instant at = FormInput.localTime(form.get(field));
            if (at == null) {
                errors.add(field, "pauses.field." + field, "pauses.error.missing");
            }
            return at;
        } catch (DateTimeParseException e) {
            errors.add(field, "pauses.field." + field, "pauses.error.time");
            return null;
        }
    }

    /** The API's bounds, checked here first to say which field breaks which in the page's language. */
    private static MonitoringPause pause(Instant from, Instant to, FormErrors errors) {
        Instant now = Instant.now();
        if (!to.isAfter(from)) {
            errors.add("to", "pauses.field.to", "pauses.error.order");
        } else if (!to.isAfter(now)) {
            errors.add("to", "pauses.field.to", "pauses.error.past");
        } else if (from.isBefore(now.minus(MonitoringPause.MAX_BACKDATED))) {
            errors.add("from", "pauses.field.from", "pauses.error.backdated", MonitoringPause.MAX_BACKDATED.toDays());
        } else if (from.isAfter(now.plus(MonitoringPause.MAX_AHEAD))) {
            errors.add("from", "pauses.field.from", "pauses.error.ahead", MonitoringPause.MAX_AHEAD.toDays());
        } else if (java.time.Duration.between(from, to).compareTo(MonitoringPause.MAX_LENGTH) > 0) {
            errors.add("to", "pauses.field.to", "pauses.error.long", MonitoringPause.MAX_LENGTH.toDays());
        }
        if (!errors.isEmpty()) {
            return null;
        }
        try {
            return MonitoringPause.register(from, to, now);
        } catch (InvalidInput e) {
            String field = "from".equals(e.field()) ? "from" : "to";
            errors.add(field, "pauses.field." + field, "pauses.error.other");
            return null;
        }
    }
}
