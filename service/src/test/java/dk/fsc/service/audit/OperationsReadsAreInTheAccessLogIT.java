package dk.fsc.service.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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

/**
 * FSC staff see some of a citizen's data while doing logistics and operations: the loan list
 * (citizen ids, shipping and pickup addresses) and each loan a change answers, the ticket list
 * (citizen ids) and each ticket a change answers, and a quarantined message's bytes (a citizen's
 * readings). Each is in the citizen's access log like any other read.
 */
@MicronautTest(transactional = false)
class OperationsReadsAreInTheAccessLogIT extends IntegrationTest {
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    @Test
    void theLoanListIsInTheAccessLogOfEveryCitizenItShows() {
        String org = fixtures.organisation();
        UUID first = fixtures.patient(org);
        UUID second = fixtures.patient(org);
        fixtures.deviceOnLoanTo(first, org);
        fixtures.deviceOnLoanTo(second, org);
        Fixtures.Login support = fixtures.staff(fixtures.organisation("fsc"), "fsc_support");

        UUID third = fixtures.patient(org);
        fixtures.deviceOnLoanTo(third, org);

        // In pages of two: the first with a link to the rest, the second the last. Each citizen is logged on the page that shows them,
        // not for the one more row read to know there is more.
        Api.Page page = new Api(http, support).getPage("/api/loans?organisation=" + org + "&limit=2");
        assertEquals(2, page.rows().size());
        assertEquals("/api/loans?organisation=" + org + "&limit=2&offset=2", page.next());
        Api.Page last = new Api(http, support).getPage(page.next());
        assertEquals(1, last.rows().size());
        assertNull(last.next(), "the last page links nowhere");
        List<Map<String, Object>> loans = new java.util.ArrayList<>(page.rows());
        loans.addAll(last.rows());
        assertEquals(java.util.Set.of(first.toString(), second.toString(), third.toString()),
                java.util.Set.copyOf(loans.stream().map(l -> (String) l.get("patientId")).toList()), "each loan once over the pages");
        assertEquals(400, new Api(http, support).statusOf(() -> new Api(http, support).getList("/api/loans?offset=-1")));

        for (UUID patient : new UUID[] {first, second, third}) {
            assertEquals(1, fixtures.count("""
                    SELECT count(*) FROM access_log WHERE patient_id = ? AND username = ? AND action = 'read loan list'
                       AND purpose = 'logistics'""", patient, support.username()));
        }
        // A change answers the loan with the citizen's id and addresses, as the list does: logged the same way.
        Map<String, Object> loan = loans.get(0);
        new Api(http, support).post("/api/loans/" + loan.get("id") + "/request-return", Map.of("reason", "discharged"));
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ?::uuid AND username = ? AND action = ?",
                loan.get("patientId"), support.username(), "request return of loan " + loan.get("id")));
    }

    @Test
    void theTicketListIsInTheAccessLogOfEveryCitizenItNames() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        for (UUID who : new UUID[] {patient, null}) {
            fixtures.update("""
                    INSERT INTO tickets (title, urgency, impact, priority, organisation_id, device_id, patient_id, calendar, own_target_s,
                                         resolve_target_s, created_by) VALUES ('t', 3, 3, 3, ?, ?, ?, 'business', 1, 1, 'test')""",
                    org, device, who);
        }
        Fixtures.Login support = fixtures.staff(fixtures.organisation("fsc"), "fsc_support");

        Api.Page page = new Api(http, support).getPage("/api/tickets?organisation=" + org + "&limit=1");
        Api.Page last = new Api(http, support).getPage(page.next());
        assertEquals(List.of(1, 1), List.of(page.rows().size(), last.rows().size()), "a ticket a page");
        assertNull(last.next());
        assertEquals(2, java.util.Set.of(page.rows().get(0).get("id"), last.rows().get(0).get("id")).size(), "two tickets, each once");

        assertEquals(1, fixtures.count("""
                SELECT count(*) FROM access_log WHERE patient_id = ? AND username = ? AND action = 'read ticket list'
                   AND purpose = 'support'""", patient, support.username()));
        // A change answers the whole ticket, the citizen named in it too: logged as a read is.
        long ticket = fixtures.longValue("SELECT id FROM tickets WHERE patient_id = ?", patient);
        new Api(http, support).post("/api/tickets/" + ticket + "/comments", Map.of("text", "called the citizen"));
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND username = ? AND action = ?",
                patient, support.username(), "comment on ticket " + ticket));
    }

    @Test
    void aQuarantinedMessagesBytesAreInTheAccessLogOfTheCitizenOfTheDevicesLoan() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        long id = fixtures.longValue("""
                INSERT INTO quarantine (topic, device_id, code, detail, payload) VALUES ('fsc/v1/devices/x/readings', ?, 'MALFORMED_JSON', 'x', '\\x7b')
                RETURNING id""", device);
        Fixtures.Login admin = fixtures.staff(fixtures.organisation("fsc"), "fsc_admin");

        assertEquals(1, new Api(http, admin).getBytes("/api/quarantine/" + id + "/payload").body().length);

        assertEquals(1, fixtures.count("""
                SELECT count(*) FROM access_log WHERE patient_id = ? AND username = ? AND action = ? AND purpose = 'operations'""",
                patient, admin.username(), "read quarantined message " + id));

        // The loan ended; the device then reserved for another citizen, the reservation's start passed but not shipped, and a
        // cancelled order: a message from now is still the first citizen's backlog (neither later loan reached the other).
        UUID next = fixtures.patient(org);
        fixtures.update("UPDATE loans SET status = 'ended', ends_at = now() WHERE device_id = ?", device);
        fixtures.update("""
                INSERT INTO loans (device_id, patient_id, organisation_id, status, starts_at, ends_at, due_on, created_by)
                VALUES (?, ?, ?, 'reserved', now() - interval '1 minute', NULL, danish_today() + 30, 'test'),
                       (?, ?, ?, 'cancelled', now() - interval '30 seconds', now() - interval '30 seconds', danish_today() + 30, 'test')""",
                device, next, org, device, next, org);
        long later = fixtures.longValue("""
                INSERT INTO quarantine (topic, device_id, code, detail, payload) VALUES ('fsc/v1/devices/x/readings', ?, 'MALFORMED_JSON', 'x', '\\x7b')
                RETURNING id""", device);
        new Api(http, admin).getBytes("/api/quarantine/" + later + "/payload");
        assertEquals(List.of(patient.toString()), fixtures.strings("SELECT patient_id::text FROM access_log WHERE action = ?",
                "read quarantined message " + later), "the citizen whose device it was, not the reservation's");
    }
}
