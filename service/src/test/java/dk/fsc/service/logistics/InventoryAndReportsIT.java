package dk.fsc.service.logistics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.time.DanishTime;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@MicronautTest(transactional = false)
class InventoryAndReportsIT extends IntegrationTest {
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    ReminderTickets reminderTickets;

    @Test
    void theCatalogueAndInventoryDriveRegistrationAndReminders() throws Exception {
        String fscOrg = fixtures.organisation("fsc");
        Api admin = new Api(http, fixtures.staff(fscOrg, "fsc_admin"));
        Api support = new Api(http, fixtures.staff(fscOrg, "fsc_support"));
        Map<String, Object> oximeter = support.getList("/api/catalogue/device-types").stream()
                .filter(t -> t.get("code").equals("pulse_oximeter")).findFirst().orElseThrow();
        assertEquals("region", oximeter.get("lendingSector"));
        assertEquals(List.of("spo2", "pulse"), oximeter.get("measurementTypes"));
        String model = "nonin-" + UUID.randomUUID().toString().substring(0, 6);
        admin.post("/api/catalogue/models", Map.of("id", model, "deviceType", "pulse_oximeter", "manufacturer", "Nonin", "name", "3230"));
        assertEquals(403, support.statusOf(() -> support.post("/api/catalogue/models", Map.of("id", model + "x", "deviceType", "scale",
                "manufacturer", "A", "name", "B"))), "the catalogue is the admins'");
        assertEquals(400, admin.statusOf(() -> admin.post("/api/devices", Map.of("id", "X-" + model, "deviceType", "toaster"))));
        String type = "peak_flow_" + UUID.randomUUID().toString().substring(0, 4);
        Map<String, Object> added = admin.put("/api/catalogue/device-types/" + type, Map.of("code", type, "name", "Peak flow meter",
                "measurementTypes", List.of("pef"), "lendingSector", "municipality", "cleaningIntervalDays", 60));
        assertEquals(List.of("pef"), added.get("measurementTypes"));
        admin.post("/api/devices", Map.of("id", "X-" + model, "deviceType", type));
        assertEquals(400, admin.statusOf(() -> admin.put("/api/catalogue/device-types/" + type, Map.of("code", type, "name", "x",
                "lendingSector", "hospital"))));

        String device = fixtures.device("ready");
        String tag = "FSC-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> inv = support.put("/api/devices/" + device + "/inventory", Map.of("modelId", model, "assetTag", tag,
                "purchasedOn", "2025-03-01", "nextCalibrationOn", LocalDate.now(DanishTime.ZONE).plusDays(5).toString()));
        assertEquals(tag, inv.get("assetTag"));
        assertEquals(model, support.get("/api/devices/" + device).get("modelId"), "the device shows its inventory data");
        assertEquals(409, support.statusOf(() -> support.put("/api/devices/" + fixtures.device("ready") + "/inventory",
                Map.of("assetTag", tag))));
        assertEquals(409, support.statusOf(() -> support.put("/api/devices/" + fixtures.device("ready") + "/inventory",
                Map.of("assetTag", tag.toLowerCase()))), "the scan page matches any case");
        assertEquals(409, support.statusOf(() -> support.put("/api/devices/" + fixtures.device("ready") + "/inventory",
                Map.of("assetTag", device.toLowerCase()))), "another device's id would make both unscannable");
        assertEquals(400, support.statusOf(() -> support.put("/api/devices/" + device + "/inventory", Map.of("modelId", "no-such"))));

        // Cleaning starts the next cleaning interval (30 days for an oximeter).
        support.post("/api/devices/" + device + "/transitions", Map.of("to", "cleaning", "reason", "routine"));
        support.post("/api/devices/" + device + "/transitions", Map.of("to", "ready", "reason", "cleaned"));
        assertEquals(LocalDate.now(DanishTime.ZONE).plusDays(30).toString(), fixtures.text("SELECT next_cleaning_on::text FROM devices WHERE id = ?", device));

        String region = fixtures.organisation("region");
        String lent = fixtures.device("on_loan");
        fixtures.update("INSERT INTO loans (device_id, patient_id, organisation_id, starts_at, due_on) VALUES (?, ?, ?, now() - interval '40 days', danish_today() - 3)",
                lent, fixtures.patient(fixtures.organisation()), region);
        Map<String, Object> reminders = support.get("/api/logistics/reminders");
        assertTrue(ids(reminders, "calibrationDue", "deviceId").contains(device), reminders.toString());
        assertTrue(ids(reminders, "overdueLoans", "deviceId").contains(lent));
        // Each reminder becomes one ticket, however often the check runs.
        reminderTickets.openTickets();
        reminderTickets.openTickets();
        assertEquals(1, fixtures.count("SELECT count(*) FROM tickets WHERE source = 'reminder' AND device_id = ? AND organisation_id = ?",
                lent, region));
        // Solved (support phoned the citizen), it is not opened again at the next run: once per loan.
        fixtures.update("UPDATE tickets SET state = 'solved', solved_at = now() WHERE source = 'reminder' AND device_id = ?", lent);
        reminderTickets.openTickets();
        assertEquals(1, fixtures.count("SELECT count(*) FROM tickets WHERE source = 'reminder' AND device_id = ?", lent));
        fixtures.update("UPDATE devices SET next_calibration_on = danish_today() WHERE id = ?", device);
        reminderTickets.openTickets();
        assertEquals(List.of("Device " + device + " calibration due " + LocalDate.now(DanishTime.ZONE)),
                fixtures.strings("SELECT title FROM tickets WHERE source = 'reminder' AND device_id = ?", device));

        HttpResponse<String> csv = http.toBlocking().exchange(HttpRequest.GET("/api/reports/loans-overdue?format=csv")
                .bearerAuth(support.token()), String.class);
        assertTrue(csv.body().startsWith("organisation_id,loan_id,device_id,device_type,due_on,days_overdue\r\n"));
        assertTrue(csv.body().contains(region + ","), csv.body());
        assertTrue(csv.body().contains("," + lent + ",pulse_oximeter," + LocalDate.now(DanishTime.ZONE).minusDays(3) + ",3\r\n"), csv.body());
        List<Map<String, Object>> devices = support.getList("/api/reports/devices");
        assertTrue(devices.stream().anyMatch(r -> r.get("organisationId").equals(region) && r.get("state").equals("on_loan")
                && ((Number) r.get("devices")).intValue() == 1), devices.toString());
    }

    @Test
    void theTicketReportCountsBySlaStatePerOrganisation() {
        String org = fixtures.organisation();
        Api support = new Api(http, fixtures.staff(fixtures.organisation("fsc"), "fsc_support"));
        Object late = support.post("/api/tickets", Map.of("title", "a", "urgency", 5, "impact", 5, "organisationId", org)).get("id");
        Object fine = support.post("/api/tickets", Map.of("title", "b", "urgency", 2, "impact", 2, "organisationId", org)).get("id");
        fixtures.update("INSERT INTO ticket_events (ticket_id, username, kind, clock) VALUES (?, 'sla', 'sla_breach', 'own')",
                ((Number) late).longValue());
        support.post("/api/tickets/" + fine + "/state", Map.of("to", "solved"));
        Map<String, Object> row = support.getList("/api/reports/tickets").stream().filter(r -> r.get("organisationId").equals(org))
                .findFirst().orElseThrow();
        assertEquals(Map.of("organisationId", org, "open", 1, "warned", 0, "breached", 1, "solved", 1, "solvedInTime", 1,
                "adverseEventsOpen", 0), row);
        assertEquals(400, support.statusOf(() -> support.getList("/api/reports/tickets?format=xml")));
    }

    @Test
    void theServiceServesItsOpenApiDocument() {
        String yml = http.toBlocking().retrieve(HttpRequest.GET("/openapi/fsc-telemedicine-api-1.yml"));
        for (String path : List.of("/api/loans:", "/api/loans/{id}/handover:", "/api/tickets/{id}/state:", "/api/reports/devices:",
                "/api/catalogue/device-types:", "/api/devices/{id}/transitions:", "/api/patients/{patientId}/access-log:")) {
            assertTrue(yml.contains("  " + path), path + " is not in the OpenAPI document");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> ids(Map<String, Object> reminders, String list, String field) {
        return ((List<Map<String, Object>>) reminders.get(list)).stream().map(m -> m.get(field)).toList();
    }
}
