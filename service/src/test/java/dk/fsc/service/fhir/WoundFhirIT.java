package dk.fsc.service.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import dk.fsc.gateway.photos.TestImages;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ClinicalImpression;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** A wound's measurement and its assessment in the patient's FHIR export, valid against base R4. */
@MicronautTest(transactional = false)
class WoundFhirIT extends IntegrationTest {
    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    FhirContext fhir;

    private final Fixtures fixtures = new Fixtures();

    @Test
    void aWoundMeasurementIsAnObservationWithComponentsAndTheAssessmentAClinicalImpression() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String camera = fixtures.deviceOnLoanTo(patient, org);
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), camera)) {
            d.publishPhoto(TestDevice.photo("fhir-wound-1", "image/jpeg", TestImages.jpegWithExif(64, 48)));
            assertNotNull(d.nextReply(Duration.ofSeconds(20)));
        }
        Api nurse = new Api(http, fixtures.nurse(org));
        String wound = (String) nurse.getList("/api/patients/" + patient + "/wounds").get(0).get("id");
        nurse.post("/api/patients/" + patient + "/wound-consent", Map.of("how", "oral"));
        String clinic = fixtures.organisation("hospital");
        Api specialist = new Api(http, fixtures.staff(clinic, "wound_specialist")); // a clinic is one with a specialist
        Map<String, Object> referral = nurse.post("/api/wounds/" + wound + "/referrals", Map.of("clinicId", clinic, "question", "q"));
        specialist.post("/api/referrals/" + referral.get("id") + "/assessments", Map.of("assessment", "Clean edges",
                "classification", "venous, C6", "treatmentPlan", "Compression"));

        Bundle export = fhir.newJsonParser().parseResource(Bundle.class, http.toBlocking().retrieve(
                HttpRequest.GET("/fhir/Patient/" + patient + "/$everything").bearerAuth(nurse.token()), String.class));
        List<Resource> resources = export.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
        Observation size = resources.stream().filter(r -> r instanceof Observation o && o.getCode().getCodingFirstRep().getCode().equals("72287-6"))
                .map(r -> (Observation) r).findFirst().orElseThrow(() -> new AssertionError("no wound measurement in " + resources));
        assertEquals(List.of("39126-8", "39125-0", "89260-4"),
                size.getComponent().stream().map(c -> c.getCode().getCodingFirstRep().getCode()).toList(),
                "length, width and the area calculated from them (the camera measured no depth)");
        assertEquals("cm2", size.getComponent().get(2).getValueQuantity().getCode());
        assertEquals(5.5, size.getComponent().get(2).getValueQuantity().getValue().doubleValue());
        assertTrue(size.getDerivedFromFirstRep().getReference().startsWith("Media/"), "derived from its photo");
        assertEquals(List.of(), FhirValidation.errors(fhir, size));
        ClinicalImpression assessment = resources.stream().filter(r -> r instanceof ClinicalImpression).map(r -> (ClinicalImpression) r)
                .findFirst().orElseThrow();
        assertEquals("Clean edges", assessment.getSummary());
        assertEquals("venous, C6", assessment.getFindingFirstRep().getItemCodeableConcept().getText());
        assertEquals(List.of(), FhirValidation.errors(fhir, assessment));
    }

    @Test
    void aWoundSpecialistReadsTheReferredWoundsMeasurementsPhotosAndAssessmentsOverFhirAndNothingElse() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String camera = fixtures.deviceOnLoanTo(patient, org);
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), camera)) {
            d.publishPhoto(TestDevice.photo("fhir-wound-2", "image/jpeg", TestImages.jpegWithExif(64, 48)));
            assertNotNull(d.nextReply(Duration.ofSeconds(20)));
        }
        Api nurse = new Api(http, fixtures.nurse(org));
        String wound = (String) nurse.getList("/api/patients/" + patient + "/wounds").get(0).get("id");
        Map<String, Object> other = nurse.post("/api/patients/" + patient + "/wounds", Map.of("woundType", "pressure_ulcer", "bodySite", "sacrum"));
        nurse.post("/api/wounds/" + other.get("id") + "/measurements", Map.of("lengthCm", 1.0, "widthCm", 1.0));
        nurse.post("/api/patients/" + patient + "/wound-consent", Map.of("how", "written"));
        String clinic = fixtures.organisation("hospital");
        Api specialist = new Api(http, fixtures.staff(clinic, "wound_specialist"));
        Api otherClinic = new Api(http, fixtures.staff(fixtures.organisation("hospital"), "wound_specialist"));
        assertEquals(404, status(specialist, "/fhir/Media?patient=" + patient), "nothing referred yet");
        Map<String, Object> referral = nurse.post("/api/wounds/" + wound + "/referrals", Map.of("clinicId", clinic, "question", "q"));
        specialist.post("/api/referrals/" + referral.get("id") + "/assessments", Map.of("assessment", "Granulating",
                "treatmentPlan", "Keep compression"));

        Bundle sizes = bundle(specialist, "/fhir/Observation?patient=" + patient + "&code=http://loinc.org%7C72287-6");
        assertEquals(1, sizes.getEntry().size(), "the referred wound's measurement, not the other wound's");
        Observation size = (Observation) sizes.getEntryFirstRep().getResource();
        assertEquals(List.of(), FhirValidation.errors(fhir, size));
        Observation read = fhir.newJsonParser().parseResource(Observation.class, http.toBlocking().retrieve(
                HttpRequest.GET("/fhir/Observation/" + size.getIdElement().getIdPart()).bearerAuth(specialist.token()), String.class));
        assertEquals(size.getComponent().size(), read.getComponent().size());
        assertEquals(2, bundle(nurse, "/fhir/Observation?patient=" + patient + "&code=72287-6").getEntry().size(), "the nurse sees both wounds");

        Bundle media = bundle(specialist, "/fhir/Media?patient=" + patient);
        assertEquals(1, media.getEntry().size());
        String url = ((org.hl7.fhir.r4.model.Media) media.getEntryFirstRep().getResource()).getContent().getUrl();
        assertTrue(url.contains("/api/wounds/" + wound + "/photos/"), "the image at the address a specialist may fetch: " + url);
        assertEquals(200, specialist.getBytes(url.substring(url.indexOf("/api/"))).getStatus().getCode());

        Bundle answers = bundle(specialist, "/fhir/ClinicalImpression?patient=" + patient);
        assertEquals(1, answers.getEntry().size());
        String assessmentId = answers.getEntryFirstRep().getResource().getIdElement().getIdPart();
        assertEquals(200, status(nurse, "/fhir/ClinicalImpression/" + assessmentId), "the referring nurse reads the answer");
        assertTrue(fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND role = 'wound_specialist' "
                + "AND action = 'read wound measurements (FHIR)' AND purpose = 'wound assessment'", patient) >= 1);

        // Nothing else of the citizen, and nothing for another clinic or after the referral closes.
        assertEquals(403, status(specialist, "/fhir/Patient/" + patient), "not the record");
        assertEquals(404, status(specialist, "/fhir/Observation?patient=" + patient), "not the readings");
        assertEquals(403, status(specialist, "/fhir/DetectedIssue?patient=" + patient), "not the alerts");
        assertEquals(404, status(otherClinic, "/fhir/Media?patient=" + patient));
        assertEquals(404, status(otherClinic, "/fhir/ClinicalImpression/" + assessmentId));
        assertEquals(404, status(otherClinic, "/fhir/Observation/" + size.getIdElement().getIdPart()));
        nurse.post("/api/referrals/" + referral.get("id") + "/close", Map.of("reason", "done"));
        assertEquals(404, status(specialist, "/fhir/Observation?patient=" + patient + "&code=http://loinc.org%7C72287-6"));
        assertEquals(404, status(specialist, "/fhir/ClinicalImpression/" + assessmentId));
        assertEquals(404, status(specialist, "/fhir/Media/" + url.replaceAll(".*/photos/([^/]+)/image", "$1")));
    }

    private Bundle bundle(Api who, String path) {
        return fhir.newJsonParser().parseResource(Bundle.class, http.toBlocking().retrieve(HttpRequest.GET(path).bearerAuth(who.token()), String.class));
    }

    private int status(Api who, String path) {
        return who.statusOf(() -> http.toBlocking().retrieve(HttpRequest.GET(path).bearerAuth(who.token()), String.class));
    }
}
