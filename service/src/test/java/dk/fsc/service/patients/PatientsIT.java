package dk.fsc.service.patients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestCprs;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@MicronautTest(transactional = false)
class PatientsIT extends IntegrationTest {
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    @Test
    void registersFindsAndShowsACitizenOnlyToTheirOrganisation() {
        String org = fixtures.organisation();
        Api nurse = new Api(http, fixtures.nurse(org));
        String cpr = TestCprs.next();
        String written = cpr.substring(0, 6) + "-" + cpr.substring(6);

        Map<String, Object> created = nurse.post("/api/patients", Map.of("displayName", "Karen Jensen", "cpr", written));
        assertEquals(cpr, created.get("cpr"), "stored as ten digits");
        String id = (String) created.get("id");
        assertEquals(org, created.get("organisationId"));
        byte[] stored = fixtures.bytes("SELECT cpr_encrypted FROM patients WHERE id = ?", UUID.fromString(id));
        assertFalse(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1).contains(cpr), "encrypted at rest");

        HttpClientResponseException again = assertThrows(HttpClientResponseException.class,
                () -> nurse.post("/api/patients", Map.of("displayName", "Karen J", "cpr", cpr)));
        assertEquals(409, again.getStatus().getCode());
        assertTrue(body(again).contains(id), "names the existing record: " + body(again));

        assertEquals(id, nurse.post("/api/patients/search", Map.of("cpr", cpr)).get("id"));
        assertEquals("Karen Jensen", nurse.get("/api/patients/" + id).get("displayName"));

        // Another organisation registers the same citizen (shared care): its own record, and no hint of the first.
        String otherOrg = fixtures.organisation();
        Api otherNurse = new Api(http, fixtures.nurse(otherOrg));
        HttpClientResponseException notThere = assertThrows(HttpClientResponseException.class,
                () -> otherNurse.post("/api/patients/search", Map.of("cpr", cpr)));
        assertEquals(404, notThere.getStatus().getCode());
        assertFalse(body(notThere).contains(cpr), "the CPR number is not echoed");
        Map<String, Object> theirs = otherNurse.post("/api/patients", Map.of("displayName", "Karen Jensen", "cpr", cpr));
        assertNotEquals(id, theirs.get("id"));
        assertEquals(404, otherNurse.statusOf(() -> otherNurse.get("/api/patients/" + id)));
    }

    @Test
    void refusesAnInvalidCprWithoutEchoingIt() {
        Api nurse = new Api(http, fixtures.nurse(fixtures.organisation()));
        for (String bad : List.of("3213401111", "12345", "010140111a", "")) {
            HttpClientResponseException e = assertThrows(HttpClientResponseException.class,
                    () -> nurse.post("/api/patients", Map.of("displayName", "X", "cpr", bad)));
            assertEquals(400, e.getStatus().getCode(), bad);
            assertTrue(body(e).contains("cpr must be a CPR number"), body(e));
            assertTrue(bad.isEmpty() || !body(e).contains(bad), "echoed: " + body(e));
        }
        HttpClientResponseException noName = assertThrows(HttpClientResponseException.class,
                () -> nurse.post("/api/patients", Map.of("cpr", TestCprs.next())));
        assertTrue(body(noName).contains("displayName is required"), body(noName));
    }

    @Test
    void theAccessLogShowsWhoDidWhatAndIsForThePatientsOrganisationOnly() {
        String org = fixtures.organisation();
        Fixtures.Login nurseLogin = fixtures.nurse(org);
        Api nurse = new Api(http, nurseLogin);
        Fixtures.Login adminLogin = fixtures.staff(org, "org_admin");
        Api orgAdmin = new Api(http, adminLogin);
        UUID patient = fixtures.patient(org);
        fixtures.update("INSERT INTO alerts (patient_id, organisation_id, kind, severity, summary) VALUES (?, ?, 'tobs', 'red', 'test')",
                patient, org);

        http.toBlocking().exchange(HttpRequest.GET("/api/patients/" + patient + "/readings").bearerAuth(nurse.token())
                .header("X-FSC-Purpose", "weekly review"), String.class);
        nurse.getList("/api/alerts");
        nurse.get("/api/patients/" + patient);

        List<Map<String, Object>> log = orgAdmin.getList("/api/patients/" + patient + "/access-log");
        List<Object> actions = log.stream().map(l -> l.get("action")).toList();
        assertEquals(List.of("read patient record", "read alert worklist", "read readings"), actions, "newest first");
        Map<String, Object> readings = log.get(2);
        assertEquals(nurseLogin.username(), readings.get("username"));
        assertEquals("nurse", readings.get("role"));
        assertEquals(org, readings.get("organisationId"));
        assertEquals("weekly review", readings.get("purpose"));

        // Reading the log is logged too; CSV for the citizen's request or a complaint.
        HttpResponse<String> csv = http.toBlocking().exchange(HttpRequest.GET("/api/patients/" + patient + "/access-log?format=csv")
                .bearerAuth(nurse.token()), String.class);
        assertTrue(csv.getContentType().orElseThrow().toString().startsWith("text/csv"));
        String[] lines = csv.body().split("\r\n");
        assertEquals("id,at,username,name,organisation_id,role,action,purpose,detail", lines[0]);
        assertTrue(lines[1].contains("read access log") && lines[1].contains(adminLogin.username()), lines[1]);
        assertEquals(5, lines.length, "header, the admin's read and the nurse's three");

        for (String role : List.of("fsc_support", "fsc_admin")) {
            Api fsc = new Api(http, fixtures.staff(org, role));
            assertEquals(403, fsc.statusOf(() -> fsc.getList("/api/patients/" + patient + "/access-log")), role + ": not their role");
        }
        Api stranger = new Api(http, fixtures.staff(fixtures.organisation(), "org_admin"));
        assertEquals(404, stranger.statusOf(() -> stranger.getList("/api/patients/" + patient + "/access-log")));
        assertEquals(400, nurse.statusOf(() -> nurse.getList("/api/patients/" + patient + "/access-log?format=pdf")));

        Throwable changed = assertThrows(RuntimeException.class,
                () -> fixtures.update("UPDATE access_log SET username = 'someone else' WHERE patient_id = ?", patient));
        assertTrue(changed.getMessage().contains("append-only"), changed.getMessage());
    }

    private static String body(HttpClientResponseException e) {
        return e.getResponse().getBody(String.class).orElse("");
    }

    @Test
    void theAccessLogFiltersByPersonAndByTheBeginningOfTheAction() {
        String org = fixtures.organisation();
        Fixtures.Login anna = fixtures.nurse(org);
        Fixtures.Login bo = fixtures.nurse(org);
        Api admin = new Api(http, fixtures.staff(org, "org_admin"));
        UUID patient = fixtures.patient(org);
        for (Object[] l : new Object[][] {{anna, "read readings"}, {bo, "read alert 17"}, {anna, "acknowledge alert 17"}}) {
            fixtures.update("INSERT INTO access_log (username, organisation_id, role, patient_id, action, purpose) VALUES (?, ?, 'nurse', ?, ?, 'care')",
                    ((Fixtures.Login) l[0]).username(), org, patient, l[1]);
        }
        String log = "/api/patients/" + patient + "/access-log";
        assertEquals(List.of("acknowledge alert 17", "read readings"),
                admin.getList(log + "?person=" + anna.username()).stream().map(l -> l.get("action")).toList());
        assertEquals(List.of("read alert 17"),
                admin.getList(log + "?action=READ%20ALERT&person=" + bo.username()).stream().map(l -> l.get("action")).toList());
        assertEquals(List.of(), admin.getList(log + "?person=nobody"));
    }
}
