package dk.fsc.service.logistics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@MicronautTest(transactional = false)
class LoansIT extends IntegrationTest {
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    private Api support() {
        return new Api(http, fixtures.staff(fixtures.organisation("fsc"), "fsc_support"));
    }

    private static Map<String, Object> order(String device, UUID patient, String organisation, Object... more) {
        Map<String, Object> body = new HashMap<>(Map.of("deviceId", device, "patientId", patient.toString(), "organisationId", organisation,
                "shippingAddress", "Testvej 1, 8000 Aarhus C"));
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return body;
    }

    @Test
    void aLoanGoesFromShippingToReturnAndEndingItStopsAttribution() throws Exception {
        String region = fixtures.organisation("region");
        UUID patient = fixtures.patient(fixtures.organisation());
        String device = fixtures.device("ready");
        Api fsc = support();

        Map<String, Object> loan = fsc.post("/api/loans", order(device, patient, region, "dueOn", LocalDate.now().plusDays(60).toString()));
        String id = (String) loan.get("id");
        assertEquals("active", loan.get("status"));
        assertEquals("shipped", loan.get("deviceState"));
        assertEquals("on_loan", fsc.post("/api/loans/" + id + "/handover", Map.of("acceptedBy", "the citizen's daughter")).get("deviceState"));

        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading(reading("during", Instant.now()));
            assertTrue(d.nextReply(Duration.ofSeconds(20)).contains("accepted"));
            assertEquals("return_requested", fsc.post("/api/loans/" + id + "/request-return", Map.of("reason", "discharged")).get("deviceState"));
            Map<String, Object> ended = fsc.post("/api/loans/" + id + "/end", Map.of("outcome", "returned", "reason", "discharged"));
            assertEquals("ended", ended.get("status"));
            assertEquals("returned", ended.get("deviceState"));
            assertNotNull(ended.get("endsAt"));
            d.publishReading(reading("after", Instant.now().plusSeconds(1)));
            String reply = d.nextReply(Duration.ofSeconds(20));
            assertTrue(reply.contains("DEVICE_NOT_ON_LOAN"), "a reading after the loan ended is not the citizen's: " + reply);
        }
        assertEquals(1, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS + " AND patient_id = ?", device, patient));

        List<Map<String, Object>> history = fsc.getList("/api/devices/" + device + "/transitions");
        assertEquals(List.of("shipped", "on_loan", "return_requested", "returned"), history.stream().map(t -> t.get("to")).toList());
        assertTrue(history.get(1).get("reason").toString().contains("daughter"));
        assertEquals(id, history.get(3).get("loanId"));
        assertNotNull(history.get(0).get("username"));

        // Back to stock only through cleaning.
        assertEquals(409, fsc.statusOf(() -> fsc.post("/api/devices/" + device + "/transitions", Map.of("to", "ready", "reason", "x"))));
        fsc.post("/api/devices/" + device + "/transitions", Map.of("to", "cleaning", "reason", "after loan"));
        fsc.post("/api/devices/" + device + "/transitions", Map.of("to", "ready", "reason", "cleaned"));
        List<Map<String, Object>> after = fsc.getList("/api/devices/" + device + "/transitions");
        assertEquals("ready", after.get(after.size() - 1).get("to"));
    }

    @Test
    void illegalMovesAreRefusedWithWhatIsPossible() {
        String region = fixtures.organisation("region");
        UUID patient = fixtures.patient(fixtures.organisation());
        String device = fixtures.device("ready");
        Api fsc = support();
        HttpClientResponseException onLoanByHand = assertRefused(() -> fsc.post("/api/devices/" + device + "/transitions",
                Map.of("to", "on_loan", "reason", "x")));
        assertEquals(400, onLoanByHand.getStatus().getCode());
        assertTrue(body(onLoanByHand).contains("/api/loans"), body(onLoanByHand));

        String loan = (String) fsc.post("/api/loans", order(device, patient, region)).get("id");
        HttpClientResponseException cancelActive = assertRefused(() -> fsc.post("/api/loans/" + loan + "/cancel", Map.of("reason", "x")));
        assertEquals(409, cancelActive.getStatus().getCode());
        assertTrue(body(cancelActive).contains("is active; this needs a reserved loan"), body(cancelActive));
        HttpClientResponseException again = assertRefused(() -> fsc.post("/api/loans", order(device, patient, region)));
        assertEquals(409, again.getStatus().getCode());
        assertTrue(body(again).contains("is shipped, not ready"), body(again));
        fsc.post("/api/loans/" + loan + "/end", Map.of("outcome", "lost", "reason", "parcel lost"));
        HttpClientResponseException retired = assertRefused(() -> fsc.post("/api/devices/" + device + "/transitions",
                Map.of("to", "cleaning", "reason", "x")));
        assertTrue(body(retired).contains("is lost and cannot become cleaning; from lost it can become [returned, retired]"), body(retired));
        HttpClientResponseException sector = assertRefused(() -> fsc.post("/api/loans",
                order(fixtures.device("ready"), patient, fixtures.organisation("municipality"))));
        assertEquals(409, sector.getStatus().getCode());
        assertTrue(body(sector).contains("lent by the region (clarification catalogue)"), body(sector));
    }

    @Test
    void aDeviceIsLentOnceEvenWhenTwoStaffOrderItAtTheSameMoment() throws Exception {
        String region = fixtures.organisation("region");
        String device = fixtures.device("ready");
        UUID first = fixtures.patient(fixtures.organisation());
        UUID second = fixtures.patient(fixtures.organisation());
        Api one = support();
        Api two = support();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String d = round == 0 ? device : fixtures.device("ready");
                CyclicBarrier together = new CyclicBarrier(2);
                List<Callable<Integer>> calls = List.of(
                        () -> { together.await(); return one.statusOf(() -> one.post("/api/loans", order(d, first, region))); },
                        () -> { together.await(); return two.statusOf(() -> two.post("/api/loans", order(d, second, region))); });
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : pool.invokeAll(calls)) {
                    statuses.add(f.get());
                }
                statuses.sort(Integer::compareTo);
                assertEquals(List.of(200, 409), statuses, "round " + round);
                assertEquals(1, fixtures.count("SELECT count(*) FROM loans WHERE device_id = ?", d));
                assertEquals(1, fixtures.count("SELECT count(*) FROM device_transitions WHERE device_id = ? AND to_state = 'shipped'", d));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReservationHoldsTheDeviceUntilShippedOrCancelled() throws Exception {
        String region = fixtures.organisation("region");
        UUID patient = fixtures.patient(fixtures.organisation());
        String device = fixtures.device("ready");
        Api fsc = support();
        String later = OffsetDateTime.now().plusDays(3).withNano(0).toString();
        Map<String, Object> reserved = fsc.post("/api/loans", order(device, patient, region, "startsAt", later));
        assertEquals("reserved", reserved.get("status"));
        assertEquals("reserved", reserved.get("deviceState"));
        Map<String, Object> cancelled = fsc.post("/api/loans/" + reserved.get("id") + "/cancel", Map.of("reason", "admitted to hospital"));
        assertEquals("cancelled", cancelled.get("status"));
        assertEquals("ready", cancelled.get("deviceState"));
        assertEquals(cancelled.get("startsAt"), cancelled.get("endsAt"), "an empty range attributes no reading");

        Map<String, Object> again = fsc.post("/api/loans", order(device, patient, region, "startsAt", later));
        // Its day came, but the device is still on FSC's shelf (switched on at the bench): not the citizen's reading.
        fixtures.update("UPDATE loans SET starts_at = now() - interval '1 hour' WHERE id = ?::uuid", again.get("id"));
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading(reading("bench", Instant.now().minusSeconds(60)));
            String reply = d.nextReply(Duration.ofSeconds(20));
            assertTrue(reply.contains("DEVICE_NOT_ON_LOAN"), "a reservation is no loan until shipped: " + reply);
        }
        assertEquals(0, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS + " AND patient_id = ?", device, patient));
        // Its calibration fell due while it waited: not shipped until calibrated.
        fixtures.update("UPDATE devices SET next_calibration_on = danish_today() - 1 WHERE id = ?", device);
        assertEquals(409, fsc.statusOf(() -> fsc.post("/api/loans/" + again.get("id") + "/ship", Map.of())));
        fixtures.update("UPDATE devices SET next_calibration_on = danish_today() + 365 WHERE id = ?", device);
        Map<String, Object> shipped = fsc.post("/api/loans/" + again.get("id") + "/ship", Map.of());
        assertEquals("active", shipped.get("status"));
        assertEquals("shipped", shipped.get("deviceState"));
        assertTrue(Instant.parse((String) shipped.get("startsAt")).isBefore(Instant.now().plusSeconds(5)), "starts when shipped");
    }

    @Test
    void logisticsSeesShippingDetailsButNotClinicalDataAndNursesNoLoans() {
        String region = fixtures.organisation("region");
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api fsc = support();
        Api careNurse = new Api(http, fixtures.nurse(org));
        careNurse.put("/api/patients/" + patient + "/contact", Map.of("address", "Skovvej 2, 8600 Silkeborg", "phone", "+45 12 34 56 78"));
        assertEquals(400, careNurse.statusOf(() -> careNurse.put("/api/patients/" + patient + "/contact", Map.of("phone", "call me"))));
        String loan = (String) fsc.post("/api/loans", order(fixtures.device("ready"), patient, region)).get("id");
        Map<String, Object> one = fsc.get("/api/loans/" + loan);
        assertEquals("Test Patient", one.get("patientName"));
        assertEquals("+45 12 34 56 78", one.get("patientPhone"));
        assertEquals("Skovvej 2, 8600 Silkeborg", one.get("patientAddress"));
        assertEquals("Testvej 1, 8000 Aarhus C", one.get("shippingAddress"));
        assertNull(fsc.getList("/api/loans?organisation=" + region).get(0).get("patientName"), "lists carry no names");
        assertEquals(400, fsc.statusOf(() -> fsc.getList("/api/loans?organisation=" + region + "&overdue=1")),
                "overdue=1 is no flag (it listed every loan, each citizen an access-log line)");
        assertEquals(List.of("order loan " + loan, "read loan list", "read shipping details of loan " + loan),
                fixtures.strings("SELECT action FROM access_log WHERE patient_id = ? AND purpose = 'logistics' ORDER BY action", patient),
                "the order's answer, the single loan and the list all named the citizen");
        assertEquals(403, fsc.statusOf(() -> fsc.get("/api/patients/" + patient)));
        assertEquals(403, fsc.statusOf(() -> fsc.getList("/api/patients/" + patient + "/readings")));
        Api nurse = new Api(http, fixtures.nurse(org));
        assertEquals(403, nurse.statusOf(() -> nurse.getList("/api/loans")));
    }

    private static String reading(String id, Instant at) {
        return "{\"messageId\":\"" + id + "\",\"measuredAt\":\"" + at + "\",\"observations\":[{\"type\":\"pulse\",\"value\":70,\"unit\":\"/min\"}]}";
    }

    private static HttpClientResponseException assertRefused(Runnable call) {
        try {
            call.run();
        } catch (HttpClientResponseException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    private static String body(HttpClientResponseException e) {
        return e.getResponse().getBody(String.class).orElse("");
    }
}
