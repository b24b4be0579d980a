package dk.fsc.service.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Early warning end to end: readings in, alerts out, the lifecycle, escalation, thresholds, schedules. */
@MicronautTest(transactional = false)
class AlertsIT extends IntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    AlertStore alertStore;

    @Inject
    MissingMeasurementJob missingMeasurements;

    @Inject
    MonitoringStore monitoring;

    @Inject
    TransactionOperations<Connection> tx;

    private final Fixtures fixtures = new Fixtures();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = super.getProperties();
        p.put("fsc.alerts.escalation-check", "500ms");
        p.put("fsc.alerts.missing-check", "1h");
        return p;
    }

    @Test
    void aWorseReadingEscalatesTheOpenAlertInsteadOfOpeningAnother() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        Api nurse = new Api(http, fixtures.nurse(org));

        publish(device, "p1", 2, "{\"type\":\"pulse\",\"value\":115,\"unit\":\"/min\"}");
        Map<String, Object> yellow = awaitAlert(nurse, patient, "tobs", "yellow");
        assertTrue(((String) yellow.get("summary")).startsWith("TOBS 2 (yellow)"), (String) yellow.get("summary"));

        publish(device, "p2", 1, "{\"type\":\"pulse\",\"value\":135,\"unit\":\"/min\"}");
        Map<String, Object> red = awaitAlert(nurse, patient, "tobs", "red");

        assertEquals(yellow.get("id"), red.get("id"), "the same alert, escalated");
        assertEquals(1, fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'tobs'", patient));
        assertEquals(1, fixtures.count("SELECT count(*) FROM alert_events e JOIN alerts a ON a.id = e.alert_id"
                + " WHERE a.patient_id = ? AND a.kind = 'tobs' AND e.type = 'worsened'", patient));
        assertNotNull(red.get("escalateAt"), "a red alert has an escalation timer");
        assertEquals(2, fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND organisation_id = ?", patient, org),
                "the TOBS and the threshold alert, both routed to the patient's municipality");
    }

    @Test
    void anAlertGoesThroughItsLifecycleAndEveryStepIsKept() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        Fixtures.Login strangerLogin = fixtures.nurse(fixtures.organisation());
        Api stranger = new Api(http, strangerLogin);
        String colleague = fixtures.nurse(org).username();
        nurse.post("/api/patients/" + patient + "/observations", Map.of("measuredAt", OffsetDateTime.now().minusMinutes(1).toString(),
                "observations", List.of(Map.of("type", "consciousness", "value", 3, "unit", "{score}"))));
        long id = ((Number) awaitAlert(nurse, patient, "tobs", "red").get("id")).longValue();

        assertEquals(404, stranger.statusOf(() -> stranger.post("/api/alerts/" + id + "/acknowledge", Map.of("note", "x"))));
        nurse.post("/api/alerts/" + id + "/acknowledge", Map.of("note", "calling the patient"));
        assertEquals(400, nurse.statusOf(() -> nurse.post("/api/alerts/" + id + "/assign", Map.of("assignee", strangerLogin.username()))),
                "only a colleague of the organisation (the console checked it, the API did not)");
        nurse.post("/api/alerts/" + id + "/assign", Map.of("assignee", colleague));
        nurse.post("/api/alerts/" + id + "/comments", Map.of("text", "ambulance not needed"));
        Map<String, Object> resolved = nurse.post("/api/alerts/" + id + "/resolve", Map.of("outcome", "visited, stable"));
        assertEquals(409, nurse.statusOf(() -> nurse.post("/api/alerts/" + id + "/resolve", Map.of("outcome", "again"))));

        assertEquals("resolved", resolved.get("status"));
        assertEquals(colleague, resolved.get("assignee"));
        assertNull(resolved.get("escalateAt"), "acknowledging stops the escalation");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> events = (List<Map<String, Object>>) nurse.get("/api/alerts/" + id).get("events");
        assertEquals(List.of("opened", "acknowledged", "assigned", "commented", "resolved"), events.stream().map(e -> e.get("type")).toList());
        assertTrue(fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action LIKE 'resolve alert%'", patient) == 1);
    }

    @Test
    void yellowAlertsCanBeAcknowledgedInBulkButRedOnesCannot() throws Exception {
        String org = fixtures.organisation();
        Api nurse = new Api(http, fixtures.nurse(org));
        UUID a = fixtures.patient(org);
        UUID b = fixtures.patient(org);
        UUID c = fixtures.patient(org);
        observe(nurse, a, "pulse", 95, "/min");
        observe(nurse, b, "respiration_rate", 10, "/min");
        observe(nurse, c, "pulse", 140, "/min");
        long ya = id(awaitAlert(nurse, a, "tobs", "yellow"));
        long yb = id(awaitAlert(nurse, b, "tobs", "yellow"));
        long rc = id(awaitAlert(nurse, c, "tobs", "red"));

        assertEquals(409, nurse.statusOf(() -> nurse.post("/api/alerts/acknowledge", Map.of("ids", List.of(ya, rc)))));
        // An alert that turned red after the list was checked (here: the check skipped) is refused under its lock, not
        // acknowledged unseen with its escalation timer cleared; the whole bulk action is undone.
        Refusal late = assertThrows(Refusal.class, () -> tx.executeWrite(status -> {
            for (long id : List.of(ya, rc)) { // as AlertsController.acknowledgeMany and the worklist's bulk action do
                alertStore.acknowledgeUnlessRed(id, org, "akut.nurse", null);
            }
            return null;
        }));
        assertEquals(Refusal.Kind.CONFLICT, late.kind());
        assertEquals(1, fixtures.count("SELECT count(*) FROM alerts WHERE id = ? AND status = 'open' AND escalate_at IS NOT NULL", rc));
        assertEquals(1, fixtures.count("SELECT count(*) FROM alerts WHERE id = ? AND status = 'open'", ya), "all or none");
        nurse.post("/api/alerts/acknowledge", Map.of("ids", List.of(ya, yb), "note", "seen"));

        List<Map<String, Object>> open = nurse.getList("/api/alerts?status=open");
        assertTrue(open.stream().noneMatch(x -> id(x) == ya || id(x) == yb));
        List<Map<String, Object>> active = nurse.getList("/api/alerts");
        assertEquals("red", active.get(0).get("severity"), "the worklist starts with the worst");
        // In pages of one, in the worklist's order, and no link after the last.
        List<Long> paged = new java.util.ArrayList<>();
        String next = "/api/alerts?limit=1";
        for (int pages = 0; next != null; pages++) {
            assertTrue(pages < active.size(), "an alert a page");
            Api.Page page = nurse.getPage(next);
            page.rows().forEach(x -> paged.add(id(x)));
            next = page.next();
        }
        assertEquals(active.stream().map(x -> id(x)).toList(), paged);
    }

    @Test
    void anUnacknowledgedRedAlertEscalatesAgainAndAgainUntilSomeoneAcknowledges() throws Exception {
        String org = fixtures.organisation();
        fixtures.update("INSERT INTO escalation_levels (organisation_id, level, name, delay_minutes) VALUES (?, 1, 'acute team lead', 15),"
                + " (?, 2, 'on-call doctor', 10)", org, org);
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        observe(nurse, patient, "systolic_bp", 65, "mm[Hg]");
        long id = id(awaitAlert(nurse, patient, "tobs", "red"));

        for (int level = 1; level <= 3; level++) {
            fixtures.update("UPDATE alerts SET escalate_at = now() - interval '1 second' WHERE id = ?", id);
            int expected = level;
            Eventually.await("escalation to level " + level, WAIT, () -> fixtures.count(
                    "SELECT count(*) FROM alerts WHERE id = ? AND escalation_level = ?", id, expected) == 1);
        }
        assertEquals(1, fixtures.count("SELECT count(*) FROM alert_events WHERE alert_id = ? AND note LIKE '%on-call doctor%' AND type = 'escalated'"
                + " AND note LIKE '%level 2%'", id));
        nurse.post("/api/alerts/" + id + "/acknowledge", Map.of());
        assertEquals(1, fixtures.count("SELECT count(*) FROM alerts WHERE id = ? AND escalate_at IS NULL", id));
    }

    @Test
    void twoWorkersRaisingTheSameFindingOpenOneAlert() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Finding finding = new Finding(patient, org, "threshold", Severity.YELLOW, "Outside limits: spo2 92 (yellow)", "{}", null, Instant.now());
        try (Connection first = TestInfrastructure.database().connect(); Connection second = TestInfrastructure.database().connect()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            alertStore.raise(Sql.on(first), finding, Instant.now());
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> alertStore.raise(Sql.on(second), finding, Instant.now()));
            Thread.sleep(300); // the second waits on the first's unique index entry
            first.commit();
            other.get();
            second.commit();
        }
        assertEquals(1, fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'threshold'", patient));
    }

    @Test
    void aClinicianSetsAPatientsLimitsAndTheChangeIsKept() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        Fixtures.Login clinicianLogin = fixtures.staff(org, "clinician");
        Api clinician = new Api(http, clinicianLogin);
        Map<String, Object> limits = Map.of("yellowLow", 90, "redLow", 88, "reason", "known COPD, habitual 91 %");

        assertEquals(403, nurse.statusOf(() -> nurse.put("/api/patients/" + patient + "/thresholds/spo2", limits)));
        assertEquals(400, clinician.statusOf(() -> clinician.put("/api/patients/" + patient + "/thresholds/spo2",
                Map.of("yellowLow", 85, "redLow", 88, "reason", "typo"))));
        Map<String, Object> after = clinician.put("/api/patients/" + patient + "/thresholds/spo2", limits);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) after.get("thresholds");
        Map<String, Object> spo2 = rows.stream().filter(r -> r.get("type").equals("spo2")).findFirst().orElseThrow();
        assertEquals("patient", spo2.get("source"));
        assertEquals(88.0, ((Number) spo2.get("redLow")).doubleValue());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> history = (List<Map<String, Object>>) after.get("history");
        assertEquals(clinicianLogin.username(), history.get(0).get("changedBy"));

        observe(nurse, patient, "spo2", 91, "%");
        Eventually.await("evaluation of the SpO2", WAIT,
                () -> fixtures.count("SELECT count(*) FROM evaluation_requests WHERE patient_id = ?", patient) == 0);
        assertEquals(0, fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'threshold'", patient),
                "91 % is within this patient's limits");

        clinician.post("/api/patients/" + patient + "/thresholds/spo2/reset", Map.of("reason", "habitual value improved"));
        Eventually.await("the programme default back in force: 91 % is red (at or below 91)", WAIT,
                () -> fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'threshold' AND severity = 'red'", patient) == 1);
    }

    @Test
    void theEarlyWarningEndpointShowsTheCurrentScoreAndThresholdState() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        nurse.post("/api/patients/" + patient + "/observations", Map.of("measuredAt", OffsetDateTime.now().minusMinutes(5).toString(),
                "observations", List.of(Map.of("type", "pulse", "value", 95, "unit", "/min"),
                        Map.of("type", "temperature", "value", 37.6, "unit", "Cel", "site", "oral"),
                        Map.of("type", "spo2", "value", 92, "unit", "%"))));

        Map<String, Object> ew = nurse.get("/api/patients/" + patient + "/early-warning");

        assertEquals(2, ((Number) ew.get("total")).intValue(), "pulse 95 → 1, 37.6 oral = 38.1 rectal → 1");
        assertEquals("yellow", ew.get("colour"));
        assertEquals("yellow", ew.get("tobsColour"));
        assertEquals(true, ew.get("partial"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> thresholds = (List<Map<String, Object>>) ew.get("thresholds");
        assertEquals("yellow", thresholds.stream().filter(t -> t.get("type").equals("spo2")).findFirst().orElseThrow().get("state"));
        assertEquals(400, nurse.statusOf(() -> nurse.post("/api/patients/" + patient + "/observations",
                Map.of("measuredAt", OffsetDateTime.now().toString(), "observations", List.of(Map.of("type", "pulse", "value", 0, "unit", "/min"))))));
    }

    @Test
    void theEarlyWarningColourIsNeverMilderThanAValueOutsideThePatientsLimits() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        // SpO2 88 % is red by the programme's limits; TOBS has no SpO2 item and a normal pulse scores 0.
        nurse.post("/api/patients/" + patient + "/observations", Map.of("measuredAt", OffsetDateTime.now().minusMinutes(5).toString(),
                "observations", List.of(Map.of("type", "pulse", "value", 70, "unit", "/min"), Map.of("type", "spo2", "value", 88, "unit", "%"))));

        Map<String, Object> ew = nurse.get("/api/patients/" + patient + "/early-warning");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> thresholds = (List<Map<String, Object>>) ew.get("thresholds");
        assertEquals("red", thresholds.stream().filter(t -> t.get("type").equals("spo2")).findFirst().orElseThrow().get("state"));
        assertEquals(0, ((Number) ew.get("total")).intValue());
        assertEquals("red", ew.get("colour"), "the state shown to staff is the worst of its parts");
        assertEquals("green", ew.get("tobsColour"), "TOBS alone");
    }

    /**
     * A resolution covers what had arrived when the nurse resolved: the same evidence evaluated
     * again raises nothing, but a red value that arrives later does, even when it was measured
     * before the resolution (a device's backlog; until 2026-12-05 it was compared by its
     * measuring time and never shown).
     */
    @Test
    void aResolvedAlertComesBackForABacklogValueMeasuredBeforeButReceivedAfterTheResolution() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        nurse.post("/api/patients/" + patient + "/observations", Map.of("measuredAt", OffsetDateTime.now().minusMinutes(60).toString(),
                "observations", List.of(Map.of("type", "spo2", "value", 88, "unit", "%"))));
        Map<String, Object> first = awaitAlert(nurse, patient, "threshold", "red");
        nurse.post("/api/alerts/" + first.get("id") + "/acknowledge", Map.of("note", "called"));
        nurse.post("/api/alerts/" + first.get("id") + "/resolve", Map.of("outcome", "visited, stable"));

        observe(nurse, patient, "pulse", 70, "/min"); // evaluates the patient again: the SpO2 88 is still the newest
        Eventually.await("the evaluation after the resolution", WAIT,
                () -> fixtures.count("SELECT count(*) FROM evaluation_requests WHERE patient_id = ?", patient) == 0);
        assertEquals(0, fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'threshold' AND status <> 'resolved'", patient),
                "what the nurse resolved does not come back");

        // The device's backlog: measured 5 minutes before the resolution, received after it.
        nurse.post("/api/patients/" + patient + "/observations", Map.of("measuredAt", OffsetDateTime.now().minusMinutes(5).toString(),
                "observations", List.of(Map.of("type", "spo2", "value", 85, "unit", "%"))));
        Eventually.await("a new red threshold alert for the late value", WAIT, () -> fixtures.count(
                "SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'threshold' AND severity = 'red' AND status = 'open'", patient) == 1);
        assertTrue(fixtures.text("SELECT summary FROM alerts WHERE patient_id = ? AND status = 'open' AND kind = 'threshold'", patient)
                .contains("85"), "the late value is the alert's");
    }

    @Test
    void aMissedScheduleRaisesABlueAlertUnlessMonitoringWasPaused() throws Exception {
        String org = fixtures.organisation();
        UUID missed = fixtures.patient(org);
        UUID paused = fixtures.patient(org);
        Instant started = Instant.now().minus(Duration.ofDays(3));
        for (UUID p : List.of(missed, paused)) {
            fixtures.update("INSERT INTO patient_monitoring (patient_id, schedule, started_at, updated_by) VALUES (?, 'copd_standard', ?, 'test')",
                    p, OffsetDateTime.ofInstant(started, ZoneOffset.UTC));
        }
        fixtures.update("INSERT INTO monitoring_pauses (patient_id, starts_at, ends_at, reason, created_by) VALUES (?, ?, ?, 'admitted', 'test')",
                paused, OffsetDateTime.ofInstant(started, ZoneOffset.UTC), OffsetDateTime.now().plusDays(1));

        missingMeasurements.check(Instant.now());
        missingMeasurements.check(Instant.now());

        assertEquals(1, fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'missing_measurement' AND severity = 'blue'", missed));
        assertEquals(0, fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'missing_measurement'", paused));
    }

    /**
     * Yesterday's measurements that arrive today (a device out of reach sends its backlog, a nurse
     * enters them): the period is filled, the chart no longer shows it missed, and the blue alert is
     * resolved by the system once the period has all it asked for. Until V42 it stayed open.
     */
    @Test
    void measurementsThatArriveLateFillTheMissedPeriodAndResolveItsAlert() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        fixtures.update("INSERT INTO patient_monitoring (patient_id, schedule, started_at, updated_by) VALUES (?, 'copd_standard', ?, 'test')",
                patient, OffsetDateTime.now().minusDays(3));
        missingMeasurements.check(Instant.now());
        long alert = fixtures.longValue("SELECT id FROM alerts WHERE patient_id = ? AND kind = 'missing_measurement' AND status = 'open'", patient);

        java.time.ZonedDateTime yesterdayNoon = java.time.LocalDate.now(dk.fsc.service.platform.time.DanishTime.ZONE).minusDays(1).atTime(12, 0)
                .atZone(dk.fsc.service.platform.time.DanishTime.ZONE);
        for (int hours = 0; hours < 2; hours++) {
            nurse.post("/api/patients/" + patient + "/observations", Map.of("measuredAt", yesterdayNoon.plusHours(hours).toOffsetDateTime().toString(),
                    "observations", List.of(Map.of("type", "pulse", "value", 72, "unit", "/min"))));
            missingMeasurements.check(Instant.now());
            if (hours == 0) {
                assertEquals("open", fixtures.text("SELECT status FROM alerts WHERE id = ?", alert), "one of the two asked for: still missing");
            }
        }

        assertEquals("resolved", fixtures.text("SELECT status FROM alerts WHERE id = ?", alert), "both arrived: the alert is resolved");
        assertEquals("system", fixtures.text("SELECT resolved_by FROM alerts WHERE id = ?", alert));
        assertTrue(fixtures.text("SELECT outcome FROM alerts WHERE id = ?", alert).startsWith("Measurements arrived late"));
        assertEquals(1, fixtures.count("SELECT count(*) FROM alert_events WHERE alert_id = ? AND type = 'resolved' AND actor = 'system'", alert));
        assertEquals(1, fixtures.count("SELECT count(*) FROM missing_measurement_checks WHERE patient_id = ? AND missing AND filled_at IS NOT NULL",
                patient), "it was missing when checked, and filled since");
        assertEquals(List.of(), tx.executeRead(status -> monitoring.missedPeriods(patient, Instant.now().minus(Duration.ofDays(7)), Instant.now())),
                "the chart no longer shows the period missed");

        // The system's resolution does not stand for a nurse's: the next period missed raises again, even one that ended before the
        // resolution (the late backlog came in the minutes between a day's end and its check).
        fixtures.update("UPDATE alerts SET resolved_at = now() + interval '2 days' WHERE id = ?", alert);
        missingMeasurements.check(Instant.now().plus(Duration.ofDays(1)));
        assertEquals(1, fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'missing_measurement' AND status = 'open'",
                patient), "today's missed measurements raise a new alert");
    }

    private void publish(String device, String messageId, int minutesAgo, String observation) throws Exception {
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            assertNotNull(d.sendReading(messageId, minutesAgo, observation, WAIT));
        }
    }

    private static void observe(Api nurse, UUID patient, String type, double value, String unit) {
        nurse.post("/api/patients/" + patient + "/observations", Map.of("measuredAt", OffsetDateTime.now().minusMinutes(1).toString(),
                "observations", List.of(Map.of("type", type, "value", value, "unit", unit))));
    }

    private static Map<String, Object> awaitAlert(Api nurse, UUID patient, String kind, String severity) throws InterruptedException {
        Map<String, Object>[] found = new Map[1];
        Eventually.await(kind + " alert " + severity + " for " + patient, WAIT, () -> {
            for (Map<String, Object> a : nurse.getList("/api/alerts?status=all")) {
                if (a.get("patientId").equals(patient.toString()) && a.get("kind").equals(kind) && a.get("severity").equals(severity)) {
                    found[0] = a;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static long id(Map<String, Object> alert) {
        return ((Number) alert.get("id")).longValue();
    }
}
