package dk.fsc.service.console.admin;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.audit.AccessLogReader;
import dk.fsc.service.audit.AccessLogReader.StaffLine;
import dk.fsc.service.audit.LogRange;
import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.FormErrors;
import dk.fsc.service.console.Pages;
import dk.fsc.service.patients.Patient;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.time.DanishTime;
import dk.fsc.service.platform.web.Csv;
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
import io.micronaut.transaction.annotation.Transactional;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A patient's access log (the API's {@code GET /api/patients/{id}/access-log}, same roles, same
 * check): the patient chosen by id (never by CPR number), filtered by days, person and action,
 * newest first, and as a file for a Danish Excel or as CSV with the same filters. Reading it
 * writes the API's line, "read access log".
 *
 * <p>The form is posted, not sent as a query: what a person types in the citizen's field (a CPR
 * number, by habit) must not reach the address bar, the browser's history or a proxy's log. A
 * valid form is answered with a redirect to the same filters as a query (the citizen's id only,
 * which a chart's link may carry as well); a form with problems is answered on the spot, and a CPR
 * number typed is neither kept in the field nor said back.
 */
@Controller(value = "/access-log", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.ORG_ADMIN})
@ExecuteOn(TaskExecutors.BLOCKING)
class AccessLogPageController {
    static final Set<String> ROLES = Set.of(StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.ORG_ADMIN);
    /** Lines shown on the page; the files hold up to the API's maximum. */
    static final int SHOWN = 500;
    private final Pages pages;
    private final PatientAccess access;
    private final AccessLogReader reader;
    private final AccessLog accessLog;

    AccessLogPageController(Pages pages, PatientAccess access, AccessLogReader reader, AccessLog accessLog) {
        this.pages = pages;
        this.access = access;
        this.reader = reader;
        this.accessLog = accessLog;
    }

    /** The checked query: whose log, which days, which lines. */
    private record Checked(UUID patientId, Instant from, Instant to, AccessLogReader.Filter filter) {
    }

    @Get("{?patient,from,to,person,action}")
    @Transactional
    HttpResponse<String> show(HttpRequest<?> request, @Nullable @QueryValue String patient, @Nullable @QueryValue String from,
                              @Nullable @QueryValue String to, @Nullable @QueryValue String person, @Nullable @QueryValue String action,
                              Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        AccessLogQuery query = new AccessLogQuery(patient, from, to, person, action);
        FormErrors errors = new FormErrors();
        Map<String, Object> model = model(query, errors);
        if (!request.getParameters().contains("patient")) {
            return pages.page(request, "admin/access-log", model); // the form, nothing asked yet
        }
        Checked checked = check(query, errors);
        model.put("q", query.withoutCpr());
        Patient found = null;
        if (checked != null) {
            try {
                found = access.requireOrganisation(user, checked.patientId(), ROLES);
            } catch (Refusal r) {
                if (r.kind() != Refusal.Kind.NOT_FOUND) {
                    throw r;
                }
                // Refused as the API refuses (and in the security log); said here, by the field.
                errors.add("patient", "accessLog.field.patient", "accessLog.error.notFound");
            }
        }
        if (found != null) {
            List<StaffLine> lines = reader.ofPatient(found.id(), new LogRange(checked.from(), checked.to(), SHOWN), checked.filter());
            // Logged after the read, as the API does: the page shows the log as it was when asked.
            accessLog.record(user, found.id(), "read access log", "care", null);
            model.put("found", found);
            model.put("lines", lines);
            model.put("query", query.encoded());
        }
        return pages.page(request, "admin/access-log", model);
    }

    /** The form, posted: a redirect to its filters when they are valid, the page with what to fix when not. */
    @Post(consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<String> ask(HttpRequest<?> request, @Body Map<String, String> form) {
        AccessLogQuery query = new AccessLogQuery(form.get("patient"), form.get("from"), form.get("to"), form.get("person"), form.get("action"));
        FormErrors errors = new FormErrors();
        if (check(query, errors) == null) {
            Map<String, Object> model = model(query.withoutCpr(), errors);
            return pages.page(request, "admin/access-log", model);
        }
        return HttpResponse.seeOther(URI.create("/access-log?" + query.encoded()));
    }

    private static Map<String, Object> model(AccessLogQuery query, FormErrors errors) {
        Map<String, Object> model = new HashMap<>();
        model.put("q", query);
        model.put("errors", errors);
        model.put("found", null);
        model.put("lines", List.of());
        model.put("shown", SHOWN);
        return model;
    }

    /**
     * The same lines as a file.
     *
     * @param format excel (default: semicolons, for a Danish Excel) or csv (RFC 4180, commas)
     */
    @Get(value = "/download{?patient,from,to,person,action,format}", produces = "text/csv")
    @Transactional
    HttpResponse<String> download(@Nullable @QueryValue String patient, @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                  @Nullable @QueryValue String person, @Nullable @QueryValue String action,
                                  @Nullable @QueryValue String format, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        String as = format == null ? "excel" : format;
        if (!as.equals("excel") && !as.equals("csv")) {
            throw Refusal.invalid("format must be excel or csv");
        }
        FormErrors errors = new FormErrors();
        Checked checked = check(new AccessLogQuery(patient, from, to, person, action), errors);
        if (checked == null) {
            throw Refusal.invalid("The filters are not valid; choose them on the access log page.");
        }
        Patient found = access.requireOrganisation(user, checked.patientId(), ROLES);
        List<StaffLine> lines = reader.ofPatient(found.id(), new LogRange(checked.from(), checked.to(), LogRange.MAX_ROWS), checked.filter());
        accessLog.record(user, found.id(), "read access log", "care", as);
        return Csv.file(Csv.dialect(as), "access-log-" + found.id() + ".csv", StaffLine.CSV, lines, StaffLine::values);
    }

    /** The query's meaning, or null with what to fix in {@code errors}. Days are Copenhagen days; "to" is the last day shown. */
    private static Checked check(AccessLogQuery q, FormErrors errors) {
        UUID patientId = null;
        if (q.patient().isEmpty()) {
            errors.add("patient", "accessLog.field.patient", "accessLog.error.patientMissing");
        } else if (q.patientIsCpr()) {
            errors.add("patient", "accessLog.field.patient", "accessLog.error.cpr");
        } else {
            try {
                patientId = UUID.fromString(q.patient());
            } catch (IllegalArgumentException e) {
                errors.add("patient", "accessLog.field.patient", "accessLog.error.patientId");
            }
        }
        LocalDate from = day(q.from(), "from", errors);
        LocalDate to = day(q.to(), "to", errors);
        if (from != null && to != null && to.isBefore(from)) {
            errors.add("to", "accessLog.field.to", "accessLog.error.order");
        }
        if (q.person().length() > 200) {
            errors.add("person", "accessLog.field.person", "accessLog.error.tooLong", 200);
        }
        if (q.action().length() > 200) {
            errors.add("action", "accessLog.field.action", "accessLog.error.tooLong", 200);
        }
        if (!errors.isEmpty()) {
            return null;
        }
        Instant start = from == null ? Instant.EPOCH : from.atStartOfDay(DanishTime.ZONE).toInstant();
        Instant end = to == null ? Instant.now() : to.plusDays(1).atStartOfDay(DanishTime.ZONE).toInstant();
        return new Checked(patientId, start, end, new AccessLogReader.Filter(q.person(), q.action()));
    }

    private static LocalDate day(String text, String field, FormErrors errors) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            errors.add(field, "accessLog.field." + field, "accessLog.error.date");
            return null;
        }
    }
}
