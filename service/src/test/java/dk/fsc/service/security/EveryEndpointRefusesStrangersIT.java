package dk.fsc.service.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestCprs;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.security.annotation.Secured;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Walks every route of the API, found from the router (a new endpoint cannot be forgotten), with
 * a real record of organisation A in every path variable, as an anonymous caller and as staff of
 * organisation B (a clinician, the widest care role) and as FSC support (who never see clinical
 * data). Every answer must be a refusal, and the same refusal as for a record that does not exist,
 * so nobody learns whether organisation A's record is there. A route that takes a body gets a valid
 * one ({@link #bodies}), so the refusal comes from the organisation or role check and not from the
 * body's validation: a 400 to a stranger fails the test.
 */
@MicronautTest(transactional = false)
class EveryEndpointRefusesStrangersIT extends IntegrationTest {
    /** Routes anyone may call, on purpose. */
    private static final List<String> PUBLIC = List.of("/login", "/health", "/prometheus", "/fhir/metadata",
            "/fhir/Questionnaire", "/fhir/Questionnaire/{id}");
    /** Routes FSC staff use across organisations by design (logistics, operations: no clinical data). */
    private static final List<String> FSC_WIDE = List.of("/api/devices", "/api/quarantine", "/api/loans", "/api/tickets",
            "/api/catalogue", "/api/logistics", "/api/reports", "/fhir/Device");

    private final Fixtures fixtures = new Fixtures();

    /** Each caller asks every route twice: more than the per-account burst, which is not what this test is about. */
    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = super.getProperties();
        p.put("fsc.rate-limit.burst", "5000");
        return p;
    }

    @Inject
    Router router;

    @Inject
    @Client("/")
    HttpClient http;

    private record Target(String existing, String missing) {
    }

    /**
     * A valid body for every route that takes one ("METHOD template"), with organisation A's
     * records where a body names one; a route with a body missing here fails the test.
     */
    private static Map<String, Object> bodies(UUID patient, long alert, String device, String orgA) {
        Instant now = Instant.now();
        Map<String, Object> b = new HashMap<>();
        b.put("POST /api/patients", Map.of("displayName", "Stranger Test", "cpr", TestCprs.next()));
        b.put("POST /api/patients/search", Map.of("cpr", TestCprs.next()));
        b.put("PUT /api/patients/{patientId}/contact", Map.of("address", "Testvej 1, 8000 Aarhus C", "phone", "+45 12 34 56 78"));
        b.put("POST /api/patients/{patientId}/observations", Map.of("measuredAt", now.toString(),
                "observations", List.of(Map.of("type", "spo2", "value", 95, "unit", "%"))));
        b.put("PUT /api/patients/{patientId}/thresholds/{type}", Map.of("redLow", 85, "reason", "test"));
        b.put("POST /api/patients/{patientId}/thresholds/{type}/reset", Map.of("reason", "test"));
        b.put("PUT /api/patients/{patientId}/monitoring", Map.of("spo2Target88To92", false, "schedule", "weekly"));
        b.put("POST /api/patients/{patientId}/monitoring/pauses", Map.of("from", now.toString(),
                "to", now.plusSeconds(86400).toString(), "reason", "admitted"));
        // Not staff's: an anonymous caller without the broker's token gets 401 like everywhere else.
        b.put("POST /api/broker/login", Map.of("username", device, "password", "pw-" + device, "clientid", device));
        b.put("POST /api/alerts/{id}/acknowledge", Map.of("note", "seen"));
        b.put("POST /api/alerts/{id}/resolve", Map.of("outcome", "called the citizen"));
        b.put("POST /api/alerts/{id}/assign", Map.of("assignee", "someone"));
        b.put("POST /api/alerts/{id}/comments", Map.of("text", "a comment"));
        b.put("POST /api/alerts/acknowledge", Map.of("ids", List.of(alert)));
        b.put("PUT /api/organisation/response-policy", Map.of("name", "test", "yellowFromTotal", 3, "redFromTotal", 5,
                "redOnSingleThree", true));
        b.put("PUT /api/organisation/escalation-chain", Map.of("levels", List.of(Map.of("level", 1, "name", "on call",
                "delayMinutes", 15))));
        b.put("POST /api/devices", Map.of("id", "TEST-STRANGER", "deviceType", "pulse_oximeter"));
        b.put("POST /api/devices/{id}/retire", Map.of("reason", "broken"));
        b.put("PUT /api/devices/{id}/inventory", Map.of("assetTag", "A-1"));
        b.put("POST /api/devices/{id}/transitions", Map.of("to", "in_repair", "reason", "test"));
        b.put("PUT /api/catalogue/device-types/{code}", Map.of("name", "Pulse oximeter", "measurementTypes", List.of("spo2"),
                "lendingSector", "municipality"));
        b.put("POST /api/catalogue/models", Map.of("id", "test-model", "deviceType", "pulse_oximeter", "manufacturer", "Test",
                "name", "Test 1"));
        b.put("POST /api/loans", Map.of("deviceId", device, "patientId", patient.toString(), "organisationId", orgA));
        b.put("POST /api/loans/{id}/cancel", Map.of("reason", "test"));
        b.put("POST /api/loans/{id}/handover", Map.of("acceptedBy", "the citizen"));
        b.put("POST /api/loans/{id}/request-return", Map.of("reason", "discharged"));
        b.put("POST /api/loans/{id}/end", Map.of("outcome", "returned", "reason", "discharged"));
        b.put("POST /api/tickets", Map.of("title", "t", "urgency", 3, "impact", 3, "organisationId", orgA, "patientId", patient.toString()));
        b.put("POST /api/tickets/{id}/state", Map.of("to", "assigned", "assignee", "someone"));
        b.put("POST /api/tickets/{id}/comments", Map.of("text", "a comment"));
        b.put("POST /api/quarantine/replay", Map.of("deviceId", device));
        b.put("POST /api/patients/{patientId}/wounds", Map.of("woundType", "other", "bodySite", "left heel"));
        b.put("PUT /api/wounds/{woundId}", Map.of("status", "healing"));
        b.put("POST /api/wounds/{woundId}/measurements", Map.of("lengthCm", 2.5));
        try { // the one multipart route: a real photo, so only the caller decides the answer
            b.put("POST /api/wounds/{woundId}/photos", io.micronaut.http.client.multipart.MultipartBody.builder()
                    .addPart("file", "w.jpg", MediaType.IMAGE_JPEG_TYPE, dk.fsc.gateway.photos.TestImages.jpegWithExif(16, 12)).build());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        b.put("POST /api/patients/{patientId}/wound-consent", Map.of("how", "oral"));
        b.put("POST /api/wounds/{woundId}/referrals", Map.of("clinicId", "no-such-clinic", "question", "please assess"));
        b.put("POST /api/referrals/{referralId}/assessments", Map.of("assessment", "a", "treatmentPlan", "p"));
        b.put("POST /api/referrals/{referralId}/ask-again", Map.of("question", "again"));
        b.put("POST /api/referrals/{referralId}/close", Map.of("reason", "healed"));
        b.put("POST /fhir", Map.of("resourceType", "Bundle", "type", "batch")); // a device's own sign-in: every staff token is 401
        return b;
    }

    private static boolean takesBody(UriRouteInfo<?, ?> route) {
        return Arrays.stream(route.getTargetMethod().getArguments()).anyMatch(a -> a.getAnnotationMetadata().hasAnnotation(Body.class));
    }

    @Test
    void everyRouteStatesWhoMayCallIt() {
        List<String> unstated = routes().stream()
                .filter(r -> !PUBLIC.contains(r.getUriMatchTemplate().toString()))
                .filter(r -> !r.getTargetMethod().getAnnotationMetadata().hasAnnotation(Secured.class))
                .map(r -> r.getHttpMethod() + " " + r.getUriMatchTemplate()).toList();
        assertTrue(unstated.isEmpty(), "routes without @Secured: " + unstated);
    }

    @Test
    void strangersAreRefusedEverywhereWithoutLearningWhatExists() {
        String orgA = fixtures.organisation();
        UUID patient = fixtures.patient(orgA);
        String device = fixtures.deviceOnLoanTo(patient, orgA);
        long alert = fixtures.longValue("""
                INSERT INTO alerts (patient_id, organisation_id, kind, severity, summary) VALUES (?, ?, 'tobs', 'red', 'test')
                RETURNING id""", patient, orgA);
        UUID photo = UUID.randomUUID();
        fixtures.update("""
                INSERT INTO photos (id, device_id, message_id, patient_id, taken_at, wound_id, wound_type, body_site, content_type,
                                    sha256, size_bytes) VALUES (?, ?, 'p-1', ?, now(), 'w', 'other', 'leg', 'image/jpeg', ?, 1)""",
                photo, device, patient, "0".repeat(64));
        long quarantined = fixtures.longValue("""
                INSERT INTO quarantine (topic, device_id, code, detail, payload) VALUES ('fsc/v1/devices/x/readings', ?, 'MALFORMED_JSON', 'x', '\\x7b')
                RETURNING id""", device);

        fixtures.update("INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value) "
                + "VALUES (?, 'r-1', 0, now() - interval '1 hour', ?, 'pulse', 70)", device, patient);
        String ownSearch = call(HttpMethod.GET, "/fhir/Observation?patient=" + patient, token(fixtures.nurse(orgA)), null).body;
        java.util.regex.Matcher observationId = java.util.regex.Pattern.compile("\"resourceType\":\"Observation\",\"id\":\"([^\"]+)\"")
                .matcher(ownSearch);
        assertTrue(observationId.find(), ownSearch);
        String observation = observationId.group(1);
        fixtures.update("""
                INSERT INTO questionnaire_answers (device_id, message_id, seq, answered_at, patient_id, questionnaire, version, item, answer,
                                                   points, severity) VALUES (?, 'q-1', 0, now() - interval '1 hour', ?, 'copd_diary', '1',
                                                   'fever', 'no', 0, 'green')""", device, patient);
        String ownResponses = call(HttpMethod.GET, "/fhir/QuestionnaireResponse?patient=" + patient, token(fixtures.nurse(orgA)), null).body;
        java.util.regex.Matcher responseId = java.util.regex.Pattern.compile("\"resourceType\":\"QuestionnaireResponse\",\"id\":\"([^\"]+)\"")
                .matcher(ownResponses);
        assertTrue(responseId.find(), ownResponses);
        String response = responseId.group(1);
        // A wound of the photo above (key 'w'), the citizen's consent and an open referral to a hospital clinic of its own.
        String clinic = fixtures.organisation("hospital");
        UUID wound = UUID.fromString(fixtures.text("""
                INSERT INTO wounds (patient_id, wound_key, wound_type, body_site, created_by) VALUES (?, 'w', 'other', 'leg', 'test')
                RETURNING id::text""", patient));
        fixtures.update("INSERT INTO wound_consents (patient_id, given_at, how, recorded_by) VALUES (?, now(), 'oral', 'test')", patient);
        UUID referral = UUID.fromString(fixtures.text("""
                INSERT INTO wound_referrals (wound_id, patient_id, referring_organisation_id, clinic_id, question, referred_by, answer_due)
                VALUES (?, ?, ?, ?, 'q', 'test', now() + interval '1 day') RETURNING id::text""", wound, patient, orgA, clinic));
        long assessment = fixtures.longValue("""
                INSERT INTO wound_assessments (referral_id, specialist, assessment, treatment_plan) VALUES (?, 'test', 'a', 'p') RETURNING id""",
                referral);
        UUID loan = UUID.fromString(fixtures.text("SELECT id::text FROM loans WHERE device_id = ?", device));
        long ticket = fixtures.longValue("""
                INSERT INTO tickets (title, urgency, impact, priority, organisation_id, device_id, patient_id, calendar, own_target_s,
                                     resolve_target_s, created_by) VALUES ('t', 3, 3, 3, ?, ?, ?, 'business', 1, 1, 'test') RETURNING id""",
                orgA, device, patient);
        long pause = fixtures.longValue("""
                INSERT INTO monitoring_pauses (patient_id, starts_at, ends_at, reason, created_by)
                VALUES (?, now(), now() + interval '1 day', 'admitted', 'test') RETURNING id""", patient);
        String orgB = fixtures.organisation();
        String clinicianB = token(fixtures.staff(orgB, "clinician"));
        String support = token(fixtures.staff(orgB, "fsc_support"));
        String specialist = token(fixtures.staff(fixtures.organisation("hospital"), "wound_specialist")); // of a clinic nothing is referred to

        Map<String, Object> bodies = bodies(patient, alert, device, orgA);
        List<String> problems = new ArrayList<>();
        int walked = 0;
        int withBody = 0;
        for (UriRouteInfo<?, ?> route : routes()) {
            String template = route.getUriMatchTemplate().toString();
            if (PUBLIC.contains(template)) {
                continue;
            }
            walked++;
            HttpMethod method = route.getHttpMethod();
            Target path = fill(template, patient, alert, photo, device, quarantined, loan, ticket, observation, response, wound, referral,
                    assessment, pause);
            Object body = bodies.get(method + " " + template);
            if (takesBody(route)) {
                withBody++;
                if (body == null) {
                    problems.add(method + " " + template + " takes a body this test does not know yet: add a valid one to bodies()");
                    continue;
                }
            }
            int anonymous = call(method, path.existing(), null, body).status;
            if (anonymous != 401) {
                problems.add(method + " " + template + " anonymous: " + anonymous + " instead of 401");
            }
            boolean hasRecord = !path.existing().equals(path.missing());
            boolean fscWide = FSC_WIDE.stream().anyMatch(template::startsWith);
            if (!hasRecord && !fscWide) {
                continue; // the caller's own organisation's list, settings or stream: theirs to see
            }
            for (String[] caller : new String[][] {{"clinician of another organisation", clinicianB}, {"FSC support", support},
                    {"wound specialist of another clinic", specialist}}) {
                if (fscWide && caller[1].equals(support)) {
                    continue; // their own work
                }
                Answer existing = call(method, path.existing(), caller[1], body);
                Answer missing = call(method, path.missing(), caller[1], body);
                if (existing.status == 400 || missing.status == 400) {
                    problems.add(method + " " + template + " as " + caller[0] + ": 400 (" + existing.body + ") before the refusal;"
                            + " the body in bodies() is not valid for this route");
                    continue;
                }
                if (hasRecord) {
                    if (existing.status < 400) {
                        problems.add(method + " " + template + " as " + caller[0] + ": " + existing.status + " on A's record");
                    }
                    String a = normalised(existing.body, path.existing());
                    String b = normalised(missing.body, path.missing());
                    if (existing.status != missing.status || !a.equals(b)) {
                        problems.add(method + " " + template + " as " + caller[0] + " tells existing (" + existing.status + " "
                                + existing.body + ") from missing (" + missing.status + " " + missing.body + ")");
                    }
                } else if (fscWide && existing.status != 403) {
                    problems.add(method + " " + template + " as " + caller[0] + ": " + existing.status + " instead of 403");
                }
            }
        }
        assertTrue(walked >= 30, "the router listed only " + walked + " routes");
        assertTrue(withBody >= 30, "only " + withBody + " routes found that take a body");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private List<UriRouteInfo<?, ?>> routes() {
        return router.uriRoutes().filter(r -> {
            String t = r.getUriMatchTemplate().toString();
            return t.startsWith("/api") || t.startsWith("/fhir") || PUBLIC.contains(t);
        }).toList();
    }

    /** The path with A's records, and the same path with records that do not exist. */
    private static Target fill(String template, UUID patient, long alert, UUID photo, String device, long quarantined, UUID loan, long ticket,
                               String observation, String response, UUID wound, UUID referral, long assessment, long pause) {
        String existing = template;
        String missing = template;
        String other = UUID.randomUUID().toString();
        if (template.equals("/fhir/Observation") || template.equals("/fhir/Media") || template.equals("/fhir/DetectedIssue")
                || template.equals("/fhir/QuestionnaireResponse") || template.equals("/fhir/ClinicalImpression")) {
            existing += "?patient=" + patient; // a search names its patient in the query
            missing += "?patient=" + other;
        } else if (template.startsWith("/fhir/Patient/")) {
            existing = existing.replace("{id}", patient.toString());
            missing = missing.replace("{id}", other);
        } else if (template.startsWith("/fhir/Observation/")) {
            existing = existing.replace("{id}", observation);
            missing = missing.replace("{id}", other.replace("-", "") + "-1-00000000");
        } else if (template.startsWith("/fhir/QuestionnaireResponse/")) {
            existing = existing.replace("{id}", response);
            missing = missing.replace("{id}", other.replace("-", "") + "-1-00000000");
        } else if (template.startsWith("/fhir/Media/")) {
            existing = existing.replace("{id}", photo.toString());
            missing = missing.replace("{id}", other);
        } else if (template.startsWith("/fhir/ClinicalImpression/")) {
            existing = existing.replace("{id}", "wa-" + assessment);
            missing = missing.replace("{id}", "wa-987654321");
        } else if (template.startsWith("/fhir/DetectedIssue/")) {
            existing = existing.replace("{id}", String.valueOf(alert));
            missing = missing.replace("{id}", "987654321");
        } else if (template.startsWith("/fhir/Device/")) {
            existing = existing.replace("{id}", device);
            missing = missing.replace("{id}", "NO-SUCH-DEVICE");
        }
        existing = existing.replace("{patientId}", patient.toString());
        missing = missing.replace("{patientId}", other);
        existing = existing.replace("{photoId}", photo.toString());
        missing = missing.replace("{photoId}", other);
        existing = existing.replace("{woundId}", wound.toString());
        missing = missing.replace("{woundId}", other);
        existing = existing.replace("{referralId}", referral.toString());
        missing = missing.replace("{referralId}", other);
        existing = existing.replace("{pauseId}", String.valueOf(pause));
        missing = missing.replace("{pauseId}", "987654321");
        existing = existing.replace("{type}", "spo2");
        existing = existing.replace("{code}", "pulse_oximeter");
        missing = missing.replace("{code}", "pulse_oximeter");
        missing = missing.replace("{type}", "spo2");
        if (template.startsWith("/api/alerts/")) {
            existing = existing.replace("{id}", String.valueOf(alert));
            missing = missing.replace("{id}", "987654321");
        } else if (template.startsWith("/api/devices/")) {
            existing = existing.replace("{id}", device);
            missing = missing.replace("{id}", "NO-SUCH-DEVICE");
        } else if (template.startsWith("/api/loans/")) {
            existing = existing.replace("{id}", loan.toString());
            missing = missing.replace("{id}", other);
        } else if (template.startsWith("/api/tickets/")) {
            existing = existing.replace("{id}", String.valueOf(ticket));
            missing = missing.replace("{id}", "987654321");
        } else if (template.startsWith("/api/quarantine/")) {
            existing = existing.replace("{id}", String.valueOf(quarantined));
            missing = missing.replace("{id}", "987654321");
        }
        assertFalse(existing.contains("{"), "a path variable this test does not know yet: " + template);
        return new Target(existing, missing);
    }

    /** The answer with the record's id (and path) in its message replaced, so two answers can be compared. */
    private static String normalised(String body, String path) {
        String id = java.util.regex.Pattern.quote(idIn(path));
        return body.replace(path, "{path}").replaceAll("(\"(?:detail|diagnostics)\":\"[^\"]*?)\\b" + id + "\\b", "$1{id}");
    }

    /** The record id in a path (the segment that is a UUID, a number or a device id), for comparing messages. */
    private static String idIn(String path) {
        for (String segment : path.split("[/?=&]")) {
            if (segment.matches("[0-9a-f-]{36}|[0-9]+|wa-[0-9]+|NO-SUCH-DEVICE|TEST-[A-Z0-9]+|[0-9a-f]{32}-[0-9a-f]+-[0-9a-f]{8}")) {
                return segment;
            }
        }
        return "\u0000";
    }

    private record Answer(int status, String body) {
    }

    private Answer call(HttpMethod method, String path, String token, Object sent) {
        MutableHttpRequest<Object> request = HttpRequest.create(method, path);
        if (sent instanceof io.micronaut.http.client.multipart.MultipartBody multipart) {
            request.body(multipart).contentType(MediaType.MULTIPART_FORM_DATA_TYPE);
        } else if (method == HttpMethod.POST || method == HttpMethod.PUT) {
            request.body(sent == null ? Map.of() : sent).contentType(MediaType.APPLICATION_JSON_TYPE);
        }
        if (token != null) {
            request.bearerAuth(token);
        }
        try {
            HttpResponse<String> response = http.toBlocking().exchange(request, String.class);
            return new Answer(response.code(), response.getBody().orElse(""));
        } catch (HttpClientResponseException e) {
            String body = e.getResponse().getBody(String.class).orElse("");
            // The problem's "instance" is the request path; compare the rest.
            return new Answer(e.getStatus().getCode(), body.replaceAll("\"instance\":\"[^\"]*\"", ""));
        }
    }

    private String token(Fixtures.Login login) {
        HttpResponse<Map> response = http.toBlocking().exchange(
                HttpRequest.POST("/login", Map.of("username", login.username(), "password", login.password())), Map.class);
        return (String) response.body().get("access_token");
    }
}
