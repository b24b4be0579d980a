package dk.fsc.service.readings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The walking skeleton: device → MQTT → gateway → PostgreSQL → HTTP → nurse, on real servers. */
@MicronautTest(transactional = false)
class ThinPathIT extends IntegrationTest {

    @Inject
    @Client("/")
    HttpClient http;

    private final Fixtures fixtures = new Fixtures();

    @Test
    void nurseOfThePatientsMunicipalityReadsBackWhatTheDevicePublished() throws Exception {
        String municipality = fixtures.organisation();
        Fixtures.Login nurse = fixtures.nurse(municipality);
        UUID patient = fixtures.patient(municipality);
        String device = fixtures.deviceOnLoanTo(patient, municipality);
        OffsetDateTime measuredAt = OffsetDateTime.now(ZoneOffset.ofHours(1)).minusMinutes(1).truncatedTo(ChronoUnit.SECONDS);

        try (TestDevice oximeter = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            oximeter.publishReading("""
                    {"messageId": "5b0f1a9e-2f7c-4d0a-9d8e-6a1f0c2b9e11", "measuredAt": "%s",
                     "observations": [{"type": "spo2", "value": 0.94, "unit": "1"},
                                      {"type": "pulse", "value": 88, "unit": "/min"}]}""".formatted(measuredAt));
            String reply = oximeter.nextReply(Duration.ofSeconds(20));
            assertNotNull(reply, "the device got no reply");
            assertTrue(reply.contains("\"status\":\"accepted\""), reply);
        }

        Map<String, Object> history = http.toBlocking().retrieve(
                HttpRequest.GET("/api/patients/" + patient + "/readings").bearerAuth(token(nurse)), Argument.mapOf(String.class, Object.class));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> readings = (List<Map<String, Object>>) history.get("readings");
        assertEquals(2, readings.size(), history.toString());
        Map<String, Object> spo2 = readings.stream().filter(r -> r.get("type").equals("spo2")).findFirst().orElseThrow();
        assertEquals(94.0, ((Number) spo2.get("value")).doubleValue(), 1e-9, "an SpO2 fraction is stored as percent");
        assertEquals("%", spo2.get("unit"));
        assertEquals("NPU03011", spo2.get("code"));
        assertEquals(device, spo2.get("deviceId"));
        assertEquals("device", spo2.get("origin"));
        assertEquals(2, fixtures.count("SELECT count(*) FROM readings WHERE patient_id = ? AND origin IS NULL", patient),
                "a device's readings are stored without spelling out their origin (V36)");
        assertEquals(2, fixtures.count("""
                SELECT count(*) FROM readings r JOIN devices d ON d.device_number = r.device_number
                 WHERE r.patient_id = ? AND r.device_id IS NULL AND d.id = ?""", patient, device),
                "a device's readings name it by its number, not by its id (V37)");
        assertEquals(measuredAt.toInstant().toString(), spo2.get("measuredAt"));
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND username = ?", patient, nurse.username()));
    }

    @Test
    void nurseOfAnotherMunicipalityIsToldThePatientIsNotFound() {
        String municipality = fixtures.organisation();
        UUID patient = fixtures.patient(municipality);
        Fixtures.Login otherNurse = fixtures.nurse(fixtures.organisation());

        HttpClientResponseException refused = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().retrieve(
                HttpRequest.GET("/api/patients/" + patient + "/readings").bearerAuth(token(otherNurse))));

        assertEquals(HttpStatus.NOT_FOUND, refused.getStatus());
        assertEquals("application/problem+json", refused.getResponse().getContentType().orElseThrow().toString());
        assertEquals(0, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ?", patient));
    }

    @Test
    void fscSupportStaffCannotReadReadings() {
        String municipality = fixtures.organisation();
        UUID patient = fixtures.patient(municipality);
        Fixtures.Login support = fixtures.staff(fixtures.organisation(), "fsc_support");

        HttpClientResponseException refused = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().retrieve(
                HttpRequest.GET("/api/patients/" + patient + "/readings").bearerAuth(token(support))));

        assertEquals(HttpStatus.FORBIDDEN, refused.getStatus());
    }

    @Test
    void anonymousCallerMustLogIn() {
        HttpClientResponseException refused = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().retrieve(
                HttpRequest.GET("/api/patients/" + UUID.randomUUID() + "/readings")));

        assertEquals(HttpStatus.UNAUTHORIZED, refused.getStatus());
    }

    @Test
    void badQueryParametersAreExplained() {
        String municipality = fixtures.organisation();
        Fixtures.Login nurse = fixtures.nurse(municipality);
        UUID patient = fixtures.patient(municipality);

        HttpClientResponseException refused = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().retrieve(
                HttpRequest.GET("/api/patients/" + patient + "/readings?from=yesterday").bearerAuth(token(nurse))));

        assertEquals(HttpStatus.BAD_REQUEST, refused.getStatus());
        assertTrue(refused.getResponse().getBody(String.class).orElse("").contains("from must be an ISO 8601 time"));
    }

    @Test
    void wrongPasswordIsRefused() {
        Fixtures.Login nurse = fixtures.nurse(fixtures.organisation());

        HttpClientResponseException refused = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().retrieve(
                HttpRequest.POST("/login", Map.of("username", nurse.username(), "password", "not-" + nurse.password()))));

        assertEquals(HttpStatus.UNAUTHORIZED, refused.getStatus());
    }

    @Test
    void healthAndPrometheusAnswerWithoutAToken() {
        assertEquals(HttpStatus.OK, http.toBlocking().exchange("/health").getStatus());
        String health = http.toBlocking().retrieve(HttpRequest.GET("/health").bearerAuth(token(fixtures.nurse(fixtures.organisation()))));
        assertTrue(health.contains("\"status\":\"UP\""), health);
        assertFalse(health.contains("jdbc:"), "health must not show the database URL, even to staff: " + health);
        // Readiness: database, migrations and (with a gateway) the broker; liveness: the process. Status only.
        for (String probe : new String[] {"/health/readiness", "/health/liveness"}) {
            String answer = http.toBlocking().retrieve(probe);
            assertTrue(answer.contains("\"status\":\"UP\""), probe + ": " + answer);
            assertFalse(answer.contains("details"), probe + " shows no details to anyone: " + answer);
        }
        String metrics = http.toBlocking().retrieve("/prometheus");
        assertTrue(metrics.contains("fsc_gateway_readings_received_total"), "received");
        assertTrue(metrics.contains("fsc_gateway_readings_stored_total"), "stored");
        assertTrue(metrics.contains("fsc_gateway_readings_rejected_total"), "rejected");
    }

    @Test
    void aClinicianExportsTheReadingsAsAFileWithTheirCodes() {
        String municipality = fixtures.organisation();
        UUID patient = fixtures.patient(municipality);
        String device = fixtures.deviceOnLoanTo(patient, municipality);
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                VALUES (?, 'x-1', 0, now() - interval '2 hours', ?, 'temperature', 37.5),
                       (?, 'x-2', 0, now() - interval '1 hour', ?, 'spo2', 95)""", device, patient, device, patient);
        Fixtures.Login clinician = fixtures.staff(municipality, "clinician");
        String path = "/api/patients/" + patient + "/readings?format=";
        String excel = http.toBlocking().retrieve(HttpRequest.GET(path + "excel").bearerAuth(token(clinician)), String.class);
        assertTrue(excel.startsWith("\uFEFFmeasured_at;type;value;unit;npu_or_medcom;loinc;mdc;device"), excel);
        assertTrue(excel.contains(";temperature;37,5;Cel;NPU08676;8310-5;150364;" + device + ";x-1;device;"), excel);
        String csv = http.toBlocking().retrieve(HttpRequest.GET(path + "csv").bearerAuth(token(clinician)), String.class);
        assertTrue(csv.contains(",spo2,95,%,NPU03011,2708-6,150456," + device + ",x-2,device,"), csv);
        HttpClientResponseException buckets = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().retrieve(
                HttpRequest.GET(path + "csv&resolution=day").bearerAuth(token(clinician))));
        assertEquals(HttpStatus.BAD_REQUEST, buckets.getStatus());
        assertEquals(2, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND detail LIKE '%as a file'", patient));
    }

    private String token(Fixtures.Login login) {
        return new Api(http, login).token();
    }
}
