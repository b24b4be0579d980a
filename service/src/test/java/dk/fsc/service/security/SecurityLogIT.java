package dk.fsc.service.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dk.fsc.service.audit.SecurityLog;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A refused attempt on another organisation's patient (or on an id that is no patient) leaves a
 * trace an administrator can read: who, which organisation, which patient id and route, when, how
 * many. Not in the citizen's access log, whose data was not shown.
 */
@MicronautTest(transactional = false)
class SecurityLogIT extends IntegrationTest {
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    @Test
    void refusedAttemptsOnAnotherOrganisationsPatientAreInTheSecurityLog() {
        String orgA = fixtures.organisation();
        String orgB = fixtures.organisation();
        UUID patientA = fixtures.patient(orgA);
        UUID noPatient = UUID.randomUUID();
        Fixtures.Login prober = fixtures.staff(orgB, "clinician");
        Api clinicianB = new Api(http, prober);
        ListAppender<ILoggingEvent> lines = listen();

        assertEquals(404, clinicianB.statusOf(() -> clinicianB.get("/api/patients/" + patientA)));
        assertEquals(404, clinicianB.statusOf(() -> clinicianB.get("/api/patients/" + patientA + "/readings")));
        assertEquals(404, clinicianB.statusOf(() -> clinicianB.get("/api/patients/" + noPatient + "/early-warning")));

        Api adminA = new Api(http, fixtures.staff(orgA, "org_admin"));
        List<Map<String, Object>> seenByA = adminA.getList("/api/security-log");
        assertEquals(2, seenByA.size(), "the attempts on A's patient: " + seenByA);
        Map<String, Object> newest = seenByA.get(0);
        assertEquals(prober.username(), newest.get("username"));
        assertEquals(orgB, newest.get("organisationId"));
        assertEquals("clinician", newest.get("role"));
        assertEquals(patientA.toString(), newest.get("patientId"));
        assertEquals(orgA, newest.get("patientOrganisationId"));
        assertEquals("GET", newest.get("method"));
        assertEquals("/api/patients/" + patientA + "/readings", newest.get("route"));
        assertTrue(newest.containsKey("at"));

        Api adminB = new Api(http, fixtures.staff(orgB, "org_admin"));
        List<Map<String, Object>> seenByB = adminB.getList("/api/security-log");
        assertEquals(3, seenByB.size(), "every attempt of B's own staff: " + seenByB);
        assertTrue(seenByB.stream().allMatch(l -> l.get("patientOrganisationId") == null),
                "B is not told which organisation has the patient: " + seenByB);
        List<Map<String, Object>> counts = adminB.getList("/api/security-log/counts");
        assertEquals(1, counts.size(), counts.toString());
        assertEquals(prober.username(), counts.get(0).get("username"));
        assertEquals(3, ((Number) counts.get(0).get("attempts")).intValue());
        assertEquals(2, ((Number) counts.get(0).get("patients")).intValue());

        Api adminC = new Api(http, fixtures.staff(fixtures.organisation(), "org_admin"));
        assertEquals(List.of(), adminC.getList("/api/security-log"), "a third organisation sees nothing of it");
        Api fscAdmin = new Api(http, fixtures.staff(fixtures.organisation("fsc"), "fsc_admin"));
        List<Map<String, Object>> seenByFsc = fscAdmin.getList("/api/security-log?username=" + prober.username());
        assertEquals(3, seenByFsc.size(), seenByFsc.toString());
        assertNull(seenByFsc.get(0).get("patientOrganisationId"), "the newest: the id that is no patient");
        assertEquals(noPatient.toString(), seenByFsc.get(0).get("patientId"));
        assertEquals(orgA, seenByFsc.get(1).get("patientOrganisationId"));

        assertEquals(0, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND username = ?", patientA,
                prober.username()), "nothing of the citizen was shown: not in their access log");
        List<String> logged = lines.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains(prober.username())).toList();
        assertEquals(3, logged.size(), logged.toString());
        assertTrue(logged.get(0).contains(patientA.toString()) && logged.get(0).contains(orgB), logged.get(0));
    }

    @Test
    void onlyAdministratorsReadTheSecurityLogAndNobodyRewritesIt() {
        String org = fixtures.organisation();
        for (String role : List.of("nurse", "clinician", "fsc_support")) {
            Api caller = new Api(http, fixtures.staff(org, role));
            assertEquals(403, caller.statusOf(() -> caller.getList("/api/security-log")), role);
        }
        Fixtures.Login nurse = fixtures.nurse(org);
        Api asNurse = new Api(http, nurse);
        assertEquals(404, asNurse.statusOf(() -> asNurse.get("/api/patients/" + UUID.randomUUID())));
        Throwable deleted = assertThrows(RuntimeException.class,
                () -> fixtures.update("DELETE FROM security_log WHERE username = ?", nurse.username()));
        assertTrue(deleted.getMessage().contains("append-only"), deleted.getMessage());
        assertEquals(1, fixtures.count("SELECT count(*) FROM security_log WHERE username = ?", nurse.username()));
    }

    private static ListAppender<ILoggingEvent> listen() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(SecurityLog.class)).addAppender(appender);
        return appender;
    }
}
