package dk.fsc.service.fhir;

import dk.fsc.service.alerts.AlertStore;
import dk.fsc.service.alerts.AlertView;
import dk.fsc.service.alerts.MonitoringStore;
import dk.fsc.service.alerts.ThresholdsView;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.devices.DeviceReader;
import dk.fsc.service.devices.DeviceView;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.patients.PatientRecord;
import dk.fsc.service.patients.PatientStore;
import dk.fsc.service.photos.PhotoStore;
import dk.fsc.service.photos.PhotoView;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.readings.AnswerStore;
import dk.fsc.service.readings.ReadingStore;
import dk.fsc.service.readings.ReadingStore.KeyedReading;
import dk.fsc.service.readings.ReadingStore.PageKey;
import dk.fsc.service.staff.StaffUser;
import dk.fsc.service.wounds.ReferralStore;
import dk.fsc.service.wounds.WoundAccess;
import dk.fsc.service.wounds.WoundStore;
import dk.fsc.service.wounds.WoundViews;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.ClinicalImpression;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Resource;

/**
 * What the FHIR read API shows, after the same checks as the API: care roles of the patient's
 * organisation only (anyone else is told "not found"), every read of a citizen's data in the
 * access log. A device's record goes to FSC staff, and to an organisation it is or was lent to.
 */
@Singleton
public class FhirReads {
    private final PatientAccess access;
    private final PatientStore patients;
    private final ReadingStore readings;
    private final MonitoringStore monitoring;
    private final DeviceReader devices;
    private final PhotoStore photos;
    private final AlertStore alerts;
    private final AccessLog accessLog;
    private final AnswerStore answers;
    private final Questionnaires questionnaires;
    private final WoundStore wounds;
    private final ReferralStore referrals;
    private final WoundAccess woundAccess;

    FhirReads(PatientAccess access, PatientStore patients, ReadingStore readings, MonitoringStore monitoring, DeviceReader devices,
              PhotoStore photos, AlertStore alerts, AccessLog accessLog, AnswerStore answers, Questionnaires questionnaires,
              WoundStore wounds, ReferralStore referrals, WoundAccess woundAccess) {
        this.woundAccess = woundAccess;
        this.wounds = wounds;
        this.referrals = referrals;
        this.answers = answers;
        this.questionnaires = questionnaires;
        this.photos = photos;
        this.alerts = alerts;
        this.access = access;
        this.patients = patients;
        this.readings = readings;
        this.monitoring = monitoring;
        this.devices = devices;
        this.accessLog = accessLog;
    }

    public Patient patient(StaffUser user, String id, String purpose) {
        UUID patientId = patientId(id);
        access.requireCareAccess(user, patientId);
        accessLog.record(user, patientId, "read patient record (FHIR)", purpose, null);
        return patientResource(patientId);
    }

    /** The record once, its birth date from the CPR number it holds. */
    private Patient patientResource(UUID patientId) {
        PatientRecord record = patients.read(patientId);
        return Resources.patient(record, PatientStore.birthDateOf(record.cpr()).orElse(null));
    }

    /** A Patient's id is a UUID; anything else (a CPR number, say) is not found, and not repeated in the answer. */
    private static UUID patientId(String id) {
        return uuid(id).orElseThrow(() -> Refusal.notFound("No Patient with that id among your organisation's citizens "
                + "(a Patient's id is its UUID)."));
    }

    /** One page of a patient's Observations, and where the next starts (null on the last page). */
    public record Page(List<Observation> observations, @Nullable PageKey next) {
    }

    public Page observations(StaffUser user, ObservationQuery query, String purpose) {
        if (query.wounds()) {
            return new Page(woundMeasurements(user, query, purpose), null);
        }
        access.requireCareAccess(user, query.patientId());
        Page page = query.empty() ? new Page(List.of(), null) : page(query);
        accessLog.record(user, query.patientId(), "read readings (FHIR)", purpose, accessDetail(query, page));
        return page;
    }

    /**
     * One page of everything held about a patient, for a transfer to another system: the first page
     * the Patient, the Devices lent to them, their wound photos (Media), alerts (DetectedIssue) and
     * questionnaire answers (QuestionnaireResponse, the newest {@value #RESPONSES_SHOWN}), wound
     * measurements (Observation 72287-6) and assessments (ClinicalImpression), then their Observations oldest first, {@code count} to a page.
     */
    public Everything everything(StaffUser user, String id, Map<String, List<String>> parameters, String root, String purpose) {
        UUID patientId = patientId(id);
        ObservationQuery query = ObservationQuery.everything(patientId, parameters);
        access.requireCareAccess(user, patientId);
        List<Resource> resources = new ArrayList<>();
        String cut = null;
        boolean first = query.after() == null;
        if (first) {
            resources.add(patientResource(patientId));
            for (String deviceId : devices.everLentToPatient(patientId)) {
                resources.add(Resources.device(devices.one(deviceId)));
            }
            photos.forPatient(patientId).forEach(p -> resources.add(Resources.media(p.view(), root, p.view().imageUrl())));
            // One more than shown: whether there are more is known, not guessed from a full page.
            var shownAlerts = alerts.patientAlerts(user.organisationId(), patientId, ALERTS_SHOWN + 1);
            shownAlerts.stream().limit(ALERTS_SHOWN).forEach(a -> resources.add(Resources.detectedIssue(a)));
            var shownAnswers = answers.newest(patientId, RESPONSES_SHOWN + 1);
            shownAnswers.stream().limit(RESPONSES_SHOWN).forEach(a -> resources.add(questionnaires.response(a)));
            List<String> left = new ArrayList<>();
            if (shownAlerts.size() > ALERTS_SHOWN) {
                left.add(cut("alerts", ALERTS_SHOWN));
            }
            if (shownAnswers.size() > RESPONSES_SHOWN) {
                left.add(cut("answered questionnaires", RESPONSES_SHOWN));
            }
            cut = left.isEmpty() ? null : String.join(" ", left);
            for (WoundViews.Wound wound : wounds.forPatient(patientId)) {
                wounds.measurements(wound).forEach(m -> resources.add(WoundResources.measurement(wound, m)));
                for (WoundViews.Referral referral : referrals.forWound(wound.id())) {
                    referral.assessments().forEach(a -> resources.add(WoundResources.assessment(wound, referral, a)));
                }
            }
        }
        Page page = page(query);
        resources.addAll(page.observations());
        accessLog.record(user, patientId, "export patient record (FHIR)", purpose, (first ? "first page: record, devices, photos, alerts, questionnaire answers, wound measurements and assessments, and "
                : "next page: ") + page.observations().size() + " observation(s)");
        return new Everything(query, resources, page.next(), cut);
    }

    /** What a search without pages left out: the newest {@code shown} of more. */
    static String cut(String what, int shown) {
        return "Only the newest " + shown + " " + what + " of the patient are in this bundle; there are more, which this search does not page.";
    }

    /**
     * A page of $everything, and where the next starts (null on the last page); {@code cut} says
     * what its first page left out (the newest 200 alerts of more), null when nothing.
     */
    public record Everything(ObservationQuery query, List<Resource> resources, @Nullable PageKey next, @Nullable String cut) {
    }

    private Page page(ObservationQuery query) {
        UUID patientId = query.patientId();
        // Enough rows for count Observations of whole messages (a blood pressure pair is two rows), and one message more.
        int fetch = query.count() * 3 + 20;
        List<KeyedReading> rows = readings.page(patientId, query.types(), query.from(), query.to(), query.newestFirst(), query.after(), fetch);
        boolean more = rows.size() == fetch;
        List<Observations.Message> messages = Observations.messages(patientId, rows);
        if (more && messages.size() > 1) {
            messages = messages.subList(0, messages.size() - 1); // the last may be cut short by the fetch
        }
        ThresholdsView thresholds = monitoring.thresholds(patientId);
        List<Observation> shown = new ArrayList<>();
        KeyedReading last = null;
        boolean stopped = false;
        for (Observations.Message message : messages) {
            if (!shown.isEmpty() && shown.size() + message.groups().size() > query.count()) {
                stopped = true;
                break;
            }
            for (Observations.Group group : message.groups()) {
                shown.add(Observations.resource(patientId, group, thresholds));
            }
            last = message.last();
        }
        PageKey next = (stopped || more) && last != null
                ? new PageKey(last.view().measuredAt(), last.view().deviceId(), last.view().messageId(), last.seq()) : null;
        return new Page(shown, next);
    }

    private static String accessDetail(ObservationQuery query, Page page) {
        return "FHIR Observation search: " + (query.types().isEmpty() ? "all types" : String.join(", ", query.types()))
                + (query.dates().isEmpty() ? "" : ", date " + String.join(" & ", query.dates()))
                + ", " + page.observations().size() + " shown";
    }

    public Observation observation(StaffUser user, String id, String purpose) {
        if (id.startsWith(WoundResources.MEASUREMENT_PREFIX)) {
            return woundMeasurement(user, id, purpose);
        }
        Refusal notFound = Refusal.notFound("No Observation " + id + " among your organisation's citizens' readings.");
        FhirIds.ObservationKey key = careKey(user, id, notFound);
        List<KeyedReading> rows = readings.at(key.patientId(), key.measuredAt());
        Observations.Group group = Observations.groups(key.patientId(), rows).stream().filter(g -> g.id().equals(id)).findFirst()
                .orElseThrow(() -> notFound);
        accessLog.record(user, key.patientId(), "read readings (FHIR)", purpose, "FHIR Observation " + id);
        return Observations.resource(key.patientId(), group, monitoring.thresholds(key.patientId()));
    }

    public Device device(StaffUser user, String id) {
        String deviceId = FhirIds.deviceId(id);
        Refusal notFound = Refusal.notFound("No Device " + id + " that your organisation has or had on loan.");
        boolean fsc = user.role().equals(StaffUser.Role.FSC_SUPPORT) || user.role().equals(StaffUser.Role.FSC_ADMIN);
        if (!fsc && !devices.everLentTo(deviceId, user.organisationId())) {
            throw notFound;
        }
        DeviceView view;
        try {
            view = devices.one(deviceId);
        } catch (Refusal missing) {
            throw notFound;
        }
        return Resources.device(view);
    }

    /** A patient's wound photos as Media, newest first (all of them: a patient has tens, not thousands). */
    public List<Media> media(StaffUser user, UUID patientId, String root, String purpose) {
        if (WoundAccess.isSpecialist(user)) { // only the photos of the wounds referred to their clinic, at the wound's address
            Map<String, UUID> referred = new java.util.HashMap<>();
            woundAccess.visibleWounds(user, patientId).forEach(w -> referred.put(w.key(), w.id()));
            List<Media> found = photos.forPatient(patientId).stream().filter(p -> referred.containsKey(p.view().woundId()))
                    .map(p -> Resources.media(p.view(), root, woundImageUrl(referred.get(p.view().woundId()), p.view().id()))).toList();
            accessLog.record(user, patientId, "list wound photos (FHIR)", specialistPurpose(purpose), found.size() + " photo(s)");
            return found;
        }
        access.requireCareAccess(user, patientId);
        List<Media> found = photos.forPatient(patientId).stream().map(p -> Resources.media(p.view(), root, p.view().imageUrl())).toList();
        accessLog.record(user, patientId, "list photos (FHIR)", purpose, found.size() + " photo(s)");
        return found;
    }

    private static String woundImageUrl(UUID woundId, UUID photoId) {
        return "/api/wounds/" + woundId + "/photos/" + photoId + "/image";
    }

    /** A specialist's look is for the assessment unless their system says otherwise. */
    private static String specialistPurpose(String purpose) {
        return purpose.equals("care") ? "wound assessment" : purpose;
    }

    private String purposeOf(StaffUser user, String purpose) {
        return WoundAccess.isSpecialist(user) ? specialistPurpose(purpose) : purpose;
    }

    /** A patient's wound measurements (Observation 72287-6) within the search's dates, in its order; all of them (a wound has tens). */
    private List<Observation> woundMeasurements(StaffUser user, ObservationQuery query, String purpose) {
        List<WoundViews.Wound> visible = woundAccess.visibleWounds(user, query.patientId());
        List<Dated<Observation>> found = new ArrayList<>();
        for (WoundViews.Wound wound : visible) {
            for (WoundViews.Measurement m : wounds.measurements(wound)) {
                if (!m.at().isBefore(query.from()) && m.at().isBefore(query.to())) {
                    found.add(new Dated<>(m.at(), WoundResources.measurement(wound, m)));
                }
            }
        }
        List<Observation> sorted = Dated.sorted(found, query.newestFirst());
        accessLog.record(user, query.patientId(), "read wound measurements (FHIR)", purposeOf(user, purpose),
                sorted.size() + " measurement(s) of " + visible.size() + " wound(s)");
        return sorted;
    }

    private Observation woundMeasurement(StaffUser user, String id, String purpose) {
        Refusal notFound = Refusal.notFound("No Observation " + id + " among your organisation's citizens' wounds or your clinic's referrals.");
        UUID woundId = WoundResources.woundOf(id).orElseThrow(() -> notFound);
        WoundStore.Owner owner;
        try {
            owner = woundAccess.requireCareOrReferral(user, woundId);
        } catch (Refusal refused) {
            throw notFound;
        }
        WoundViews.Wound wound = wounds.one(woundId);
        Observation found = wounds.measurements(owner).stream().map(m -> WoundResources.measurement(wound, m))
                .filter(o -> o.getIdElement().getIdPart().equals(id)).findFirst().orElseThrow(() -> notFound);
        accessLog.record(user, owner.patientId(), "read wound measurements (FHIR)", purposeOf(user, purpose), "FHIR Observation " + id);
        return found;
    }

    /** A patient's wound assessments as ClinicalImpressions, newest first: for a specialist, their own clinic's. */
    public List<ClinicalImpression> assessments(StaffUser user, UUID patientId, String purpose) {
        List<Dated<ClinicalImpression>> found = new ArrayList<>();
        for (WoundViews.Wound wound : woundAccess.visibleWounds(user, patientId)) {
            for (WoundViews.Referral referral : woundAccess.visibleReferrals(user, wound.id())) {
                for (WoundViews.Assessment a : referral.assessments()) {
                    found.add(new Dated<>(a.assessedAt(), WoundResources.assessment(wound, referral, a)));
                }
            }
        }
        accessLog.record(user, patientId, "read wound assessments (FHIR)", purposeOf(user, purpose), found.size() + " assessment(s)");
        return Dated.sorted(found, true);
    }

    /** A resource and the moment it is sorted by (wound resources come from several wounds and referrals). */
    private record Dated<T>(java.time.Instant at, T resource) {
        static <T> List<T> sorted(List<Dated<T>> all, boolean newestFirst) {
            java.util.Comparator<Dated<T>> byTime = java.util.Comparator.comparing(Dated::at);
            return all.stream().sorted(newestFirst ? byTime.reversed() : byTime).map(Dated::resource).toList();
        }
    }

    public ClinicalImpression assessment(StaffUser user, String id, String purpose) {
        Refusal notFound = Refusal.notFound("No ClinicalImpression " + id + " among your organisation's citizens' wounds or your clinic's referrals.");
        long assessmentId = WoundResources.assessmentOf(id).orElseThrow(() -> notFound);
        UUID referralId = referrals.ofAssessment(assessmentId).orElseThrow(() -> notFound);
        WoundViews.Referral referral = referrals.find(referralId).orElseThrow(() -> notFound);
        try { // the search's rule: the citizen's care staff, or a specialist of a clinic the wound is referred to (its own referrals)
            woundAccess.requireCareOrReferral(user, referral.woundId());
        } catch (Refusal refused) {
            throw notFound;
        }
        if (woundAccess.visibleReferrals(user, referral.woundId()).stream().noneMatch(r -> r.id().equals(referralId))) {
            throw notFound;
        }
        WoundViews.Wound wound = wounds.one(referral.woundId());
        WoundViews.Assessment a = referral.assessments().stream().filter(x -> x.id() == assessmentId).findFirst().orElseThrow(() -> notFound);
        accessLog.record(user, referral.patientId(), "read wound assessments (FHIR)", purposeOf(user, purpose), "FHIR ClinicalImpression " + id);
        return WoundResources.assessment(wound, referral, a);
    }

    public Media medium(StaffUser user, String id, String root, String purpose) {
        Refusal notFound = Refusal.notFound("No Media " + id + " among your organisation's citizens' photos.");
        PhotoView photo = uuid(id).flatMap(photos::find).map(PhotoStore.Stored::view).orElseThrow(() -> notFound);
        String imageUrl = photo.imageUrl();
        try {
            if (WoundAccess.isSpecialist(user)) {
                UUID woundId = woundAccess.visibleWounds(user, photo.patientId()).stream().filter(w -> w.key().equals(photo.woundId()))
                        .map(WoundViews.Wound::id).findFirst().orElseThrow(() -> notFound);
                imageUrl = woundImageUrl(woundId, photo.id());
            } else {
                access.requireCareAccess(user, photo.patientId());
            }
        } catch (Refusal refused) {
            throw notFound;
        }
        accessLog.record(user, photo.patientId(), "read photo record (FHIR)", purposeOf(user, purpose), id);
        return Resources.media(photo, root, imageUrl);
    }

    /** The newest alerts of a patient shown in one search (the worklist and the API page further back). */
    static final int ALERTS_SHOWN = 200;

    /** A patient's alerts as DetectedIssues, newest first, at most {@link #ALERTS_SHOWN}. */
    public List<DetectedIssue> alerts(StaffUser user, UUID patientId, String purpose) {
        access.requireCareAccess(user, patientId);
        // One more than shown: the caller says "there are more" only when there are (FhirController).
        List<DetectedIssue> found = alerts.patientAlerts(user.organisationId(), patientId, ALERTS_SHOWN + 1).stream()
                .map(Resources::detectedIssue).toList();
        accessLog.record(user, patientId, "read alerts (FHIR)", purpose, found.size() + " alert(s)");
        return found;
    }

    public DetectedIssue alert(StaffUser user, String id, String purpose) {
        Refusal notFound = Refusal.notFound("No DetectedIssue " + id + " for your organisation.");
        long alertId;
        try {
            alertId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw notFound;
        }
        AlertView alert;
        try {
            alert = alerts.alertWithEvents(user.organisationId(), alertId);
        } catch (Refusal missing) {
            throw notFound;
        }
        accessLog.record(user, alert.patientId(), "read alert (FHIR)", purpose, "alert " + id);
        return Resources.detectedIssue(alert);
    }

    /** The newest answered questionnaires of a patient shown in one search or export. */
    static final int RESPONSES_SHOWN = 500;

    /** A patient's answered questionnaires, newest first, at most {@link #RESPONSES_SHOWN}. */
    public List<QuestionnaireResponse> questionnaireResponses(StaffUser user, UUID patientId, String purpose) {
        access.requireCareAccess(user, patientId);
        List<QuestionnaireResponse> found = answers.newest(patientId, RESPONSES_SHOWN + 1).stream().map(questionnaires::response).toList();
        accessLog.record(user, patientId, "read questionnaire answers (FHIR)", purpose, found.size() + " questionnaire(s)");
        return found;
    }

    public QuestionnaireResponse questionnaireResponse(StaffUser user, String id, String purpose) {
        Refusal notFound = Refusal.notFound("No QuestionnaireResponse " + id + " among your organisation's citizens' answers.");
        FhirIds.ObservationKey key = careKey(user, id, notFound);
        AnswerStore.Answered answered = answers.at(key.patientId(), key.measuredAt()).stream()
                .filter(a -> Questionnaires.responseId(a).equals(id)).findFirst().orElseThrow(() -> notFound);
        accessLog.record(user, key.patientId(), "read questionnaire answers (FHIR)", purpose, "FHIR QuestionnaireResponse " + id);
        return questionnaires.response(answered);
    }

    /** What an id of the Observation's shape names, once the caller may see the patient in it; else {@code notFound}. */
    private FhirIds.ObservationKey careKey(StaffUser user, String id, Refusal notFound) {
        FhirIds.ObservationKey key = FhirIds.observation(id).orElseThrow(() -> notFound);
        try {
            access.requireCareAccess(user, key.patientId());
        } catch (Refusal refused) {
            throw notFound; // the same words whether or not the patient in the id exists
        }
        return key;
    }

    private static java.util.Optional<UUID> uuid(String id) {
        try {
            return java.util.Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }
}
