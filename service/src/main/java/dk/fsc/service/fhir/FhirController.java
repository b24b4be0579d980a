package dk.fsc.service.fhir;

import dk.fsc.service.platform.web.PublicUrl;
import ca.uhn.fhir.context.FhirContext;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.util.HttpClientAddressResolver;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.transaction.annotation.Transactional;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ClinicalImpression;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

/**
 * HL7 FHIR R4 read API (docs/fhir.md): {@code metadata}, {@code Patient/{id}},
 * {@code Observation}, {@code Media} and {@code DetectedIssue} by {@code ?patient=} and by id, {@code Device/{id}}. JSON or XML by
 * {@code _format} or Accept; errors are OperationOutcomes ({@link FhirErrorFormat}).
 */
@Controller("/fhir")
@Produces({"application/fhir+json", "application/fhir+xml", MediaType.APPLICATION_JSON, MediaType.APPLICATION_XML, MediaType.TEXT_XML,
        MediaType.ALL})
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
@ExecuteOn(TaskExecutors.BLOCKING) // JDBC, HAPI's parser and a device's password hash: not on the event loop
class FhirController {
    private final FhirContext context;
    private final FhirReads reads;
    private final PublicUrl publicUrl;
    private final FhirWrites writes;
    private final DeviceSignIn devices;
    private final HttpClientAddressResolver addresses;
    private final Questionnaires questionnaires;

    FhirController(FhirContext context, FhirReads reads, PublicUrl publicUrl, FhirWrites writes, DeviceSignIn devices,
                   HttpClientAddressResolver addresses, Questionnaires questionnaires) {
        this.questionnaires = questionnaires;
        this.addresses = addresses;
        this.writes = writes;
        this.devices = devices;
        this.context = context;
        this.reads = reads;
        this.publicUrl = publicUrl;
    }

    /**
     * A transaction or batch Bundle of Observations from a device or app, signed in as itself with
     * HTTP Basic and its device account (never as a staff member); each entry answered on its own.
     */
    @Post
    @Secured(SecurityRule.IS_ANONYMOUS)
    @Consumes({"application/fhir+json", "application/fhir+xml", MediaType.APPLICATION_JSON, MediaType.APPLICATION_XML, MediaType.TEXT_XML})
    HttpResponse<String> submit(HttpRequest<?> request, @Body byte[] body, @Nullable @QueryValue("_format") String format) {
        String deviceId = devices.signedIn(request.getHeaders().get("Authorization"), addresses.resolve(request));
        FhirFormat answer = format(request, format);
        FhirFormat sent = FhirFormat.of(null, request.getContentType().map(MediaType::toString).orElse(null));
        return write(writes.submit(deviceId, body, sent), answer);
    }

    /** The CapabilityStatement, open to anyone (as FHIR clients expect before they sign in). */
    @Get("/metadata")
    @Secured(SecurityRule.IS_ANONYMOUS)
    HttpResponse<String> metadata(HttpRequest<?> request, @Nullable @QueryValue("_format") String format) {
        return write(Capability.statement(base(request)), request, format);
    }

    @Get("/Patient/{id}")
    @Transactional
    HttpResponse<String> patient(@PathVariable String id, HttpRequest<?> request, @Nullable @QueryValue("_format") String format,
                                 @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        FhirFormat chosen = format(request, format);
        return write(reads.patient(StaffUser.of(auth), id, AccessLog.purpose(purpose)), chosen);
    }

    /** Everything about a patient for a transfer ({@code _count} observations a page, then {@code next} links). */
    @Get("/Patient/{id}/$everything")
    @Transactional
    HttpResponse<String> everything(@PathVariable String id, HttpRequest<?> request, @Nullable @QueryValue("_format") String format,
                                    @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        FhirFormat chosen = format(request, format);
        FhirReads.Everything page = reads.everything(StaffUser.of(auth), id, request.getParameters().asMap(), publicUrl.of(request),
                AccessLog.purpose(purpose));
        String path = "/Patient/" + page.query().patientId() + "/$everything?";
        String kept = formatKept(format);
        return write(Resources.searchSet(base(request), path + page.query().everythingQuery(null) + kept,
                page.next() == null ? null : path + page.query().everythingQuery(page.next()) + kept, page.resources(), false, page.cut()), chosen);
    }

    @Get("/Observation")
    @Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.WOUND_SPECIALIST})
    @Transactional
    HttpResponse<String> observations(HttpRequest<?> request, @Nullable @QueryValue("_format") String format,
                                      @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        FhirFormat chosen = format(request, format);
        ObservationQuery query = ObservationQuery.parse(request.getParameters().asMap());
        FhirReads.Page page = reads.observations(StaffUser.of(auth), query, AccessLog.purpose(purpose));
        String kept = formatKept(format);
        return write(Resources.searchSet(base(request), "/Observation?" + query.queryString(null) + kept,
                page.next() == null ? null : "/Observation?" + query.queryString(page.next()) + kept, page.observations(), false), chosen);
    }

    /** A {@code _format} asked for, kept in the self and next links (page 2 of an XML search came as JSON). */
    private static String formatKept(@Nullable String format) {
        return format == null || format.isBlank() ? ""
                : "&_format=" + java.net.URLEncoder.encode(format.strip().replace(' ', '+'), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Get("/Observation/{id}")
    @Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.WOUND_SPECIALIST})
    @Transactional
    HttpResponse<String> observation(@PathVariable String id, HttpRequest<?> request, @Nullable @QueryValue("_format") String format,
                                     @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        FhirFormat chosen = format(request, format);
        return write(reads.observation(StaffUser.of(auth), id, AccessLog.purpose(purpose)), chosen);
    }

    /** A patient's wound photos: {@code patient} (or {@code subject}) is the one search parameter. */
    @Get("/Media")
    @Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.WOUND_SPECIALIST})
    @Transactional
    HttpResponse<String> media(HttpRequest<?> request, @Nullable @QueryValue("_format") String format,
                               @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        FhirFormat chosen = format(request, format);
        UUID patientId = ObservationQuery.patientOf(request.getParameters().asMap(), "Media", Set.of("_format"));
        List<Media> found = reads.media(StaffUser.of(auth), patientId, publicUrl.of(request), AccessLog.purpose(purpose));
        return write(Resources.searchSet(base(request), "/Media?patient=" + patientId, null, found, true), chosen);
    }

    @Get("/Media/{id}")
    @Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.WOUND_SPECIALIST})
    @Transactional
    HttpResponse<String> medium(@PathVariable String id, HttpRequest<?> request, @Nullable @QueryValue("_format") String format,
                                @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        FhirFormat chosen = format(request, format);
        return write(reads.medium(StaffUser.of(auth), id, publicUrl.of(request), AccessLog.purpose(purpose)), chosen);
    }

    /** A patient's wound assessments as ClinicalImpressions, newest first: {@code patient} (or {@code subject}) is the one search parameter. */
    @Get("/ClinicalImpression")
    @Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.WOUND_SPECIALIST})
    @Transactional
    HttpResponse<String> assessments(HttpRequest<?> request, @Nullable @QueryValue("_format") String format,
                                     @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        FhirFormat chosen = format(request, format);
        UUID patientId = ObservationQuery.patientOf(request.getParameters().asMap(), "ClinicalImpression", Set.of("_format"));
        List<ClinicalImpression> found = reads.assessments(StaffUser.of(auth), patientId, AccessLog.purpose(purpose));
        return write(Resources.searchSet(base(request), "/ClinicalImpression?patient=" + patientId, null, found, true), chosen);
    }

    @Get("/ClinicalImpression/{id}")
    @Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.WOUND_SPECIALIST})
    @Transactional
    HttpResponse<String> assessment(@PathVariable String id, HttpRequest<?> request, @Nullable @QueryValue("_format") String format,
                                    @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        FhirFormat chosen = format(request, format);
        return write(reads.assessment(StaffUser.of(auth), id, AccessLog.purpose(purpose)), chosen);
    }

    /** A patient's alerts as DetectedIssues: {@code patient} (or {@code subject}) is the one search parameter. */
    @Get("/DetectedIssue")
    @Transactional
    HttpResponse<String> alerts(HttpRequest<?> request, @Nullable @QueryValue("_format") String format,
                                @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        FhirFormat chosen = format(request, format);
        UUID patientId = ObservationQuery.patientOf(request.getParameters().asMap(), "DetectedIssue", Set.of("_format"));
        List<DetectedIssue> found = reads.alerts(StaffUser.of(auth), patientId, AccessLog.purpose(purpose));
        // At most ALERTS_SHOWN: a full page does not know the total.
        boolean cut = found.size() > FhirReads.ALERTS_SHOWN; // one more was read than is shown
        return write(Resources.searchSet(base(request), "/DetectedIssue?patient=" + patientId, null,
                cut ? found.subList(0, FhirReads.ALERTS_SHOWN) : found, !cut,
                cut ? FhirReads.cut("alerts", FhirReads.ALERTS_SHOWN) : null), chosen);
    }

    @Get("/DetectedIssue/{id}")
    @Transactional
    HttpResponse<String> alert(@PathVariable String id, HttpRequest<?> request, @Nullable @QueryValue("_format") String format,
                               @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        FhirFormat chosen = format(request, format);
        return write(reads.alert(StaffUser.of(auth), id, AccessLog.purpose(purpose)), chosen);
    }

    /** The questionnaires devices and apps answer (docs/mqtt.md): open to anyone, as the CapabilityStatement is; they hold no one's data. */
    @Get("/Questionnaire")
    @Secured(SecurityRule.IS_ANONYMOUS)
    HttpResponse<String> questionnaires(HttpRequest<?> request, @Nullable @QueryValue("_format") String format,
                                        @Nullable @QueryValue("url") String url) {
        FhirFormat chosen = format(request, format);
        List<Questionnaire> found = java.util.Arrays.stream(dk.fsc.gateway.contract.Questionnaire.values())
                .filter(q -> url == null || Questionnaires.named(url).filter(q::equals).isPresent())
                .map(questionnaires::resource).toList();
        return write(Resources.searchSet(base(request), "/Questionnaire" + (url == null ? "" : "?url=" + java.net.URLEncoder.encode(url, java.nio.charset.StandardCharsets.UTF_8)), null, found, true), chosen);
    }

    @Get("/Questionnaire/{id}")
    @Secured(SecurityRule.IS_ANONYMOUS)
    HttpResponse<String> questionnaire(@PathVariable String id, HttpRequest<?> request, @Nullable @QueryValue("_format") String format) {
        FhirFormat chosen = format(request, format);
        dk.fsc.gateway.contract.Questionnaire q = Questionnaires.byId(id)
                .orElseThrow(() -> Refusal.notFound("No Questionnaire " + id + "; GET /fhir/Questionnaire lists them"));
        return write(questionnaires.resource(q), chosen);
    }

    /** A patient's answered questionnaires, newest first: {@code patient} (or {@code subject}) is the one search parameter. */
    @Get("/QuestionnaireResponse")
    @Transactional
    HttpResponse<String> responses(HttpRequest<?> request, @Nullable @QueryValue("_format") String format,
                                   @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        FhirFormat chosen = format(request, format);
        UUID patientId = ObservationQuery.patientOf(request.getParameters().asMap(), "QuestionnaireResponse", Set.of("_format"));
        List<QuestionnaireResponse> found = reads.questionnaireResponses(StaffUser.of(auth), patientId, AccessLog.purpose(purpose));
        boolean cut = found.size() > FhirReads.RESPONSES_SHOWN; // one more was read than is shown
        return write(Resources.searchSet(base(request), "/QuestionnaireResponse?patient=" + patientId, null,
                cut ? found.subList(0, FhirReads.RESPONSES_SHOWN) : found, !cut,
                cut ? FhirReads.cut("answered questionnaires", FhirReads.RESPONSES_SHOWN) : null), chosen);
    }

    @Get("/QuestionnaireResponse/{id}")
    @Transactional
    HttpResponse<String> response(@PathVariable String id, HttpRequest<?> request, @Nullable @QueryValue("_format") String format,
                                  @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth) {
        FhirFormat chosen = format(request, format);
        return write(reads.questionnaireResponse(StaffUser.of(auth), id, AccessLog.purpose(purpose)), chosen);
    }

    @Get("/Device/{id}")
    @Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
    @Transactional
    HttpResponse<String> device(@PathVariable String id, HttpRequest<?> request, @Nullable @QueryValue("_format") String format,
                                Authentication auth) {
        FhirFormat chosen = format(request, format);
        return write(reads.device(StaffUser.of(auth), id), chosen);
    }

    private String base(HttpRequest<?> request) {
        return publicUrl.of(request) + "/fhir";
    }

    /** The format first, so a request for one we do not write is refused before anything is read or logged. */
    private static FhirFormat format(HttpRequest<?> request, @Nullable String format) {
        return FhirFormat.of(format, request.getHeaders().get("Accept"));
    }

    private HttpResponse<String> write(IBaseResource resource, HttpRequest<?> request, @Nullable String format) {
        return write(resource, format(request, format));
    }

    private HttpResponse<String> write(IBaseResource resource, FhirFormat format) {
        return HttpResponse.ok(format.parser(context).encodeResourceToString(resource)).contentType(format.contentType());
    }
}
