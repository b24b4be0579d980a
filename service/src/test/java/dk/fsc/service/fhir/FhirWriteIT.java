package dk.fsc.service.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;

/** POST /fhir from a device signed in as itself, through the gateway's chain, on the real database. */
@MicronautTest(transactional = false)
class FhirWriteIT extends IntegrationTest {
    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    FhirContext fhir;

    private final Fixtures fixtures = new Fixtures();

    @Test
    void aBundlePostedTwiceIsStoredOnceAndEvaluated() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        String id = "tablet-" + runId;
        Bundle bundle = bundle(observation(id + "-1", "http://loinc.org", "2708-6", 88, "%"),
                bloodPressure(id + "-2", 132, 84));

        Bundle first = post(device, bundle);
        assertEquals(Bundle.BundleType.TRANSACTIONRESPONSE, first.getType());
        assertEquals(List.of("201 Created", "201 Created"), statuses(first));
        assertEquals(3, fixtures.count("SELECT count(*) FROM readings WHERE patient_id = ?", patient), "SpO2 and two pressures");
        assertEquals(1, fixtures.count("SELECT count(*) FROM readings WHERE patient_id = ? AND type = 'diastolic_bp' AND value = 84", patient));
        Eventually.await("a red SpO2 posted over FHIR raises an alert as one over MQTT does", Duration.ofSeconds(30),
                () -> fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ? AND severity = 'red'", patient) == 1);

        Bundle again = post(device, bundle);
        assertEquals(List.of("200 OK", "200 OK"), statuses(again));
        assertEquals(OperationOutcome.IssueType.DUPLICATE, ((OperationOutcome) again.getEntryFirstRep().getResponse().getOutcome())
                .getIssueFirstRep().getCode());
        assertEquals(3, fixtures.count("SELECT count(*) FROM readings WHERE patient_id = ?", patient), "nothing stored twice");
    }

    @Test
    void aBadEntryIsQuarantinedWithItsReasonWhileTheGoodAreStored() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        String id = "mixed-" + runId;
        Observation noIdentifier = observation(null, "http://loinc.org", "8867-4", 70, "/min");
        Bundle answer = post(device, bundle(observation(id + "-good", "http://loinc.org", "8867-4", 72, "/min"),
                observation(id + "-odd", "http://loinc.org", "0000-0", 1, "1"),
                observation(id + "-implausible", "urn:oid:1.2.208.176.2.1", "NPU03011", 300, "%"),
                noIdentifier));
        assertEquals(List.of("201 Created", "422 Unprocessable Entity", "422 Unprocessable Entity", "422 Unprocessable Entity"),
                statuses(answer));
        assertTrue(diagnostics(answer, 1).startsWith("UNKNOWN_TYPE"), diagnostics(answer, 1));
        assertTrue(diagnostics(answer, 2).startsWith("IMPLAUSIBLE_VALUE"), diagnostics(answer, 2));
        assertTrue(diagnostics(answer, 3).contains("identifier"), diagnostics(answer, 3));
        assertEquals(1, fixtures.count("SELECT count(*) FROM readings WHERE patient_id = ?", patient));
        assertEquals(3, fixtures.count("SELECT count(*) FROM quarantine WHERE device_id = ?", device), "each bad entry kept with its reason");
        assertEquals(1, fixtures.count("SELECT count(*) FROM quarantine WHERE device_id = ? AND code = 'UNKNOWN_TYPE' AND topic = 'fhir/Observation'",
                device));
    }

    @Test
    void onlyADeviceSignedInAsItselfMayPost() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        String body = fhir.newJsonParser().encodeResourceToString(bundle(observation("x-" + runId, "http://loinc.org", "8867-4", 70, "/min")));
        Api nurse = new Api(http, fixtures.nurse(org));
        for (MutableHttpRequest<String> request : List.of(HttpRequest.POST("/fhir", body).bearerAuth(nurse.token()),
                HttpRequest.POST("/fhir", body).basicAuth(device, "wrong"), HttpRequest.POST("/fhir", body))) {
            HttpClientResponseException e = assertThrows(HttpClientResponseException.class,
                    () -> http.toBlocking().exchange(request.contentType("application/fhir+json"), String.class));
            assertEquals(401, e.getStatus().getCode());
            OperationOutcome outcome = fhir.newJsonParser().parseResource(OperationOutcome.class, e.getResponse().getBody(String.class).orElseThrow());
            assertEquals(OperationOutcome.IssueType.LOGIN, outcome.getIssueFirstRep().getCode());
        }
        assertEquals(0, fixtures.count("SELECT count(*) FROM readings WHERE patient_id = ?", patient));
        // Guessing: after five wrong passwords in a row the account is locked, the right one included.
        for (int i = 0; i < 4; i++) {
            assertEquals(401, statusOf(HttpRequest.POST("/fhir", body).basicAuth(device, "guess-" + i)));
        }
        assertEquals(429, statusOf(HttpRequest.POST("/fhir", body).basicAuth(device, "pw-" + device)));
        fixtures.update("DELETE FROM login_failures WHERE username = ?", "device:" + device);
        HttpClientResponseException notFhir = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().exchange(
                HttpRequest.POST("/fhir", "{\"resourceType\": \"Bundle\", \"type\": ").basicAuth(device, "pw-" + device)
                        .contentType("application/fhir+json"), String.class));
        assertEquals(400, notFhir.getStatus().getCode());
        assertEquals(1, fixtures.count("SELECT count(*) FROM quarantine WHERE device_id = ? AND code = 'MALFORMED_JSON'", device),
                "the unreadable body is kept");
    }

    @Test
    void theSampleBundleOfTheDocsIsTaken() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        String sample = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/samples/fhir-bundle.json"))
                // With its seconds always: toString() leaves out ":00", which FHIR's dateTime refuses (the test failed whenever the second was 0).
                .replaceAll("2026-12-01T08:3(\\d):00\\+01:00", java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusHours(1)
                        .format(java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx")))
                .replace("6f1c1c9e-4a53", runId + "-4a53").replace("0b7f3a2e-8d51", runId + "-8d51");
        Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class, sample);
        assertEquals(List.of(), FhirValidation.errors(fhir, bundle), "the sample is valid FHIR");
        assertEquals(List.of("201 Created", "201 Created"), statuses(post(device, bundle)));
        assertEquals(3, fixtures.count("SELECT count(*) FROM readings WHERE patient_id = ?", patient));
    }

    private int statusOf(MutableHttpRequest<String> request) {
        return assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(request.contentType("application/fhir+json"), String.class)).getStatus().getCode();
    }

    private Bundle post(String device, Bundle bundle) {
        HttpResponse<String> response = http.toBlocking().exchange(HttpRequest.POST("/fhir", fhir.newJsonParser().encodeResourceToString(bundle))
                .basicAuth(device, "pw-" + device).contentType("application/fhir+json"), String.class);
        Bundle answer = fhir.newJsonParser().parseResource(Bundle.class, response.body());
        assertEquals(List.of(), FhirValidation.errors(fhir, answer));
        return answer;
    }

    private static Bundle bundle(Observation... observations) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Observation o : observations) {
            bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(o).getRequest()
                    .setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        }
        return bundle;
    }

    private static Observation observation(String identifier, String system, String code, double value, String unit) {
        Observation o = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        if (identifier != null) {
            o.addIdentifier().setSystem("urn:ietf:rfc:3986").setValue(identifier);
        }
        o.setCode(new CodeableConcept().addCoding(new Coding(system, code, null)));
        o.setEffective(new DateTimeType(Date.from(Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS))));
        o.setValue(new Quantity().setValue(BigDecimal.valueOf(value)).setSystem("http://unitsofmeasure.org").setCode(unit));
        return o;
    }

    private static Observation bloodPressure(String identifier, double systolic, double diastolic) {
        Observation o = observation(identifier, "http://loinc.org", "85354-9", 0, "mm[Hg]");
        o.setValue(null);
        o.addComponent().setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", "8480-6", null)))
                .setValue(new Quantity().setValue(BigDecimal.valueOf(systolic)).setCode("mm[Hg]"));
        o.addComponent().setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", "8462-4", null)))
                .setValue(new Quantity().setValue(BigDecimal.valueOf(diastolic)).setCode("mm[Hg]"));
        return o;
    }

    private static List<String> statuses(Bundle answer) {
        return answer.getEntry().stream().map(e -> e.getResponse().getStatus()).toList();
    }

    private static String diagnostics(Bundle answer, int entry) {
        return ((OperationOutcome) answer.getEntry().get(entry).getResponse().getOutcome()).getIssueFirstRep().getDiagnostics();
    }
}
