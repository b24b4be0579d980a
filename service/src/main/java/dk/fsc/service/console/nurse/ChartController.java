package dk.fsc.service.console.nurse;

import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.service.alerts.AlertStore;
import dk.fsc.service.alerts.AlertView;
import dk.fsc.service.alerts.EarlyWarningView;
import dk.fsc.service.alerts.MonitoringStore;
import dk.fsc.service.alerts.PatientEvaluator;
import dk.fsc.service.alerts.ThresholdsView;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.audit.AccessLogEntry;
import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.Pages;
import dk.fsc.service.logistics.LoanStore;
import dk.fsc.service.patients.Patient;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.patients.PatientStore;
import dk.fsc.service.platform.time.DanishTime;
import dk.fsc.service.readings.ReadingStore;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The citizen's chart: who (name, age, programme, devices, last measurement), the early-warning
 * panel, a chart per measurement type over 7 / 30 / 90 days or a year with the citizen's limits,
 * and the alert history. Every read that is shown writes the access-log line the API writes for it.
 */
@Controller(value = "/patients", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class ChartController {
    /** The most points a chart is handed; a longer range comes as this many min/max buckets at most. */
    static final int MAX_POINTS = 400;
    /** The alert history lists this many, newest first. */
    static final int ALERTS = 50;
    /** The types in the order a nurse reads them (TOBS parameters first). */
    static final List<ObservationType> ORDER = List.of(ObservationType.SPO2, ObservationType.PULSE, ObservationType.SYSTOLIC_BP,
            ObservationType.DIASTOLIC_BP, ObservationType.RESPIRATION_RATE, ObservationType.TEMPERATURE, ObservationType.CONSCIOUSNESS,
            ObservationType.WEIGHT, ObservationType.FEV1, ObservationType.CAT_SCORE);

    private final Pages pages;
    private final PatientAccess access;
    private final PatientStore patients;
    private final PatientEvaluator evaluator;
    private final MonitoringStore monitoring;
    private final ReadingStore readings;
    private final AlertStore alerts;
    private final LoanStore loans;
    private final AccessLog accessLog;
    private final JsonMapper json;

    ChartController(Pages pages, PatientAccess access, PatientStore patients, PatientEvaluator evaluator, MonitoringStore monitoring,
                    ReadingStore readings, AlertStore alerts, LoanStore loans, AccessLog accessLog, JsonMapper json) {
        this.pages = pages;
        this.access = access;
        this.patients = patients;
        this.evaluator = evaluator;
        this.monitoring = monitoring;
        this.readings = readings;
        this.alerts = alerts;
        this.loans = loans;
        this.accessLog = accessLog;
        this.json = json;
    }

    /**
     * @param range 7d (default), 30d, 90d or 1y
     * @param type  one observation type only; all types with readings in the range when absent
     * @param at    an ISO instant to mark (the moment of an alert); without a range, the range is the shortest that shows it
     */
    @Get("/{patientId}")
    @Transactional
    HttpResponse<String> chart(HttpRequest<?> request, @PathVariable UUID patientId, @Nullable @QueryValue String range,
                               @Nullable @QueryValue String type, @Nullable @QueryValue String at, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        Instant now = Instant.now();

        List<AccessLogEntry> log = new ArrayList<>();
        Map<String, Object> model = new HashMap<>();
        model.put("patient", patient);
        model.put("age", patients.birthDate(patientId).map(b -> Period.between(b, LocalDate.now(DanishTime.ZONE)).getYears()).orElse(null));
        model.put("plan", monitoring.plan(patientId).orElse(null));
        model.put("lastMeasuredAt", readings.lastMeasuredAt(patientId).orElse(null));
        log.add(AccessLogEntry.of(user, patientId, "read patient record", "care", null));
        model.put("devices", loans.devicesOnLoanTo(patientId));
        log.add(AccessLogEntry.of(user, patientId, "read devices on loan", "care", null));

        model.put("warning", EarlyWarningView.of(patientId, now, evaluator.picture(patientId, now)));
        log.add(AccessLogEntry.of(user, patientId, "read early warning", "care", null));

        charts(user, patientId, range, type, at, now, model, log);

        List<AlertView> history = alerts.patientAlerts(user.organisationId(), patientId, ALERTS);
        for (AlertView a : history) {
            log.add(AccessLogEntry.of(user, patientId, "read alert " + a.id(), "care", null)); // as GET /api/alerts/{id}
        }
        model.put("alerts", history);
        model.put("extraCss", List.of("/webjars/uplot/1.6.30/dist/uPlot.min.css"));
        accessLog.recordAll(log); // with the reads, in their transaction
        return pages.page(request, "nurse/chart", model);
    }

    /**
     * The page's section of charts alone, for another range or type: what chart.js fetches when a
     * range is chosen (the page without the script follows the same link to the whole page). The
     * same parameters and access-log lines as the charts on the page.
     */
    @Get("/{patientId}/charts")
    @Transactional
    HttpResponse<String> charts(HttpRequest<?> request, @PathVariable UUID patientId, @Nullable @QueryValue String range,
                                @Nullable @QueryValue String type, @Nullable @QueryValue String at, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        List<AccessLogEntry> log = new ArrayList<>();
        Map<String, Object> model = new HashMap<>();
        model.put("patient", patient);
        charts(user, patientId, range, type, at, Instant.now(), model, log);
        accessLog.recordAll(log);
        return HttpResponse.ok(pages.render(request, "nurse/chart :: charts", model)).contentType(MediaType.TEXT_HTML + ";charset=utf-8");
    }

    /** The charts of the range and types asked for, with the limits and missed periods they draw, into the model; their reads into the log. */
    private void charts(StaffUser user, UUID patientId, @Nullable String range, @Nullable String type, @Nullable String at, Instant now,
                        Map<String, Object> model, List<AccessLogEntry> log) {
        Instant moment = instant(at);
        ChartRange chosen = ChartRange.choose(range, moment, now);
        Instant from = now.minus(chosen.length());
        List<ObservationType> types = ObservationType.fromWire(type == null ? "" : type).map(List::of).orElse(ORDER);

        ThresholdsView thresholds = monitoring.thresholds(patientId);
        log.add(AccessLogEntry.of(user, patientId, "read thresholds", "care", null));
        List<Instant> missed = monitoring.missedPeriods(patientId, from, now);
        log.add(AccessLogEntry.of(user, patientId, "read missed measurements", "care", from + " to " + now));

        List<ChartData.Chart> charts = new ArrayList<>();
        List<String> withoutReadings = new ArrayList<>();
        for (ObservationType t : types) {
            ReadingStore.Series series = readings.auto(patientId, t.wireName(), from, now, MAX_POINTS);
            // The same line as GET /api/patients/{id}/readings?type=...&from=...&to=...&resolution=auto
            log.add(AccessLogEntry.of(user, patientId, "read readings", "care", series.accessDetail(t.wireName(), from, now)));
            if (series.isEmpty() && types.size() > 1) { // a type asked for by name is shown, empty or not
                withoutReadings.add(t.wireName());
                continue;
            }
            ThresholdsView.Row limits = thresholds.thresholds().stream().filter(r -> r.type().equals(t.wireName())).findFirst().orElse(null);
            charts.add(ChartData.chart(t.wireName(), from, now, series, t.unit(), limits, missed, moment, json));
        }
        model.put("charts", charts);
        model.put("withoutReadings", withoutReadings);
        model.put("missed", missed);
        model.put("range", chosen.key());
        model.put("ranges", List.of(ChartRange.values()).stream()
                .map(r -> new RangeLink(r.key(), link(patientId, r.key(), type == null ? null : types.get(0).wireName(), moment),
                        r == chosen)).toList());
        model.put("anyReduced", charts.stream().anyMatch(ChartData.Chart::reduced));
        model.put("type", types.size() == 1 ? types.get(0).wireName() : null);
        model.put("at", moment);
        model.put("from", from);
        model.put("now", now);
    }

    /** A choice of range on the page: its key (7d ...), where it leads (keeping the type and moment), whether it is shown now. */
    record RangeLink(String key, String href, boolean current) {
    }

    static String link(UUID patientId, String range, String type, Instant at) {
        StringBuilder href = new StringBuilder("/patients/").append(patientId).append("?range=").append(range);
        if (type != null) {
            href.append("&type=").append(type);
        }
        if (at != null) {
            href.append("&at=").append(at);
        }
        return href.toString();
    }

    private static Instant instant(String at) {
        if (at == null || at.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(at);
        } catch (DateTimeParseException e) {
            return null; // a broken link still opens the chart, without the mark
        }
    }
}
