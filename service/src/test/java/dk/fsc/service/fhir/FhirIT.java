package dk.fsc.service.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import dk.fsc.gateway.photos.TestImages;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestCprs;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** The FHIR read API on the real database and broker, its resources checked by HAPI's validator. */
@MicronautTest(transactional = false)
class FhirIT extends IntegrationTest {
    private static final String NPU = "urn:oid:1.2.208.176.2.1";
    private static final String MEDCOM = "urn:oid:1.2.208.184.100.8";
    private static final String LOINC = "http://loinc.org";
    private static final String MDC = "urn:iso:std:iso:11073:10101";

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    FhirContext fhir;

    private final Fixtures fixtures = new Fixtures();

    @Test
    void aDeviceReadingComesBackAsValidObservationsWithAllThreeCodes() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        Api nurse = new Api(http, fixtures.nurse(org));
        OffsetDateTime measuredAt = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(2).truncatedTo(ChronoUnit.SECONDS);
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publishReading("""
                    {"messageId": "fhir-1", "measuredAt": "%s",
                     "observations": [{"type": "spo2", "value": 0.90, "unit": "1"},
                                      {"type": "systolic_bp", "value": 128, "unit": "mm[Hg]"},
                                      {"type": "pulse", "value": 120, "unit": "/min"},
                                      {"type": "diastolic_bp", "value": 84, "unit": "mm[Hg]"}]}""".formatted(measuredAt));
            String reply = d.nextReply(Duration.ofSeconds(20));
            assertNotNull(reply, "the device got no reply");
            assertTrue(reply.contains("accepted"), reply);
        }

        HttpResponse<String> response = get(nurse, "/fhir/Observation?patient=" + patient);
        assertEquals("application/fhir+json;charset=utf-8", response.getContentType().orElseThrow().toString());
        Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class, response.body());
        assertValid(bundle);
        assertEquals(Bundle.BundleType.SEARCHSET, bundle.getType());
        assertEquals(3, bundle.getEntry().size(), "SpO2, pulse, and one blood pressure with two components");

        Observation spo2 = byCode(bundle, "2708-6");
        assertEquals(Set.of(NPU + "|NPU03011", LOINC + "|2708-6", MDC + "|150456"), codings(spo2.getCode().getCoding()));
        assertEquals(90.0, spo2.getValueQuantity().getValue().doubleValue(), 1e-9, "a fraction is stored and shown as percent");
        assertEquals("%", spo2.getValueQuantity().getCode());
        assertEquals("http://unitsofmeasure.org", spo2.getValueQuantity().getSystem());
        assertEquals("Patient/" + patient, spo2.getSubject().getReference());
        assertEquals("Device/" + device, spo2.getDevice().getReference());
        assertEquals(measuredAt.toInstant(), spo2.getEffectiveDateTimeType().getValue().toInstant());
        assertEquals("vital-signs", spo2.getCategoryFirstRep().getCodingFirstRep().getCode());
        assertEquals("LL", spo2.getInterpretationFirstRep().getCodingFirstRep().getCode(), "SpO2 90 % is red (at or below 91)");
        assertEquals("H", byCode(bundle, "8867-4").getInterpretationFirstRep().getCodingFirstRep().getCode(), "pulse 120 is yellow high");

        Observation bp = byCode(bundle, "85354-9");
        assertEquals(2, bp.getComponent().size());
        Observation.ObservationComponentComponent systolic = bp.getComponent().stream()
                .filter(c -> codings(c.getCode().getCoding()).contains(LOINC + "|8480-6")).findFirst().orElseThrow();
        assertEquals(Set.of(MEDCOM + "|MCS88019", LOINC + "|8480-6", MDC + "|150021"), codings(systolic.getCode().getCoding()));
        assertEquals(128.0, systolic.getValueQuantity().getValue().doubleValue(), 1e-9);
        assertEquals("mm[Hg]", systolic.getValueQuantity().getCode());
        // Searched by one pressure's code: the whole panel, as reading it by id gives it.
        Bundle bySystolic = fhir.newJsonParser().parseResource(Bundle.class,
                get(nurse, "/fhir/Observation?patient=" + patient + "&code=" + LOINC + "%7C8480-6").body());
        assertEquals(1, bySystolic.getEntry().size());
        assertEquals(2, ((Observation) bySystolic.getEntryFirstRep().getResource()).getComponent().size(), "both components");
        assertValid(bySystolic);

        // Read by id: the same resource, as the search's fullUrl says.
        String id = spo2.getIdElement().getIdPart();
        assertTrue(bundle.getEntry().stream().anyMatch(e -> e.getFullUrl().endsWith("/fhir/Observation/" + id)));
        Observation read = fhir.newJsonParser().parseResource(Observation.class, get(nurse, "/fhir/Observation/" + id).body());
        assertValid(read);
        assertEquals(90.0, read.getValueQuantity().getValue().doubleValue(), 1e-9);
        assertEquals(id, read.getIdElement().getIdPart());
        Observation readBp = fhir.newJsonParser().parseResource(Observation.class,
                get(nurse, "/fhir/Observation/" + bp.getIdElement().getIdPart()).body());
        assertEquals(2, readBp.getComponent().size());

        assertEquals(4, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action LIKE '%(FHIR)'", patient),
                "the two searches and both reads are in the access log");
    }

    @Test
    void aSearchPagesByDateNewestFirstAndFiltersByCodeAndDate() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        Api nurse = new Api(http, fixtures.nurse(org));
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(10));
        // 10 pulse readings, one a day; and a temperature with each, in the same message
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                SELECT ?, 'day-' || i, s, CAST(? AS timestamptz) + i * interval '1 day', ?, t, v
                  FROM generate_series(0, 9) i,
                       (VALUES (0, 'pulse', 70.0), (1, 'temperature', 37.0)) AS x(s, t, v)""",
                device, Timestamp.from(start), patient);

        List<Observation> all = new ArrayList<>();
        String next = "/fhir/Observation?patient=Patient/" + patient + "&code=" + LOINC + "%7C8867-4&_count=3";
        int pages = 0;
        while (next != null) {
            Bundle page = fhir.newJsonParser().parseResource(Bundle.class, get(nurse, next).body());
            pages++;
            assertTrue(page.getEntry().size() <= 3, "a page holds at most _count entries");
            page.getEntry().forEach(e -> all.add((Observation) e.getResource()));
            Bundle.BundleLinkComponent link = page.getLink("next");
            next = link == null ? null : link.getUrl().substring(link.getUrl().indexOf("/fhir/"));
        }
        assertEquals(10, all.size(), "every pulse reading once over the pages");
        assertEquals(4, pages);
        assertEquals(10, all.stream().map(o -> o.getIdElement().getIdPart()).distinct().count());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i - 1).getEffectiveDateTimeType().getValue().after(all.get(i).getEffectiveDateTimeType().getValue()),
                    "newest first");
            assertEquals("8867-4", all.get(i).getCode().getCoding().get(1).getCode());
        }

        Instant from = start.plus(Duration.ofDays(2));
        Instant to = start.plus(Duration.ofDays(5));
        Bundle range = fhir.newJsonParser().parseResource(Bundle.class, get(nurse, "/fhir/Observation?patient=" + patient
                + "&date=ge" + from.atOffset(ZoneOffset.UTC) + "&date=lt" + to.atOffset(ZoneOffset.UTC) + "&_sort=date").body());
        assertEquals(6, range.getEntry().size(), "days 2, 3 and 4: a pulse and a temperature each");
        String unencodedPlus = "&date=ge" + from.atOffset(java.time.ZoneOffset.ofHours(1)).toString().replace("+", "%20");
        assertEquals(16, fhir.newJsonParser().parseResource(Bundle.class, get(nurse, "/fhir/Observation?patient=" + patient
                + unencodedPlus + "&_count=100").body()).getEntry().size(), "days 2 to 9, a '+' sent unencoded");
        Observation first = (Observation) range.getEntryFirstRep().getResource();
        assertEquals(from, first.getEffectiveDateTimeType().getValue().toInstant(), "oldest first with _sort=date");
        assertNull(range.getLink("next"));
        assertValid(range);

        // eq with the time an Observation shows (to the millisecond; stored to the microsecond) finds it: a time is as long as its precision.
        String shown = first.getEffectiveDateTimeType().getValueAsString();
        Bundle same = fhir.newJsonParser().parseResource(Bundle.class, get(nurse, "/fhir/Observation?patient=" + patient + "&date=eq"
                + java.net.URLEncoder.encode(shown, java.nio.charset.StandardCharsets.UTF_8)).body());
        assertTrue(same.getEntry().stream().anyMatch(e -> e.getResource().getIdElement().getIdPart().equals(first.getIdElement().getIdPart())),
                "date=eq" + shown + " finds the Observation showing it");

        // Asked for as XML, the next page is XML too: _format is kept in the links.
        Bundle xmlPage = fhir.newXmlParser().parseResource(Bundle.class, get(nurse, "/fhir/Observation?patient=" + patient + "&_count=3&_format=xml").body());
        assertTrue(xmlPage.getLink("next").getUrl().endsWith("&_format=xml"), xmlPage.getLink("next").getUrl());
        String xmlNext = xmlPage.getLink("next").getUrl();
        assertTrue(get(nurse, xmlNext.substring(xmlNext.indexOf("/fhir/"))).body().startsWith("<Bundle"));
        // A cursor tampered to a time the database cannot hold: 400, not 500.
        String far = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("-9223372036854775808|0|d|m".getBytes());
        assertTrue(diagnostics(refused(nurse, "/fhir/Observation?patient=" + patient + "&_cursor=" + far, 400)).contains("_cursor"));
    }

    @Test
    void theInterpretationUsesTheLimitsInForceWhenTheValueWasMeasured() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        Api nurse = new Api(http, fixtures.nurse(org));
        Instant before = Instant.now().minus(Duration.ofHours(5)).truncatedTo(ChronoUnit.SECONDS);
        Instant after = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                VALUES (?, 'before', 0, ?, ?, 'pulse', 120), (?, 'after', 0, ?, ?, 'pulse', 120)""",
                device, Timestamp.from(before), patient, device, Timestamp.from(after), patient);
        fixtures.update("""
                INSERT INTO threshold_changes (patient_id, type, red_high, yellow_high, yellow_low, red_low, reason, changed_by, changed_at)
                VALUES (?, 'pulse', 140, 125, 49, 39, 'atrial fibrillation, rate control', 'test', ?)""",
                patient, Timestamp.from(Instant.now().minus(Duration.ofHours(3))));

        Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class, get(nurse, "/fhir/Observation?patient=" + patient).body());
        assertEquals(2, bundle.getEntry().size());
        Observation newest = (Observation) bundle.getEntry().get(0).getResource();
        Observation oldest = (Observation) bundle.getEntry().get(1).getResource();
        assertEquals("N", newest.getInterpretationFirstRep().getCodingFirstRep().getCode(), "under the patient's own limit (125)");
        assertEquals("H", oldest.getInterpretationFirstRep().getCodingFirstRep().getCode(), "the programme's limit (110) was in force");
    }

    @Test
    void thePatientCarriesTheCprNumberAndXmlIsServedOnRequest() throws Exception {
        String org = fixtures.organisation();
        String cpr = TestCprs.next();
        UUID patient = fixtures.patient(org, cpr);
        Api nurse = new Api(http, fixtures.nurse(org));

        Patient json = fhir.newJsonParser().parseResource(Patient.class, get(nurse, "/fhir/Patient/" + patient).body());
        assertValid(json);
        assertEquals("urn:oid:1.2.208.176.1.2", json.getIdentifierFirstRep().getSystem());
        assertEquals(cpr, json.getIdentifierFirstRep().getValue());
        assertEquals("Test Patient", json.getNameFirstRep().getText());

        HttpResponse<String> xml = get(nurse, "/fhir/Patient/" + patient + "?_format=xml");
        assertEquals("application/fhir+xml;charset=utf-8", xml.getContentType().orElseThrow().toString());
        assertEquals(patient.toString(), fhir.newXmlParser().parseResource(Patient.class, xml.body()).getIdElement().getIdPart());
        // Unencoded, as a client pasting it sends it: the + arrives as a space.
        assertEquals("application/fhir+xml;charset=utf-8", get(nurse, "/fhir/Patient/" + patient + "?_format=application/fhir+xml")
                .getContentType().orElseThrow().toString());
        HttpResponse<String> byAccept = http.toBlocking().exchange(HttpRequest.GET("/fhir/Patient/" + patient)
                .bearerAuth(nurse.token()).header("Accept", "application/fhir+xml"), String.class);
        assertTrue(byAccept.body().startsWith("<Patient"), byAccept.body());
        HttpResponse<String> browser = http.toBlocking().exchange(HttpRequest.GET("/fhir/Patient/" + patient)
                .bearerAuth(nurse.token()).header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"), String.class);
        assertEquals("application/fhir+json;charset=utf-8", browser.getContentType().orElseThrow().toString(), "JSON unless asked otherwise");
        assertEquals(5, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'read patient record (FHIR)'",
                patient));
    }

    @Test
    void anotherOrganisationGetsNothingAndIsToldNotFound() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        fixtures.update("INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value) "
                + "VALUES (?, 'm', 0, now() - interval '1 hour', ?, 'pulse', 70)", device, patient);
        Api own = new Api(http, fixtures.nurse(org));
        Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class, get(own, "/fhir/Observation?patient=" + patient).body());
        String observationId = bundle.getEntryFirstRep().getResource().getIdElement().getIdPart();
        long logged = fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ?", patient);

        Api other = new Api(http, fixtures.nurse(fixtures.organisation()));
        for (String path : List.of("/fhir/Observation?patient=" + patient, "/fhir/Patient/" + patient,
                "/fhir/Observation/" + observationId, "/fhir/Device/" + device)) {
            OperationOutcome outcome = refused(other, path, 404);
            assertEquals(OperationOutcome.IssueType.NOTFOUND, outcome.getIssueFirstRep().getCode(), path);
        }
        assertEquals(logged, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ?", patient), "a refusal reads nothing");

        Api support = new Api(http, fixtures.staff(fixtures.organisation("fsc"), "fsc_support"));
        refused(support, "/fhir/Observation?patient=" + patient, 403);
        Device d = fhir.newJsonParser().parseResource(Device.class, get(support, "/fhir/Device/" + device).body());
        assertValid(d);
        assertEquals(device, d.getIdElement().getIdPart());
        Device ownView = fhir.newJsonParser().parseResource(Device.class, get(own, "/fhir/Device/" + device).body());
        assertNull(ownView.getPatient().getReference(), "a Device names no citizen");
    }

    @Test
    void badSearchesAreRefusedWithAnOperationOutcomeSayingWhatToFix() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        Api nurse = new Api(http, fixtures.nurse(org));
        assertTrue(diagnostics(refused(nurse, "/fhir/Observation?patient=" + patient + "&status=final", 400)).contains("status"));
        assertTrue(diagnostics(refused(nurse, "/fhir/Observation?patient=" + patient + "&date=yesterday", 400)).contains("2026-11-30"));
        assertTrue(diagnostics(refused(nurse, "/fhir/Observation?patient=" + patient + "&code=http://loinc.org%7C0000-0", 400))
                .contains("8867-4"));
        assertTrue(diagnostics(refused(nurse, "/fhir/Observation?code=8867-4", 400)).contains("patient"));
        assertTrue(diagnostics(refused(nurse, "/fhir/Observation?patient=" + patient + "&_count=5000", 400)).contains("_count"));
        assertTrue(diagnostics(refused(nurse, "/fhir/Patient/" + patient + "?_format=turtle", 400)).contains("json or xml"));
        assertTrue(diagnostics(refused(nurse, "/fhir/Encounter?patient=" + patient, 404)).contains("/fhir/metadata"));

        HttpClientResponseException anonymous = assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(HttpRequest.GET("/fhir/Observation?patient=" + patient), String.class));
        assertEquals(401, anonymous.getStatus().getCode());
        OperationOutcome login = fhir.newJsonParser().parseResource(OperationOutcome.class, anonymous.getResponse().getBody(String.class)
                .orElseThrow());
        assertEquals(OperationOutcome.IssueType.LOGIN, login.getIssueFirstRep().getCode());
        assertValid(login);
    }

    @Test
    void theCapabilityStatementIsOpenAndValidAndListsWhatIsServed() throws Exception {
        HttpResponse<String> response = http.toBlocking().exchange(HttpRequest.GET("/fhir/metadata"), String.class);
        CapabilityStatement cs = fhir.newJsonParser().parseResource(CapabilityStatement.class, response.body());
        assertValid(cs);
        assertEquals("4.0.1", cs.getFhirVersion().toCode());
        Set<String> types = new HashSet<>();
        cs.getRestFirstRep().getResource().forEach(r -> types.add(r.getType()));
        assertEquals(Set.of("Patient", "Observation", "Media", "DetectedIssue", "Device", "Questionnaire", "QuestionnaireResponse",
                "ClinicalImpression"), types);
        assertEquals(Set.of("transaction", "batch"), cs.getRestFirstRep().getInteraction().stream().map(i -> i.getCode().toCode())
                .collect(java.util.stream.Collectors.toSet()), "POST /fhir");
        assertFalse(cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Observation")).findFirst().orElseThrow()
                .getSearchParam().isEmpty());
    }

    @Test
    void aWoundPhotoIsMediaWithItsImageByReference() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        try (TestDevice camera = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            camera.publishPhoto(TestDevice.photo("fhir-photo", "image/jpeg", TestImages.jpegWithExif(64, 48)));
            String reply = camera.nextReply(Duration.ofSeconds(20));
            assertNotNull(reply, "the camera got no reply");
            assertTrue(reply.contains("accepted"), reply);
        }
        Api nurse = new Api(http, fixtures.nurse(org));
        String search = get(nurse, "/fhir/Media?patient=" + patient).body();
        Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class, search);
        assertValid(bundle);
        assertEquals(1, bundle.getEntry().size());
        Media media = (Media) bundle.getEntryFirstRep().getResource();
        assertEquals("left lower leg", media.getBodySite().getText());
        assertEquals("image/jpeg", media.getContent().getContentType());
        assertFalse(media.getContent().hasData(), "the image is never inline in a search");
        String url = media.getContent().getUrl();
        assertTrue(url.endsWith("/api/photos/" + media.getIdElement().getIdPart() + "/image"), url);
        assertEquals(200, nurse.getBytes(url.substring(url.indexOf("/api/"))).getStatus().getCode(), "the reference leads to the image");
        Media read = fhir.newJsonParser().parseResource(Media.class, get(nurse, "/fhir/Media/" + media.getIdElement().getIdPart()).body());
        assertEquals(64, read.getWidth());
        Api other = new Api(http, fixtures.nurse(fixtures.organisation()));
        refused(other, "/fhir/Media/" + media.getIdElement().getIdPart(), 404);
        refused(other, "/fhir/Media?patient=" + patient, 404);
        assertTrue(diagnostics(refused(nurse, "/fhir/Media?patient=" + patient + "&_count=3", 400)).contains("_count"));
    }

    /** A search cut at its cap says so in an OperationOutcome entry: a bundle without total or next is not taken for all there is. */
    @Test
    void aPatientsAlertsCutAtTheCapEndWithAnOutcomeSayingSo() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        fixtures.update("""
                INSERT INTO alerts (patient_id, organisation_id, kind, severity, summary, status, resolved_at, resolved_by, outcome,
                                    opened_at, updated_at)
                SELECT ?, ?, 'tobs', 'yellow', 'TOBS 2', 'resolved', now() - n * interval '1 hour', 'nurse', 'ok',
                       now() - n * interval '1 hour', now() - n * interval '1 hour' FROM generate_series(1, 201) n""", patient, org);
        Api nurse = new Api(http, fixtures.nurse(org));
        Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class, get(nurse, "/fhir/DetectedIssue?patient=" + patient).body());
        assertValid(bundle);
        assertEquals(201, bundle.getEntry().size(), "200 alerts and the outcome");
        assertFalse(bundle.hasTotal());
        Bundle.BundleEntryComponent last = bundle.getEntry().get(200);
        assertEquals(Bundle.SearchEntryMode.OUTCOME, last.getSearch().getMode());
        OperationOutcome outcome = (OperationOutcome) last.getResource();
        assertEquals(OperationOutcome.IssueType.INCOMPLETE, outcome.getIssueFirstRep().getCode());
        assertTrue(outcome.getIssueFirstRep().getDiagnostics().startsWith("Only the newest 200 alerts"), outcome.getIssueFirstRep().getDiagnostics());
    }

    @Test
    void anAlertIsADetectedIssueWithItsAcknowledgementAsMitigation() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        long alert = fixtures.longValue("""
                INSERT INTO alerts (patient_id, organisation_id, kind, severity, summary, status, acknowledged_at, acknowledged_by)
                VALUES (?, ?, 'tobs', 'red', 'TOBS 6: pulse 135, respiration 26', 'acknowledged', now(), 'nurse.night')
                RETURNING id""", patient, org);
        Api nurse = new Api(http, fixtures.nurse(org));
        Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class, get(nurse, "/fhir/DetectedIssue?patient=" + patient).body());
        assertValid(bundle);
        assertEquals(1, bundle.getEntry().size());
        DetectedIssue issue = (DetectedIssue) bundle.getEntryFirstRep().getResource();
        assertEquals(String.valueOf(alert), issue.getIdElement().getIdPart());
        assertEquals(DetectedIssue.DetectedIssueSeverity.HIGH, issue.getSeverity());
        assertEquals(DetectedIssue.DetectedIssueStatus.PRELIMINARY, issue.getStatus(), "not resolved yet");
        assertEquals("TOBS 6: pulse 135, respiration 26", issue.getDetail());
        assertEquals("nurse.night", issue.getMitigationFirstRep().getAuthor().getDisplay());
        assertEquals("Patient/" + patient, issue.getPatient().getReference());
        DetectedIssue read = fhir.newJsonParser().parseResource(DetectedIssue.class, get(nurse, "/fhir/DetectedIssue/" + alert).body());
        assertValid(read);
        Api other = new Api(http, fixtures.nurse(fixtures.organisation()));
        refused(other, "/fhir/DetectedIssue/" + alert, 404);
        refused(other, "/fhir/DetectedIssue?patient=" + patient, 404);
        assertEquals(2, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action LIKE 'read alert%(FHIR)'", patient));
    }

    @Test
    void everythingAboutAPatientComesInPagesForATransfer() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                SELECT ?, 'e-' || i, 0, now() - (i + 1) * interval '1 hour', ?, 'weight', 80 + i * 0.1 FROM generate_series(0, 4) i""",
                device, patient);
        fixtures.update("INSERT INTO alerts (patient_id, organisation_id, kind, severity, summary) VALUES (?, ?, 'weight_trend', 'yellow', 'w')",
                patient, org);
        Api nurse = new Api(http, fixtures.nurse(org));
        List<String> types = new ArrayList<>();
        String next = "/fhir/Patient/" + patient + "/$everything?_count=2";
        int pages = 0;
        while (next != null) {
            Bundle page = fhir.newJsonParser().parseResource(Bundle.class, get(nurse, next).body());
            assertValid(page);
            pages++;
            page.getEntry().forEach(e -> types.add(e.getResource().fhirType()));
            Bundle.BundleLinkComponent link = page.getLink("next");
            next = link == null ? null : link.getUrl().substring(link.getUrl().indexOf("/fhir/"));
        }
        assertEquals(3, pages, "5 observations, 2 a page");
        assertEquals(List.of("Patient", "Device", "DetectedIssue", "Observation", "Observation", "Observation", "Observation", "Observation"),
                types);
        assertEquals(3, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'export patient record (FHIR)'",
                patient), "each page is in the access log");
        refused(new Api(http, fixtures.nurse(fixtures.organisation())), "/fhir/Patient/" + patient + "/$everything", 404);
    }

    @Test
    void theValidatorTheseTestsUseFindsAnInvalidResource() {
        Observation noStatusNoCode = new Observation();
        noStatusNoCode.setId("x");
        assertFalse(FhirValidation.errors(fhir, noStatusNoCode).isEmpty(), "an Observation needs status and code");
    }

    private HttpResponse<String> get(Api api, String path) {
        MutableHttpRequest<Object> request = HttpRequest.GET(path).bearerAuth(api.token());
        return http.toBlocking().exchange(request, String.class);
    }

    private OperationOutcome refused(Api api, String path, int status) {
        HttpClientResponseException e = assertThrows(HttpClientResponseException.class, () -> get(api, path), path);
        assertEquals(status, e.getStatus().getCode(), path);
        String body = e.getResponse().getBody(String.class).orElseThrow();
        OperationOutcome outcome = fhir.newJsonParser().parseResource(OperationOutcome.class, body);
        assertValid(outcome);
        return outcome;
    }

    private static String diagnostics(OperationOutcome outcome) {
        return outcome.getIssueFirstRep().getDiagnostics();
    }

    private void assertValid(IBaseResource resource) {
        assertEquals(List.of(), FhirValidation.errors(fhir, resource), () -> fhir.newJsonParser().setPrettyPrint(true)
                .encodeResourceToString(resource));
    }

    private static Observation byCode(Bundle bundle, String loinc) {
        return bundle.getEntry().stream().map(e -> (Observation) e.getResource())
                .filter(o -> codings(o.getCode().getCoding()).contains(LOINC + "|" + loinc)).findFirst().orElseThrow();
    }

    private static Set<String> codings(List<Coding> codings) {
        Set<String> out = new HashSet<>();
        codings.forEach(c -> out.add(c.getSystem() + "|" + c.getCode()));
        return out;
    }
}
