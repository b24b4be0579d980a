package dk.fsc.service.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@MicronautTest(transactional = false)
class OrganisationAlertSettingsIT extends IntegrationTest {
    @Inject
    @Client("/")
    HttpClient http;

    private final Fixtures fixtures = new Fixtures();

    @Test
    void anOrganisationsOwnPolicyDecidesTheColourAndIsStoredOnTheAlert() throws Exception {
        String org = fixtures.organisation();
        Api admin = new Api(http, fixtures.staff(org, "org_admin"));
        Api nurse = new Api(http, fixtures.nurse(org));
        assertEquals(403, nurse.statusOf(() -> nurse.put("/api/organisation/response-policy",
                Map.of("name", "x", "yellowFromTotal", 1, "redFromTotal", 2, "redOnSingleThree", true))));
        assertEquals(400, admin.statusOf(() -> admin.put("/api/organisation/response-policy",
                Map.of("name", "bad", "yellowFromTotal", 3, "redFromTotal", 2, "redOnSingleThree", true))));
        admin.put("/api/organisation/response-policy", Map.of("name", "strict-2026", "yellowFromTotal", 1, "redFromTotal", 2,
                "redOnSingleThree", true));
        UUID patient = fixtures.patient(org);

        nurse.post("/api/patients/" + patient + "/observations", Map.of("measuredAt", OffsetDateTime.now().minusMinutes(1).toString(),
                "observations", List.of(Map.of("type", "pulse", "value", 115, "unit", "/min"))));

        Eventually.await("a red TOBS alert under the strict policy", Duration.ofSeconds(20), () -> fixtures.count(
                "SELECT count(*) FROM alerts WHERE patient_id = ? AND kind = 'tobs' AND severity = 'red' AND policy = 'strict-2026'", patient) == 1);
        assertEquals("strict-2026", nurse.get("/api/organisation/response-policy").get("name"));
    }

    @Test
    void anOrganisationAdministratorSetsTheEscalationChain() {
        String org = fixtures.organisation();
        Api admin = new Api(http, fixtures.staff(org, "org_admin"));
        assertEquals(400, admin.statusOf(() -> admin.put("/api/organisation/escalation-chain",
                Map.of("levels", List.of(Map.of("level", 2, "name", "x", "delayMinutes", 5))))));
        admin.put("/api/organisation/escalation-chain", Map.of("levels", List.of(
                Map.of("level", 1, "name", "coordinator", "delayMinutes", 10),
                Map.of("level", 2, "name", "on-call doctor", "delayMinutes", 5))));
        Map<String, Object> chain = admin.get("/api/organisation/escalation-chain");
        assertTrue(chain.get("levels").toString().contains("on-call doctor"), chain.toString());
        assertEquals(2, fixtures.count("SELECT count(*) FROM escalation_levels WHERE organisation_id = ?", org));
    }
}
