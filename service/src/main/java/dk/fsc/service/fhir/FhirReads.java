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
import dk.fsc.service.readings.ReadingStore;
import dk.fsc.service.readings.ReadingStore.KeyedReading;
import dk.fsc.service.readings.ReadingStore.PageKey;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

/**
 * What the FHIR read API shows, after the same checks as the API: care roles of the patient's
 * organisation only (anyone else is told "not found"), every read of a citizen's data in the
 * access log. A device's record goes to FSC staff, and to an organisation it is or was lent to.
 */
@Singleton
public class FhirReads {
    /** The CPR number's identifier system (the Danish civil registration number). */
    static final String CPR_SYSTEM = "urn:oid:1.2.208.176.1.2";
    /** Device serial numbers as FSC registers them. */
    static final String SERIAL_SYSTEM = "https://fsc.rm.dk/fhir/sid/device-serial";
    private final PatientAccess access;
    private final PatientStore patients;
    private final ReadingStore readings;
    private final MonitoringStore monitoring;
    private final DeviceReader devices;
    private final PhotoStore photos;
    private final AlertStore alerts;
    private final AccessLog accessLog;

    FhirReads(PatientAccess access, PatientStore patients, ReadingStore readings, MonitoringStore monitoring, DeviceReader devices,
              PhotoStore photos, AlertStore alerts, AccessLog accessLog) {
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
        UUID patientId = uuid(id).orElseThrow(() -> Refusal.notFound("No Patient " + id + " among your organisation's citizens."));
        access.requireCareAccess(user, patientId);
        accessLog.record(user, patientId, "read patient record (FHIR)", purpose, null);
        PatientRecord record = patients.read(patientId);
        Patient patient = new Patient();
        patient.setId(record.id().toString());
        patient.addIdentifier().setSystem(CPR_SYSTEM).setValue(record.cpr());
        patient.addName().setText(record.displayName());
        patients.birthDate(patientId).ifPresent(d -> patient.setBirthDate(Date.from(d.atStartOfDay(ZoneOffset.UTC).toInstant())));
        if (record.phone() != null) {
            patient.addTelecom().setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE).setValue(record.phone());
        }
        if (record.address() != null) {
            patient.addAddress().setText(record.address());
        }
        return patient;
    }

    /** One page of a patient's Observations, and where the next starts (null on the last page). */
    public record Page(List<Observation> observations, @Nullable PageKey next) {
    }

    public Page observations(StaffUser user, ObservationQuery query, String purpose) {
        access.requireCareAccess(user, query.patientId());
        Page page = query.empty() ? new Page(List.of(), null) : page(query);
        accessLog.record(user, query.patientId(), "read observations (FHIR)", purpose, accessDetail(query, page));
        return page;
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
        Refusal notFound = Refusal.notFound("No Observation " + id + " among your organisation's citizens' readings.");
        FhirIds.ObservationKey key = FhirIds.observation(id).orElseThrow(() -> notFound);
        try {
            access.requireCareAccess(user, key.patientId());
        } catch (Refusal refused) {
            throw notFound; // the same words whether or not the patient in the id exists
        }
        List<KeyedReading> rows = readings.at(key.patientId(), key.measuredAt());
        Observations.Group group = Observations.groups(key.patientId(), rows).stream().filter(g -> g.id().equals(id)).findFirst()
                .orElseThrow(() -> notFound);
        accessLog.record(user, key.patientId(), "read observation (FHIR)", purpose, "FHIR Observation " + id);
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
        Device device = new Device();
        device.setId(FhirIds.device(view.id()));
        device.setStatus("retired".equals(view.state()) ? Device.FHIRDeviceStatus.INACTIVE : Device.FHIRDeviceStatus.ACTIVE);
        device.setType(new CodeableConcept().setText(view.deviceType()));
        if (view.serialNumber() != null) {
            device.setSerialNumber(view.serialNumber());
            device.addIdentifier().setSystem(SERIAL_SYSTEM).setValue(view.serialNumber());
        }
        if (view.model() != null) {
            device.setModelNumber(view.model());
        }
        if (view.firmware() != null) {
            device.addVersion().setValue(view.firmware()).setType(new CodeableConcept().setText("firmware"));
        }
        return device;
    }

    /** A patient's wound photos as Media, newest first (all of them: a patient has tens, not thousands). */
    public List<Media> media(StaffUser user, UUID patientId, String root, String purpose) {
        access.requireCareAccess(user, patientId);
        List<Media> found = photos.forPatient(patientId).stream().map(p -> media(p.view(), root)).toList();
        accessLog.record(user, patientId, "list photos (FHIR)", purpose, found.size() + " photo(s)");
        return found;
    }

    public Media medium(StaffUser user, String id, String root, String purpose) {
        Refusal notFound = Refusal.notFound("No Media " + id + " among your organisation's citizens' photos.");
        PhotoView photo = uuid(id).flatMap(photos::find).map(PhotoStore.Stored::view).orElseThrow(() -> notFound);
        try {
            access.requireCareAccess(user, photo.patientId());
        } catch (Refusal refused) {
            throw notFound;
        }
        accessLog.record(user, photo.patientId(), "read photo record (FHIR)", purpose, id);
        return media(photo, root);
    }

    /** The photo's record; the image itself by reference to the API (signed in as for FHIR), never inline. */
    private static Media media(PhotoView p, String root) {
        Media media = new Media();
        media.setId(p.id().toString());
        media.setStatus(Media.MediaStatus.COMPLETED);
        media.setType(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(
                "http://terminology.hl7.org/CodeSystem/media-type", "image", "Image")));
        media.setSubject(new org.hl7.fhir.r4.model.Reference("Patient/" + p.patientId()));
        media.setCreated(new org.hl7.fhir.r4.model.DateTimeType(Date.from(p.takenAt()), ca.uhn.fhir.model.api.TemporalPrecisionEnum.SECOND,
                java.util.TimeZone.getTimeZone("UTC")));
        media.setIssued(Date.from(p.receivedAt()));
        media.setDevice(new org.hl7.fhir.r4.model.Reference("Device/" + FhirIds.device(p.deviceId())));
        media.setBodySite(new CodeableConcept().setText(p.bodySite()));
        media.addReasonCode(new CodeableConcept().setText(p.woundType().replace('_', ' ')));
        if (p.widthPx() != null) {
            media.setWidth(p.widthPx());
        }
        if (p.heightPx() != null) {
            media.setHeight(p.heightPx());
        }
        media.getContent().setContentType(p.contentType()).setUrl(root + p.imageUrl()).setSize(p.sizeBytes())
                .setTitle("Wound " + p.woundId());
        StringBuilder note = new StringBuilder("Wound ").append(p.woundId());
        appendSize(note, "length", p.lengthCm(), "cm");
        appendSize(note, "width", p.widthCm(), "cm");
        appendSize(note, "depth", p.depthCm(), "cm");
        appendSize(note, "area", p.areaCm2(), "cm2");
        if (p.note() != null) {
            note.append(". ").append(p.note());
        }
        media.addNote().setText(note.toString());
        return media;
    }

    private static void appendSize(StringBuilder note, String name, @Nullable Double value, String unit) {
        if (value != null) {
            note.append(", ").append(name).append(' ').append(value).append(' ').append(unit);
        }
    }

    /** The newest alerts of a patient shown in one search (the worklist and the API page further back). */
    static final int ALERTS_SHOWN = 200;
    /** The kinds of alert (docs/early-warning.md). */
    static final String ALERT_KIND_SYSTEM = "https://fsc.rm.dk/fhir/CodeSystem/alert-kind";

    /** A patient's alerts as DetectedIssues, newest first, at most {@link #ALERTS_SHOWN}. */
    public List<DetectedIssue> alerts(StaffUser user, UUID patientId, String purpose) {
        access.requireCareAccess(user, patientId);
        List<DetectedIssue> found = alerts.patientAlerts(user.organisationId(), patientId, ALERTS_SHOWN).stream()
                .map(FhirReads::detectedIssue).toList();
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
        return detectedIssue(alert);
    }

    /**
     * An alert as a DetectedIssue: identified when it opened, severity high (red) or moderate
     * (yellow), the summary as detail; acknowledging and resolving are its mitigations. Status
     * preliminary while the acute team is on it, final once resolved.
     */
    static DetectedIssue detectedIssue(AlertView a) {
        DetectedIssue issue = new DetectedIssue();
        issue.setId(String.valueOf(a.id()));
        issue.setStatus("resolved".equals(a.status()) ? DetectedIssue.DetectedIssueStatus.FINAL
                : DetectedIssue.DetectedIssueStatus.PRELIMINARY);
        issue.setCode(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(ALERT_KIND_SYSTEM, a.kind(), null))
                .setText(a.kind().replace('_', ' ')));
        issue.setSeverity("red".equals(a.severity()) ? DetectedIssue.DetectedIssueSeverity.HIGH
                : "yellow".equals(a.severity()) ? DetectedIssue.DetectedIssueSeverity.MODERATE : DetectedIssue.DetectedIssueSeverity.LOW);
        issue.setPatient(new org.hl7.fhir.r4.model.Reference("Patient/" + a.patientId()));
        issue.setIdentified(new org.hl7.fhir.r4.model.DateTimeType(Date.from(a.openedAt()), ca.uhn.fhir.model.api.TemporalPrecisionEnum.SECOND,
                java.util.TimeZone.getTimeZone("UTC")));
        issue.setDetail(a.summary());
        if (a.acknowledgedAt() != null) {
            issue.addMitigation().setAction(new CodeableConcept().setText("acknowledged")).setDate(Date.from(a.acknowledgedAt()))
                    .setAuthor(new org.hl7.fhir.r4.model.Reference().setDisplay(a.acknowledgedBy()));
        }
        if (a.resolvedAt() != null) {
            issue.addMitigation().setAction(new CodeableConcept().setText("resolved" + (a.outcome() == null ? "" : ": " + a.outcome())))
                    .setDate(Date.from(a.resolvedAt())).setAuthor(new org.hl7.fhir.r4.model.Reference().setDisplay(a.resolvedBy()));
        }
        return issue;
    }

    private static java.util.Optional<UUID> uuid(String id) {
        try {
            return java.util.Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** A search set of everything found, in one page. */
    static Bundle searchSet(String base, String self, List<? extends org.hl7.fhir.r4.model.Resource> resources) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.SEARCHSET);
        bundle.setMeta(new org.hl7.fhir.r4.model.Meta().setLastUpdated(new Date()));
        bundle.setTotal(resources.size());
        bundle.addLink().setRelation("self").setUrl(base + self);
        for (org.hl7.fhir.r4.model.Resource r : resources) {
            bundle.addEntry().setFullUrl(base + "/" + r.fhirType() + "/" + r.getIdElement().getIdPart()).setResource(r)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }

    /** The search set of a page: self and next links repeat the search, entries carry their full URLs. */
    static Bundle searchSet(String base, ObservationQuery query, Page page) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.SEARCHSET);
        bundle.setMeta(new org.hl7.fhir.r4.model.Meta().setLastUpdated(new Date()));
        bundle.addLink().setRelation("self").setUrl(base + "/Observation?" + query.queryString(null));
        if (page.next() != null) {
            bundle.addLink().setRelation("next").setUrl(base + "/Observation?" + query.queryString(page.next()));
        }
        for (Observation o : page.observations()) {
            bundle.addEntry().setFullUrl(base + "/Observation/" + o.getIdElement().getIdPart()).setResource(o)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }
}
