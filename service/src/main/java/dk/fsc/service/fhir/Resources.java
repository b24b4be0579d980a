package dk.fsc.service.fhir;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import dk.fsc.service.alerts.AlertView;
import dk.fsc.service.devices.DeviceView;
import dk.fsc.service.patients.PatientRecord;
import dk.fsc.service.photos.PhotoView;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/** Our records as FHIR resources (Observations: {@link Observations}); what may be shown is decided before, in {@link FhirReads}. */
final class Resources {
    /** The CPR number's identifier system (the Danish civil registration number). */
    static final String CPR_SYSTEM = "urn:oid:1.2.208.176.1.2";
    /** Device serial numbers as FSC registers them. */
    static final String SERIAL_SYSTEM = "https://fsc.rm.dk/fhir/sid/device-serial";
    /** The kinds of alert (docs/early-warning.md). */
    static final String ALERT_KIND_SYSTEM = "https://fsc.rm.dk/fhir/CodeSystem/alert-kind";

    private Resources() {
    }

    /** An instant as a FHIR dateTime in UTC, to the second (or millisecond when it has a fraction). */
    static DateTimeType dateTime(Instant at) {
        return new DateTimeType(Date.from(at), at.getNano() == 0 ? TemporalPrecisionEnum.SECOND : TemporalPrecisionEnum.MILLI,
                TimeZone.getTimeZone("UTC"));
    }

    static Patient patient(PatientRecord record, @Nullable LocalDate birthDate) {
        Patient patient = new Patient();
        patient.setId(record.id().toString());
        patient.addIdentifier().setSystem(CPR_SYSTEM).setValue(record.cpr());
        patient.addName().setText(record.displayName());
        if (birthDate != null) {
            patient.setBirthDateElement(new DateType(birthDate.getYear(), birthDate.getMonthValue() - 1, birthDate.getDayOfMonth()));
        }
        if (record.phone() != null) {
            patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(record.phone());
        }
        if (record.address() != null) {
            patient.addAddress().setText(record.address());
        }
        return patient;
    }

    static Device device(DeviceView view) {
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

    /**
     * The photo's record; the image itself by reference to the API (signed in as for FHIR), never
     * inline: at {@code imageUrl}, the address the reader may fetch it from.
     */
    static Media media(PhotoView p, String root, String imageUrl) {
        Media media = new Media();
        media.setId(p.id().toString());
        media.setStatus(Media.MediaStatus.COMPLETED);
        media.setType(new CodeableConcept().addCoding(new Coding(
                "http://terminology.hl7.org/CodeSystem/media-type", "image", "Image")));
        media.setSubject(new Reference("Patient/" + p.patientId()));
        media.setCreated(dateTime(p.takenAt()));
        media.setIssued(Date.from(p.receivedAt()));
        if (p.takenBy() != null) {
            media.setOperator(new Reference().setDisplay(p.takenBy())); // taken by staff, not by a device of ours
        } else {
            media.setDevice(new Reference("Device/" + FhirIds.device(p.deviceId())));
        }
        media.setBodySite(new CodeableConcept().setText(p.bodySite()));
        media.addReasonCode(new CodeableConcept().setText(p.woundType().replace('_', ' ')));
        if (p.widthPx() != null) {
            media.setWidth(p.widthPx());
        }
        if (p.heightPx() != null) {
            media.setHeight(p.heightPx());
        }
        media.getContent().setContentType(p.contentType()).setUrl(root + imageUrl).setSize(p.sizeBytes())
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
        issue.setCode(new CodeableConcept().addCoding(new Coding(ALERT_KIND_SYSTEM, a.kind(), null))
                .setText(a.kind().replace('_', ' ')));
        issue.setSeverity("red".equals(a.severity()) ? DetectedIssue.DetectedIssueSeverity.HIGH
                : "yellow".equals(a.severity()) ? DetectedIssue.DetectedIssueSeverity.MODERATE : DetectedIssue.DetectedIssueSeverity.LOW);
        issue.setPatient(new Reference("Patient/" + a.patientId()));
        issue.setIdentified(dateTime(a.openedAt()));
        issue.setDetail(a.summary());
        if (a.acknowledgedAt() != null) {
            issue.addMitigation().setAction(new CodeableConcept().setText("acknowledged")).setDate(Date.from(a.acknowledgedAt()))
                    .setAuthor(new Reference().setDisplay(a.acknowledgedBy()));
        }
        if (a.resolvedAt() != null) {
            issue.addMitigation().setAction(new CodeableConcept().setText("resolved" + (a.outcome() == null ? "" : ": " + a.outcome())))
                    .setDate(Date.from(a.resolvedAt())).setAuthor(new Reference().setDisplay(a.resolvedBy()));
        }
        return issue;
    }

    /**
     * A search's result set: a self link, a next link when there is more (a page that knows it
     * holds everything also says the total), each entry with its full URL.
     */
    static Bundle searchSet(String base, String self, @Nullable String next, List<? extends Resource> resources, boolean complete) {
        return searchSet(base, self, next, resources, complete, null);
    }

    /**
     * As above; {@code cut} says what a search without further pages left out (the newest 200
     * alerts of more): an OperationOutcome entry (search mode outcome), so a client does not take
     * the bundle for all there is.
     */
    static Bundle searchSet(String base, String self, @Nullable String next, List<? extends Resource> resources, boolean complete,
                            @Nullable String cut) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.SEARCHSET);
        bundle.setMeta(new Meta().setLastUpdated(new Date()));
        if (complete) {
            bundle.setTotal(resources.size());
        }
        bundle.addLink().setRelation("self").setUrl(base + self);
        if (next != null) {
            bundle.addLink().setRelation("next").setUrl(base + next);
        }
        for (Resource r : resources) {
            bundle.addEntry().setFullUrl(base + "/" + r.fhirType() + "/" + r.getIdElement().getIdPart()).setResource(r)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        if (cut != null) {
            org.hl7.fhir.r4.model.OperationOutcome outcome = new org.hl7.fhir.r4.model.OperationOutcome();
            outcome.addIssue().setSeverity(org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity.WARNING)
                    .setCode(org.hl7.fhir.r4.model.OperationOutcome.IssueType.INCOMPLETE).setDiagnostics(cut);
            String id = java.util.UUID.randomUUID().toString();
            outcome.setId(id);
            bundle.addEntry().setFullUrl("urn:uuid:" + id).setResource(outcome).getSearch().setMode(Bundle.SearchEntryMode.OUTCOME);
        }
        return bundle;
    }
}
