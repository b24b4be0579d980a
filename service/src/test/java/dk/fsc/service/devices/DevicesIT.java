package dk.fsc.service.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.security.PasswordHasher;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The device registry: registration with credentials, status reports, health for logistics, retirement. */
@MicronautTest(transactional = false)
class DevicesIT extends IntegrationTest {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(20);
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    DeviceHealthTickets healthTickets;

    @Test
    void registeringADeviceIssuesCredentialsShownOnce() {
        Api admin = new Api(http, fixtures.staff(fixtures.organisation(), "fsc_admin"));
        String id = "REG-" + runId.toUpperCase();
        Map<String, Object> credentials = admin.post("/api/devices", Map.of("id", id, "deviceType", "pulse_oximeter",
                "model", "Nonin 3230", "serialNumber", "SN-" + runId));
        assertEquals(id, credentials.get("mqttUsername"));
        String password = (String) credentials.get("mqttPassword");
        assertTrue(password.length() >= 24);
        assertTrue(((List<?>) credentials.get("publishTopics")).contains("fsc/v1/devices/" + id + "/readings"));
        String hash = fixtures.text("SELECT mqtt_password_hash FROM devices WHERE id = ?", id);
        assertFalse(hash.contains(password), "stored hashed");
        assertTrue(PasswordHasher.matches(password, hash));

        assertEquals(409, admin.statusOf(() -> admin.post("/api/devices", Map.of("id", id, "deviceType", "pulse_oximeter"))));
        assertEquals(400, admin.statusOf(() -> admin.post("/api/devices", Map.of("id", "0101901234 x", "deviceType", "scale"))));
        assertEquals(400, admin.statusOf(() -> admin.post("/api/devices", Map.of("deviceType", "scale"))));
        Api nurse = new Api(http, fixtures.nurse(fixtures.organisation()));
        assertEquals(403, nurse.statusOf(() -> nurse.post("/api/devices", Map.of("id", id + "X", "deviceType", "scale"))));
        assertEquals(403, nurse.statusOf(() -> nurse.get("/api/devices/" + id)));

        Map<String, Object> renewed = admin.post("/api/devices/" + id + "/credentials", Map.of());
        assertFalse(renewed.get("mqttPassword").equals(password));
        assertFalse(PasswordHasher.matches(password, fixtures.text("SELECT mqtt_password_hash FROM devices WHERE id = ?", id)));
    }

    @Test
    void supportSearchesDevicesByTextStateOrganisationAndProblem() {
        String org = fixtures.organisation();
        String tag = "SRCH" + runId.toUpperCase();
        String onLoan = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        String inRepair = fixtures.device("in_repair");
        String lowBattery = fixtures.device("ready");
        for (String id : List.of(onLoan, inRepair, lowBattery)) {
            fixtures.update("UPDATE devices SET serial_number = ? WHERE id = ?", tag + "-" + id, id);
        }
        fixtures.update("INSERT INTO device_status (device_id, last_seen_at, battery_percent) VALUES (?, now(), 5)", lowBattery);
        Api support = new Api(http, fixtures.staff(org, "fsc_support"));

        Map<String, Object> all = support.get("/api/devices?q=" + tag.toLowerCase());
        assertEquals(3, ((Number) all.get("total")).intValue(), "the text matches serial numbers, in any case");
        assertEquals(List.of(inRepair), ids(support.get("/api/devices?q=" + tag + "&state=in_repair")));
        assertEquals(List.of(onLoan), ids(support.get("/api/devices?q=" + tag + "&organisation=" + org)));
        assertEquals(List.of(lowBattery), ids(support.get("/api/devices?q=" + tag + "&problem=battery_low")));
        assertEquals(List.of(onLoan), ids(support.get("/api/devices?q=" + onLoan)), "the id is searched too");
        Map<String, Object> page = support.get("/api/devices?q=" + tag + "&limit=2&offset=2");
        assertEquals(3, ((Number) page.get("total")).intValue());
        assertEquals(1, ids(page).size(), "the last page of two");
        // A % or _ typed is that character, not a wildcard: "TAG%<end of the id>" would match the serial "TAG-<id>" as a pattern.
        String end = onLoan.substring(onLoan.length() - 3);
        assertEquals(0, ((Number) support.get("/api/devices?q=" + tag + "%25" + end).get("total")).intValue());
        assertEquals(0, ((Number) support.get("/api/devices?q=" + tag + "_" + onLoan).get("total")).intValue());

        assertEquals(400, support.statusOf(() -> support.get("/api/devices?state=broken")));
        assertEquals(400, support.statusOf(() -> support.get("/api/devices?problem=sad")));
        assertEquals(400, support.statusOf(() -> support.get("/api/devices?limit=501")));
        Api nurse = new Api(http, fixtures.nurse(org));
        assertEquals(403, nurse.statusOf(() -> nurse.get("/api/devices?q=" + tag)));
    }

    /**
     * Reports that arrive together are stored by one statement of their batch: each answered as
     * if alone (a resend in the same batch a duplicate, an id reused in it refused), and the
     * newest report is the device's state.
     */
    @Test
    void statusReportsArrivingTogetherAreAnsweredAsIfEachCameAlone() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<String> replies = new java.util.ArrayList<>();
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device);
             java.sql.Connection lock = TestInfrastructure.database().connect()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE device_status_reports IN ACCESS EXCLUSIVE MODE");
            publishStatus(d, device, "b-0", now.minusSeconds(300), 70, "[]");
            Eventually.await("the gateway's first batch waits on the lock", REPLY_TIMEOUT, () -> fixtures.count("""
                    SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                     AND query LIKE '%INSERT INTO device_status_reports%'""") > 0);
            // These queue behind it and are written together when the lock goes.
            publishStatus(d, device, "b-1", now.minusSeconds(60), 40, "[\"E1\", \"E2_X\"]");
            publishStatus(d, device, "b-1", now.minusSeconds(60), 40, "[\"E1\", \"E2_X\"]"); // sent again
            publishStatus(d, device, "b-2", now.minusSeconds(600), 95, "[]"); // older than b-1
            publishStatus(d, device, "b-1", now.minusSeconds(59), 40, "[]"); // the id again, for another report
            publishStatus(d, device, "b-0", now.minusSeconds(300), 70, "[]"); // the first batch's report again
            Thread.sleep(1000); // time to arrive at the gateway, so that they make one batch
            lock.rollback();
            for (int i = 0; i < 6; i++) {
                String reply = d.nextReply(REPLY_TIMEOUT);
                assertNotNull(reply, "reply " + i);
                replies.add(reply.replaceAll(".*\"messageId\":\"([^\"]+)\".*\"status\":\"([a-z]+)\".*", "$1 $2"));
            }
        }
        assertEquals(List.of("b-0 accepted", "b-1 accepted", "b-1 duplicate", "b-2 accepted", "b-1 rejected", "b-0 duplicate"), replies);
        assertEquals(3, fixtures.count("SELECT count(*) FROM device_status_reports WHERE device_id = ?", device));
        Map<String, Object> view = new Api(http, fixtures.staff(org, "fsc_support")).get("/api/devices/" + device);
        assertEquals(40, view.get("batteryPercent"), "the newest report (b-1) is the device's state");
        assertEquals(List.of("E1", "E2_X"), view.get("faults"));
        assertEquals(now.minusSeconds(60).toString(), fixtures.text(
                "SELECT to_char(reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM device_status WHERE device_id = ?", device));
    }

    @SuppressWarnings("unchecked")
    private static List<String> ids(Map<String, Object> found) {
        return ((List<Map<String, Object>>) found.get("devices")).stream().map(d -> (String) d.get("id")).toList();
    }

    @Test
    void statusReportsShowBatteryAndFaultsAndTheLatestWins() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        Instant hourAgo = Instant.now().minusSeconds(3600);
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            publishStatus(d, device, "s-2", Instant.now().minusSeconds(60), 12, "[\"E12_SENSOR\"]");
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("\"status\":\"accepted\""));
            publishStatus(d, device, "s-1", hourAgo, 90, "[]"); // older, arrives late
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("\"status\":\"accepted\""));
            publishStatus(d, device, "s-1", hourAgo, 90, "[]");
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("\"status\":\"duplicate\""));
            publishStatus(d, device, "s-1", hourAgo.plusSeconds(1), 90, "[]");
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("MESSAGE_ID_REUSED"));
        }
        Api support = new Api(http, fixtures.staff(org, "fsc_support"));
        Map<String, Object> view = support.get("/api/devices/" + device);
        assertEquals(12, view.get("batteryPercent"), "the newest report wins, whatever the arrival order");
        assertEquals(List.of("E12_SENSOR"), view.get("faults"));
        assertEquals(List.of("battery_low", "fault"), view.get("problems"));

        assertNotNull(view.get("lastSeenAt"));
        assertEquals(org, view.get("loanOrganisation"));
        assertEquals(2, fixtures.count("SELECT count(*) FROM device_status_reports WHERE device_id = ?", device));

        // The problems open a ticket each, once however often they are reported or checked.
        healthTickets.openTickets();
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            publishStatus(d, device, "s-3", Instant.now().minusSeconds(30), 11, "[\"E12_SENSOR\"]");
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("\"status\":\"accepted\""));
        }
        healthTickets.openTickets();
        assertEquals(List.of("Device " + device + " battery low (12 %)", "Device " + device + " reports faults E12_SENSOR"),
                fixtures.strings("SELECT title FROM tickets WHERE device_id = ? AND source = 'device_health' ORDER BY priority", device));
        assertEquals(2, fixtures.count("SELECT count(*) FROM tickets WHERE device_id = ? AND organisation_id = ? AND patient_id IS NOT NULL "
                + "AND loan_id IS NOT NULL", device, org), "the loan's organisation, linked to loan and patient");

        assertTrue(ids(support.getList("/api/devices/health?problem=fault")).contains(device));
        assertFalse(ids(support.getList("/api/devices/health?problem=silent")).contains(device));
        assertEquals(400, support.statusOf(() -> support.getList("/api/devices/health?problem=sad")));
    }

    /** The gateway marks a device over its quarantine quota in quarantine_quota (the database is the contract). */
    @Test
    void aDeviceOverItsQuarantineQuotaGetsOneTicketPerEpisode() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        fixtures.update("""
                INSERT INTO quarantine_quota (device_id, window_start, window_end, rows_used, bytes_used, dropped, exceeded_since,
                                              last_exceeded_at)
                VALUES (?, now() - interval '1 hour', now() + interval '23 hours', 2000, 1000000, 17, now() - interval '50 minutes',
                        now() - interval '1 minute')""", device);
        Api support = new Api(http, fixtures.staff(org, "fsc_support"));
        assertTrue(ids(support.getList("/api/devices/health?problem=quarantine_quota")).contains(device));

        healthTickets.openTickets();
        healthTickets.openTickets();
        assertEquals(1, fixtures.count("SELECT count(*) FROM tickets WHERE device_id = ? AND dedupe_key LIKE '%:quarantine_quota:%'", device));
        assertTrue(fixtures.text("SELECT title FROM tickets WHERE device_id = ?", device).contains("17 rejected messages not kept"));

        fixtures.update("UPDATE tickets SET state = 'solved' WHERE device_id = ?", device);
        healthTickets.openTickets();
        assertEquals(1, fixtures.count("SELECT count(*) FROM tickets WHERE device_id = ?", device), "solved, but the same episode");

        fixtures.update("UPDATE quarantine_quota SET exceeded_since = now() WHERE device_id = ?", device);
        healthTickets.openTickets();
        assertEquals(2, fixtures.count("SELECT count(*) FROM tickets WHERE device_id = ?", device), "a new episode");

        fixtures.update("UPDATE quarantine_quota SET window_end = now() - interval '1 second' WHERE device_id = ?", device);
        assertFalse(ids(support.getList("/api/devices/health?problem=quarantine_quota")).contains(device),
                "a new window has room again");
    }

    @Test
    void aDeviceSilentLongerThanItsPatientsScheduleAllowsIsFlagged() {
        String org = fixtures.organisation();
        UUID quiet = fixtures.patient(org);
        UUID paused = fixtures.patient(org);
        String quietDevice = fixtures.deviceOnLoanTo(quiet, org);
        String pausedDevice = fixtures.deviceOnLoanTo(paused, org);
        for (UUID p : List.of(quiet, paused)) {
            fixtures.update("INSERT INTO patient_monitoring (patient_id, schedule, started_at, updated_by) VALUES (?, 'copd_standard', now() - interval '2 days', 'test')", p);
        }
        fixtures.update("INSERT INTO monitoring_pauses (patient_id, starts_at, ends_at, reason, created_by) VALUES (?, now() - interval '3 days', now() + interval '1 day', 'admitted', 'test')", paused);
        for (String d : List.of(quietDevice, pausedDevice)) {
            fixtures.update("INSERT INTO device_status (device_id, last_seen_at) VALUES (?, now() - interval '31 hours')", d);
        }
        Api support = new Api(http, fixtures.staff(org, "fsc_support"));
        List<String> silent = ids(support.getList("/api/devices/health?problem=silent"));
        assertTrue(silent.contains(quietDevice), "two measurements a day are due, none for 31 hours");
        assertFalse(silent.contains(pausedDevice), "monitoring paused");
        assertNotNull(support.get("/api/devices/" + quietDevice).get("silentSince"));

        // The search narrows to the silent ones in the database, with the same rule (weekly: 8 days allowed).
        String weeklyDevice = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        fixtures.update("INSERT INTO patient_monitoring (patient_id, schedule, started_at, updated_by) "
                + "SELECT patient_id, 'weekly', now() - interval '2 days', 'test' FROM loans WHERE device_id = ?", weeklyDevice);
        fixtures.update("INSERT INTO device_status (device_id, last_seen_at) VALUES (?, now() - interval '31 hours')", weeklyDevice);
        // Narrowed by the hour last heard in (V18): 30 h 5 min is silent and 29 h 55 min is not, whichever
        // side of an hour's start they fall; a device on a loan of 31 hours never heard from at all is silent.
        String justOver = dailyDeviceOnLoan(org, "now() - interval '30 hours 5 minutes'");
        String justUnder = dailyDeviceOnLoan(org, "now() - interval '29 hours 55 minutes'");
        String neverHeard = dailyDeviceOnLoan(org, null);
        fixtures.update("UPDATE loans SET starts_at = now() - interval '31 hours' WHERE device_id = ?", neverHeard);
        String newLoan = dailyDeviceOnLoan(org, null);
        fixtures.update("UPDATE loans SET starts_at = now() - interval '29 hours' WHERE device_id = ?", newLoan);
        assertEquals(Set.of(quietDevice, justOver, neverHeard), Set.copyOf(ids(support.get("/api/devices?problem=silent&organisation=" + org))),
                "the copd_standard start is silent after 31 hours; paused, weekly, 29 h 55 min and a 29-hour loan are not");

        // Any problem (the ticket job's read, narrowed in the database by the four problems' conditions at once): the same.
        List<String> any = ids(support.getList("/api/devices/health"));
        assertTrue(any.containsAll(List.of(quietDevice, justOver, neverHeard)), any.toString());
        for (String healthy : List.of(pausedDevice, weeklyDevice, justUnder, newLoan)) {
            assertFalse(any.contains(healthy), healthy + " has no problem");
        }
    }

    @Test
    void aRetiredDeviceIsRefusedAndADeviceOnLoanCannotBeRetired() throws Exception {
        String org = fixtures.organisation();
        String onLoan = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        String inStock = fixtures.device("cleaning");
        Api admin = new Api(http, fixtures.staff(org, "fsc_admin"));
        assertEquals(409, admin.statusOf(() -> admin.post("/api/devices/" + onLoan + "/retire", Map.of("reason", "broken"))));
        assertEquals(400, admin.statusOf(() -> admin.post("/api/devices/" + inStock + "/retire", Map.of())));

        Map<String, Object> retired = admin.post("/api/devices/" + inStock + "/retire", Map.of("reason", "housing cracked"));
        assertEquals("retired", retired.get("state"));
        assertEquals(409, admin.statusOf(() -> admin.post("/api/devices/" + inStock + "/retire", Map.of("reason", "again"))));
        assertEquals(409, admin.statusOf(() -> admin.post("/api/devices/" + inStock + "/credentials", Map.of())));
        assertEquals(404, admin.statusOf(() -> admin.get("/api/devices/NO-SUCH-" + runId)));
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), inStock)) {
            publishStatus(d, inStock, "after", Instant.now(), 50, "[]");
            assertTrue(d.nextReply(REPLY_TIMEOUT).contains("DEVICE_RETIRED"));
        }
        assertNull(admin.get("/api/devices/" + inStock).get("loanOrganisation"));
    }

    /** A device on loan to a new patient of the organisation, two measurements a day due, last heard at {@code lastSeen} (SQL; null: never). */
    private String dailyDeviceOnLoan(String org, String lastSeen) {
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        fixtures.update("INSERT INTO patient_monitoring (patient_id, schedule, started_at, updated_by) "
                + "SELECT patient_id, 'copd_standard', now() - interval '2 days', 'test' FROM loans WHERE device_id = ?", device);
        if (lastSeen != null) {
            fixtures.update("INSERT INTO device_status (device_id, last_seen_at) VALUES (?, " + lastSeen + ")", device);
        }
        return device;
    }

    private static void publishStatus(TestDevice d, String device, String messageId, Instant at, int battery, String faults)
            throws Exception {
        d.publish("fsc/v1/devices/" + device + "/status", ("{\"messageId\":\"" + messageId + "\",\"reportedAt\":\"" + at
                + "\",\"batteryPercent\":" + battery + ",\"firmware\":\"2.4.1\",\"faults\":" + faults + "}").getBytes());
    }

    private static List<String> ids(List<Map<String, Object>> devices) {
        return devices.stream().map(d -> (String) d.get("id")).toList();
    }
}
