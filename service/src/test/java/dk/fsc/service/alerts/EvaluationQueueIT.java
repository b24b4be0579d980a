package dk.fsc.service.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.storage.EvaluationRequestRows;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The evaluation queue's claims (leases), with the workers off so the test takes every step
 * itself: a patient whose readings keep coming is served once per round, not ahead of everyone,
 * a patient with a reading at a red limit is served first, and a failed evaluation gives its
 * claims back at once.
 */
@MicronautTest(transactional = false)
class EvaluationQueueIT extends IntegrationTest {
    @Inject
    EvaluationBatch batch;

    @Inject
    EvaluationRequests requests;

    @Inject
    EvaluationRound round;

    @Inject
    EvaluationQueue queue;

    private final Fixtures fixtures = new Fixtures();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = super.getProperties();
        p.put("fsc.alerts.evaluation-enabled", "false");
        return p;
    }

    @Test
    void aPatientWithAReadingDuringItsEvaluationStaysButGoesBehindThoseWaitingLonger() throws Exception {
        String organisation = fixtures.organisation();
        UUID busy = fixtures.patient(organisation);
        UUID waiting = fixtures.patient(organisation);
        UUID quiet = fixtures.patient(organisation);
        // Older than anything other tests left, so these three are claimed first.
        waitingSince(busy, "2000-01-01 00:00Z");
        waitingSince(quiet, "2000-01-01 00:01Z");

        List<EvaluationBatch.Claim> claims = claimOnly(busy, quiet);
        assertEquals(2, claims.size(), "both waiting patients are claimed: " + claims);
        assertTrue(claimOnly(busy).isEmpty(), "a claimed patient is not claimed twice");
        try (Connection c = TestInfrastructure.database().connect()) {
            requests.request(Sql.on(c), busy);      // a reading arrives during the evaluation
            requests.request(Sql.on(c), waiting);   // and another patient starts waiting
        }
        batch.evaluate(claims, () -> false);

        assertEquals(0, fixtures.count("SELECT count(*) FROM evaluation_requests WHERE patient_id = ?", quiet),
                "a patient with nothing new is done");
        assertNull(fixtures.text("SELECT claimed_until FROM evaluation_requests WHERE patient_id = ?", busy),
                "the busy patient's newer reading is waiting, unclaimed");
        assertTrue(fixtures.count("""
                SELECT count(*) FROM evaluation_requests b, evaluation_requests w
                 WHERE b.patient_id = ? AND w.patient_id = ? AND b.requested_at > w.requested_at""", busy, waiting) == 1,
                "the busy patient queues behind the one that started waiting before its evaluation ended");
        batch.evaluate(claimOnly(busy, waiting), () -> false);
    }

    @Test
    void aClaimReadsTheQueueInTheOrderOfItsIndexWithoutSortingIt() throws Exception {
        // With sorting priced out, a plan that still sorts means the claim's ORDER BY and
        // evaluation_requests_queue_idx (V31) went apart: every claim would sort the whole queue.
        // The same with the condition of a flood (patients not urgent wait a while).
        for (Duration defer : List.of(Duration.ZERO, Duration.ofSeconds(10))) {
            String plan = fixtures.plan(List.of("enable_sort = off"),
                    "EXPLAIN " + EvaluationQueue.PICK.formatted(EvaluationQueue.deferred(defer), EvaluationBatch.PATIENTS_PER_TRANSACTION));
            assertTrue(plan.contains("using evaluation_requests_queue_idx") && !plan.contains("Sort"),
                    "the claim (waiting " + defer + ") reads the queue's index in order:\n" + plan);
        }
    }

    /**
     * While the gateway is behind its broker, the claim takes urgent patients and those that
     * waited the defer, not the others; without the defer it takes them too.
     */
    @Test
    void whileTheGatewayIsBehindPatientsNotUrgentAreTakenOnlyAfterTheDefer() throws Exception {
        String organisation = fixtures.organisation();
        UUID urgent = fixtures.patient(organisation);
        UUID fresh = fixtures.patient(organisation);
        UUID waitedLongEnough = fixtures.patient(organisation);
        fixtures.update("INSERT INTO evaluation_requests (patient_id, requested_at, urgent_version) VALUES (?, now(), 1)", urgent);
        fixtures.update("INSERT INTO evaluation_requests (patient_id, requested_at) VALUES (?, now())", fresh);
        fixtures.update("INSERT INTO evaluation_requests (patient_id, requested_at) VALUES (?, now() - interval '11 seconds')", waitedLongEnough);

        List<UUID> deferred = claimedOf(Duration.ofSeconds(10), urgent, fresh, waitedLongEnough);
        assertTrue(deferred.contains(urgent) && deferred.contains(waitedLongEnough) && !deferred.contains(fresh),
                "with a defer of 10 s, the urgent patient and the one that waited 11 s, not the fresh one: " + deferred);
        assertEquals(List.of(fresh), claimedOf(Duration.ZERO, urgent, fresh, waitedLongEnough),
                "without it, the fresh one too (the others are still claimed)");
        fixtures.update("DELETE FROM evaluation_requests WHERE patient_id IN (?, ?, ?)", urgent, fresh, waitedLongEnough);
    }

    /** Claims as the workers would with {@code defer}, keeps the claims of {@code patients}, gives the rest back. */
    private List<UUID> claimedOf(Duration defer, UUID... patients) {
        List<UUID> mine = List.of(patients);
        List<UUID> claimed = new ArrayList<>();
        List<EvaluationBatch.Claim> all = queue.claim(1_000, EvaluationBatch.LEASE, defer);
        List<EvaluationBatch.Claim> others = all.stream().filter(c -> !mine.contains(c.patientId())).toList();
        if (!others.isEmpty()) {
            batch.release(others);
        }
        all.stream().filter(c -> mine.contains(c.patientId())).forEach(c -> claimed.add(c.patientId()));
        return claimed;
    }

    @Test
    void aFailedEvaluationGivesItsClaimsBackAtOnce() throws Exception {
        UUID patient = fixtures.patient(fixtures.organisation());
        waitingSince(patient, "2000-01-01 00:00Z");
        List<EvaluationBatch.Claim> claims = claimOnly(patient);
        assertEquals(1, claims.size());
        assertTrue(claimOnly(patient).isEmpty(), "the lease holds");

        batch.release(claims);

        List<EvaluationBatch.Claim> again = claimOnly(patient);
        assertEquals(1, again.size(), "released, the patient can be claimed again before the lease runs out");
        batch.evaluate(again, () -> false);
        assertEquals(0, fixtures.count("SELECT count(*) FROM evaluation_requests WHERE patient_id = ?", patient));
    }

    /**
     * A claim is evaluated without a savepoint per patient; when one patient's evaluation fails,
     * the round rolls that transaction back and evaluates it again patient by patient: the failing
     * one is set aside with its reason, the others are done, and an alert raised before the
     * failure is raised once, not twice.
     */
    @Test
    void aPatientWhoseEvaluationFailsIsSetAsideAndTheOthersOfItsClaimAreEvaluatedOnce() throws Exception {
        String organisation = fixtures.organisation();
        UUID red = fixtures.patient(organisation);
        UUID broken = fixtures.patient(organisation);
        UUID quiet = fixtures.patient(organisation);
        publish(fixtures.deviceOnLoanTo(red, organisation), "red", "{\"type\":\"pulse\",\"value\":140,\"unit\":\"/min\"}");
        // Limits that do not rise, as no API accepts them: the evaluation throws on them.
        fixtures.update("""
                INSERT INTO threshold_changes (patient_id, type, red_high, yellow_high, reason, changed_by)
                VALUES (?, 'pulse', 110, 130, 'written past the API', 'test')""", broken);
        waitingSince(broken, "1999-01-01 00:00Z");
        fixtures.update("UPDATE evaluation_requests SET urgent_version = version WHERE patient_id = ?", broken);
        waitingSince(quiet, "1999-01-01 00:01Z");
        // The red and the broken patient are urgent: one transaction, whichever comes first in it.
        UUID[] mine = {red, broken, quiet};
        List<EvaluationBatch.Claim> claims = claimOnly(mine);
        assertEquals(3, claims.size(), "all three are claimed: " + claims);
        batch.release(claims);

        assertTrue(round.once(), "a round was evaluated");

        assertEquals(0, fixtures.count("SELECT count(*) FROM evaluation_requests WHERE patient_id = ANY(?::uuid[])",
                (Object) new String[] {red.toString(), quiet.toString()}), "the others of the claim are done");
        assertEquals(1, fixtures.count("""
                SELECT count(*) FROM evaluation_requests
                 WHERE patient_id = ? AND attempts = 1 AND last_error LIKE '%must be above%' AND claimed_until IS NULL AND not_before > now()""",
                broken), "the failing patient is set aside with its reason");
        // And counted, for the page to operations (FscEvaluationFailing): no alert comes for it until it is fixed.
        Eventually.await("the failing gauge counts it", Duration.ofSeconds(15), () -> batch.failing() >= 1);
        // A new reading keeps it aside; one at a red limit ends the pause: a red value does not wait up to 30 minutes.
        fixtures.update(EvaluationRequestRows.UPSERT, new UUID[] {broken}, new Boolean[] {false});
        assertEquals(1, fixtures.count("SELECT count(*) FROM evaluation_requests WHERE patient_id = ? AND not_before > now()", broken),
                "a reading that is not red waits for the pause");
        fixtures.update(EvaluationRequestRows.UPSERT, new UUID[] {broken}, new Boolean[] {true});
        assertEquals(1, fixtures.count("SELECT count(*) FROM evaluation_requests WHERE patient_id = ? AND not_before <= now()", broken),
                "a red reading is claimable at once");
        long alerts = fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND status = 'open'", red);
        assertTrue(alerts >= 1, "the red patient's alert is raised");
        assertEquals(alerts, fixtures.count("""
                SELECT count(*) FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE a.patient_id = ? AND e.type = 'opened'""", red),
                "each of its alerts opened once");
        fixtures.update("DELETE FROM evaluation_requests WHERE patient_id = ?", broken);
    }

    @Test
    void aReadingAtARedLimitPutsItsPatientBeforeThoseWaitingLonger() throws Exception {
        String organisation = fixtures.organisation();
        List<UUID> waitingLong = new ArrayList<>();
        for (int i = 0; i < EvaluationBatch.PATIENTS_PER_TRANSACTION; i++) {
            UUID patient = fixtures.patient(organisation);
            waitingSince(patient, "2000-01-01 00:00Z");
            waitingLong.add(patient);
        }
        UUID turningRed = fixtures.patient(organisation);
        String device = fixtures.deviceOnLoanTo(turningRed, organisation);
        publish(device, "red", "{\"type\":\"pulse\",\"value\":140,\"unit\":\"/min\"}");
        publish(device, "green-after", "{\"type\":\"pulse\",\"value\":72,\"unit\":\"/min\"}");
        assertEquals(1, fixtures.count("SELECT count(*) FROM evaluation_requests WHERE patient_id = ? AND urgent_version = version - 1", turningRed),
                "the gateway marked the request urgent at the red reading, and a green one after it does not unmark it");

        List<UUID> all = new ArrayList<>(waitingLong);
        all.add(turningRed);
        List<EvaluationBatch.Claim> first = claimOnly(all.toArray(UUID[]::new));
        assertTrue(first.stream().anyMatch(c -> c.patientId().equals(turningRed)), "the urgent patient is in the first claim: " + first);
        assertTrue(first.size() < all.size(), "and took the place of one waiting longer: " + first);
        batch.evaluate(first, () -> false);
        for (List<EvaluationBatch.Claim> more = claimOnly(all.toArray(UUID[]::new)); !more.isEmpty(); more = claimOnly(all.toArray(UUID[]::new))) {
            batch.evaluate(more, () -> false);
        }
        assertEquals(0, fixtures.count("SELECT count(*) FROM evaluation_requests WHERE patient_id = ANY(?::uuid[])",
                (Object) all.stream().map(UUID::toString).toArray(String[]::new)));
    }

    @Test
    void aRequestKeptAfterItsEvaluationStaysUrgentOnlyIfARedReadingCameDuringIt() throws Exception {
        String organisation = fixtures.organisation();
        UUID greenMeanwhile = fixtures.patient(organisation);
        UUID redMeanwhile = fixtures.patient(organisation);
        String greenDevice = fixtures.deviceOnLoanTo(greenMeanwhile, organisation);
        String redDevice = fixtures.deviceOnLoanTo(redMeanwhile, organisation);
        publish(greenDevice, "red-1", "{\"type\":\"spo2\",\"value\":89,\"unit\":\"%\"}");
        publish(redDevice, "red-1", "{\"type\":\"spo2\",\"value\":89,\"unit\":\"%\"}");

        List<EvaluationBatch.Claim> claims = claimOnly(greenMeanwhile, redMeanwhile);
        assertEquals(2, claims.size(), "both urgent patients are claimed: " + claims);
        publish(greenDevice, "green-2", "{\"type\":\"spo2\",\"value\":96,\"unit\":\"%\"}");
        publish(redDevice, "red-2", "{\"type\":\"spo2\",\"value\":88,\"unit\":\"%\"}");
        batch.evaluate(claims, () -> false);

        assertEquals(1, fixtures.count("SELECT count(*) FROM evaluation_requests WHERE patient_id = ? AND urgent_version IS NULL", greenMeanwhile),
                "its red reading was evaluated; the green one waits in the ordinary queue");
        assertEquals(1, fixtures.count("SELECT count(*) FROM evaluation_requests WHERE patient_id = ? AND urgent_version = version", redMeanwhile),
                "the red reading that came during the evaluation keeps it first");
        batch.evaluate(claimOnly(greenMeanwhile, redMeanwhile), () -> false);
    }

    /**
     * The workers sleep until a notification: a claim (which updates the queue) must not send one,
     * or every claim wakes them all to claim again, a busy loop on an idle system. A new request does.
     */
    @Test
    void aClaimDoesNotWakeTheWorkersButANewRequestDoes() throws Exception {
        try (Connection listener = TestInfrastructure.database().connect(); Statement s = listener.createStatement()) {
            listener.setAutoCommit(true);
            s.execute("LISTEN fsc_evaluate");
            PGConnection pg = listener.unwrap(PGConnection.class);
            pg.getNotifications(200); // whatever other tests sent before
            List<EvaluationBatch.Claim> claimed = batch.claim();
            batch.release(claimed);
            PGNotification[] afterClaim = pg.getNotifications(1_000);
            assertEquals(0, afterClaim == null ? 0 : afterClaim.length, "claims and releases wake nobody");

            UUID patient = fixtures.patient(fixtures.organisation());
            try (Connection c = TestInfrastructure.database().connect()) {
                requests.request(Sql.on(c), patient);
            }
            PGNotification[] afterRequest = pg.getNotifications(5_000);
            assertTrue(afterRequest != null && afterRequest.length > 0, "a new request wakes the workers");
            batch.evaluate(claimOnly(patient), () -> false);
        }
    }

    private static void publish(String device, String messageId, String observation) throws Exception {
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            String reply = d.sendReading(messageId, 1, observation, Duration.ofSeconds(30));
            assertNotNull(reply, "no reply from the gateway");
            assertTrue(reply.contains("\"status\":\"accepted\""), reply); // replied after commit
        }
    }

    private void waitingSince(UUID patient, String since) {
        fixtures.update("INSERT INTO evaluation_requests (patient_id, requested_at) VALUES (?, ?::timestamptz)", patient, since);
    }

    /** Claims, and gives back at once whatever other tests left waiting; the claims of these patients. */
    private List<EvaluationBatch.Claim> claimOnly(UUID... patients) throws Exception {
        List<UUID> mine = List.of(patients);
        List<EvaluationBatch.Claim> claims = batch.claim();
        List<EvaluationBatch.Claim> others = claims.stream().filter(c -> !mine.contains(c.patientId())).toList();
        if (!others.isEmpty()) {
            batch.release(others);
        }
        return claims.stream().filter(c -> mine.contains(c.patientId())).toList();
    }
}
