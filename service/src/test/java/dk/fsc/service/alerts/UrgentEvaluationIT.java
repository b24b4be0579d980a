package dk.fsc.service.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A red value entered by staff, and a change of limits that makes a patient's newest value red,
 * put the patient first in the evaluation queue the way a device reading at a red limit does
 * (EvaluationQueueIT): the request is marked urgent and claimed before patients waiting longer.
 * Workers are off, so the test takes every step itself.
 */
@MicronautTest(transactional = false)
class UrgentEvaluationIT extends IntegrationTest {
    @Inject
    EvaluationBatch batch;

    @Inject
    EvaluationRound round;

    @Inject
    @Client("/")
    HttpClient http;

    private final Fixtures fixtures = new Fixtures();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = super.getProperties();
        p.put("fsc.alerts.evaluation-enabled", "false");
        return p;
    }

    @Test
    void aRedValueEnteredByStaffIsClaimedFirst() throws Exception {
        String org = fixtures.organisation();
        List<UUID> waitingLong = waitingLong(org);
        UUID red = fixtures.patient(org);
        UUID green = fixtures.patient(org);
        Fixtures.Login nurseLogin = fixtures.nurse(org);
        Api nurse = new Api(http, nurseLogin);
        enter(nurse, green, "pulse", 72, "/min");
        enter(nurse, red, "pulse", 135, "/min");

        assertEquals(1, urgent(red), "the staff-entered red value marked the request urgent");
        assertEquals(0, urgent(green), "a green one does not");
        assertEquals(1, fixtures.count("SELECT count(*) FROM readings WHERE patient_id = ? AND origin = 'staff' AND entered_by = ?",
                red, nurseLogin.username()), "stored as staff-entered, by whom");
        assertClaimedFirst(red, waitingLong, green);
    }

    @Test
    void aThresholdChangeThatMakesThePatientRedIsClaimedFirst() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        UUID unchanged = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        Api clinician = new Api(http, fixtures.staff(org, "clinician"));
        enter(nurse, patient, "pulse", 125, "/min"); // yellow under the programme's limits
        enter(nurse, unchanged, "pulse", 125, "/min");
        assertEquals(0, urgent(patient), "yellow is not urgent");
        fixtures.update("DELETE FROM evaluation_requests WHERE patient_id = ANY(?::uuid[])",
                (Object) new String[] {patient.toString(), unchanged.toString()}); // as if evaluated

        clinician.put("/api/patients/" + patient + "/thresholds/pulse", Map.of("redHigh", 150, "reason", "athlete"));
        assertEquals(0, urgent(patient), "limits that leave the patient's newest value below red are not urgent");
        clinician.put("/api/patients/" + patient + "/thresholds/pulse", Map.of("redHigh", 120, "reason", "heart failure"));
        clinician.put("/api/patients/" + unchanged + "/thresholds/pulse", Map.of("redHigh", 140, "reason", "athlete"));
        assertEquals(1, urgent(patient), "the newest pulse is red under the new limits: urgent");
        assertEquals(0, urgent(unchanged));

        List<UUID> waitingLong = waitingLong(org);
        assertClaimedFirst(patient, waitingLong, unchanged);
    }

    @Test
    void anUrgentPatientsAlertCommitsWithoutWaitingForTheOthersOfItsClaim() throws Exception {
        while (round.once()) {
            // evaluates what other tests left waiting, so the next claim holds only this test's patients
        }
        String org = fixtures.organisation();
        UUID red = fixtures.patient(org);
        List<String> patients = new ArrayList<>(List.of(red.toString()));
        List<String> pulses = new ArrayList<>(List.of("135"));
        for (int i = 0; i < 5; i++) {
            patients.add(fixtures.patient(org).toString());
            pulses.add("115"); // TOBS 2: yellow, not urgent
        }
        String[] p = patients.toArray(String[]::new);
        pulses(p, pulses.toArray(String[]::new)); // in one statement, so the next claim finds all six waiting

        CompletableFuture<Boolean> evaluated;
        try (Connection holder = TestInfrastructure.database().connect()) {
            holder.setAutoCommit(false);
            // An unresolved TOBS alert of one of the five, not committed: raising theirs waits on it (alerts_one_unresolved).
            try (PreparedStatement s = holder.prepareStatement(
                    "INSERT INTO alerts (patient_id, organisation_id, kind, severity, summary) VALUES (?::uuid, ?, 'tobs', 'yellow', 'held')")) {
                s.setString(1, p[5]);
                s.setString(2, org);
                s.executeUpdate();
            }
            evaluated = CompletableFuture.supplyAsync(round::once);
            Eventually.await("the red patient's TOBS alert committed while the others of its claim wait", Duration.ofSeconds(10),
                    () -> fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'tobs' AND severity = 'red'", red) == 1);
            assertFalse(evaluated.isDone(), "the five that are not urgent wait for the held alert, in a transaction of their own");
            holder.rollback();
        }
        assertTrue(evaluated.get(20, TimeUnit.SECONDS), "the round went on once the held alert was gone");
        assertEquals(0, fixtures.count("SELECT count(*) FROM evaluation_requests WHERE patient_id = ANY(?::uuid[])", (Object) p),
                "all six were evaluated in the one round");
        assertEquals(6, fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ANY(?::uuid[]) AND kind = 'tobs'", (Object) p),
                "each has its TOBS alert");
    }

    @Test
    void aRoundOfPatientsNotUrgentGivesTheRestBackWhenAnUrgentOneArrives() throws Exception {
        while (round.once()) {
            // evaluates what other tests left waiting, so the next claim holds only this test's patients
        }
        String org = fixtures.organisation();
        String[] yellow = new String[EvaluationBatch.PATIENTS_PER_TRANSACTION];
        for (int i = 0; i < yellow.length; i++) {
            yellow[i] = fixtures.patient(org).toString();
        }
        pulses(yellow, java.util.Collections.nCopies(yellow.length, "115").toArray(String[]::new));
        UUID red = fixtures.patient(org);

        CompletableFuture<Boolean> evaluated;
        try (Connection holder = TestInfrastructure.database().connect()) {
            holder.setAutoCommit(false);
            // The alert events' order lock: the round's first patient waits in its alert until the test lets go.
            try (PreparedStatement s = holder.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                s.setLong(1, AlertStore.EVENT_ORDER_LOCK);
                s.executeQuery().close();
            }
            awaitListening();
            evaluated = CompletableFuture.supplyAsync(round::once);
            Eventually.await("the ten claimed", Duration.ofSeconds(10), () -> fixtures.count(
                    "SELECT count(*) FROM evaluation_requests WHERE patient_id = ANY(?::uuid[]) AND claimed_until > now()", (Object) yellow) == 10);
            long before = round.urgentArrivals();
            pulses(new String[] {red.toString()}, new String[] {"135"});
            Eventually.await("the database said an urgent patient is waiting", Duration.ofSeconds(10), () -> round.urgentArrivals() > before);
            holder.rollback();
        }
        assertTrue(evaluated.get(20, TimeUnit.SECONDS));
        assertEquals(EvaluationBatch.PATIENTS_PER_TRANSACTION - 1, fixtures.count(
                "SELECT count(*) FROM evaluation_requests WHERE patient_id = ANY(?::uuid[]) AND claimed_until IS NULL", (Object) yellow),
                "the first was evaluated and committed, the other nine given back at once");
        assertEquals(1, fixtures.count("SELECT count(DISTINCT patient_id) FROM alerts WHERE patient_id = ANY(?::uuid[])", (Object) yellow),
                "only the first has its alerts");

        assertTrue(round.once());
        assertEquals(0, fixtures.count("SELECT count(*) FROM evaluation_requests WHERE patient_id = ?", red),
                "the urgent one is in the next claim, ahead of the nine that waited longer");
        assertEquals(1, fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'tobs' AND severity = 'red'", red));
        while (round.once()) {
            // the nine
        }
        assertEquals(10, fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ANY(?::uuid[]) AND kind = 'tobs'", (Object) yellow));
    }

    /** Until the round hears the database's urgent notifications (it starts listening on the notification thread's next turn). */
    private void awaitListening() throws InterruptedException {
        long before = round.urgentArrivals();
        Eventually.await("the round listens for urgent requests", Duration.ofSeconds(10),
                () -> fixtures.count("SELECT count(*) FROM (SELECT pg_notify('fsc_evaluate_urgent', '')) n") == 1
                        && round.urgentArrivals() > before);
    }

    /** Pulses measured a minute ago for the patients, and their evaluation requests (urgent at 130 and more), in one statement. */
    private void pulses(String[] patients, String[] values) {
        fixtures.update("""
                WITH stored AS (INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                                SELECT 'urgent-test', gen_random_uuid()::text, 0, now() - interval '1 minute', p, 'pulse', v
                                  FROM unnest(?::uuid[], ?::float8[]) AS x(p, v))
                INSERT INTO evaluation_requests (patient_id, urgent_version)
                SELECT p, CASE WHEN v >= 130 THEN 0 END FROM unnest(?::uuid[], ?::float8[]) AS x(p, v)""", patients, values, patients, values);
    }

    /** The urgent patient is in the first claim, ahead of a full claim's worth of patients waiting longer. */
    private void assertClaimedFirst(UUID urgent, List<UUID> waitingLong, UUID notUrgent) throws Exception {
        List<UUID> all = new ArrayList<>(waitingLong);
        all.add(urgent);
        all.add(notUrgent);
        List<EvaluationBatch.Claim> first = claimOnly(all);
        assertTrue(first.stream().anyMatch(c -> c.patientId().equals(urgent)), "the urgent patient is in the first claim: " + first);
        assertTrue(first.stream().noneMatch(c -> c.patientId().equals(notUrgent)), "the one not urgent waits its turn: " + first);
        batch.evaluate(first, () -> false);
        for (List<EvaluationBatch.Claim> more = claimOnly(all); !more.isEmpty(); more = claimOnly(all)) {
            batch.evaluate(more, () -> false);
        }
    }

    /** A full claim's worth of patients waiting since long before anything other tests left. */
    private List<UUID> waitingLong(String org) {
        List<UUID> patients = new ArrayList<>();
        for (int i = 0; i < EvaluationBatch.PATIENTS_PER_TRANSACTION; i++) {
            UUID patient = fixtures.patient(org);
            fixtures.update("INSERT INTO evaluation_requests (patient_id, requested_at) VALUES (?, '2000-01-01 00:00Z')", patient);
            patients.add(patient);
        }
        return patients;
    }

    private long urgent(UUID patient) {
        return fixtures.count("SELECT count(*) FROM evaluation_requests WHERE patient_id = ? AND urgent_version IS NOT NULL", patient);
    }

    private static void enter(Api staff, UUID patient, String type, double value, String unit) {
        staff.post("/api/patients/" + patient + "/observations", Map.of("measuredAt", OffsetDateTime.now().minusMinutes(1).toString(),
                "observations", List.of(Map.of("type", type, "value", value, "unit", unit))));
    }

    /** Claims, and gives back at once whatever other tests left waiting; the claims of these patients. */
    private List<EvaluationBatch.Claim> claimOnly(List<UUID> mine) throws Exception {
        List<EvaluationBatch.Claim> claims = batch.claim();
        List<EvaluationBatch.Claim> others = claims.stream().filter(c -> !mine.contains(c.patientId())).toList();
        if (!others.isEmpty()) {
            batch.release(others);
        }
        return claims.stream().filter(c -> mine.contains(c.patientId())).toList();
    }
}
