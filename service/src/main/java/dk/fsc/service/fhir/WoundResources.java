package dk.fsc.service.fhir;

import dk.fsc.service.wounds.WoundViews.Assessment;
import dk.fsc.service.wounds.WoundViews.Measurement;
import dk.fsc.service.wounds.WoundViews.Referral;
import dk.fsc.service.wounds.WoundViews.Wound;
import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import org.hl7.fhir.r4.model.ClinicalImpression;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * A wound's measurements and assessments as FHIR resources (docs/fhir.md, "Wounds"): a
 * measurement is an Observation coded LOINC 72287-6 with a component per size (length 39126-8,
 * width 39125-0, depth 39127-6, area 89260-4, UCUM cm and cm2), derived from the photo it came
 * with; a specialist's assessment is a ClinicalImpression, which FHIR defines as the record of a
 * clinical assessment made to plan the treatment (its finding the classification, its note the plan).
 */
final class WoundResources {
    static final String LOINC = "http://loinc.org";
    static final String WOUND_PANEL = "72287-6";
    /** A wound measurement's id: {@code wm-<wound id, 32 hex>-<time>-<hash>}; an assessment's {@code wa-<number>}. */
    static final String MEASUREMENT_PREFIX = "wm-";
    private static final java.util.regex.Pattern MEASUREMENT_ID = java.util.regex.Pattern.compile("^wm-([0-9a-f]{32})-[0-9a-f]{1,15}-[0-9a-f]{8}$");
    private static final java.util.regex.Pattern ASSESSMENT_ID = java.util.regex.Pattern.compile("^wa-([0-9]{1,18})$");

    private WoundResources() {
    }

    /** The wound a measurement's id names, if it has that shape. */
    static java.util.Optional<java.util.UUID> woundOf(String id) {
        java.util.regex.Matcher m = MEASUREMENT_ID.matcher(id);
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        String hex = m.group(1);
        return java.util.Optional.of(new java.util.UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16)));
    }

    /** The assessment an id {@code wa-<number>} names. */
    static java.util.Optional<Long> assessmentOf(String id) {
        java.util.regex.Matcher m = ASSESSMENT_ID.matcher(id);
        return m.matches() ? java.util.Optional.of(Long.parseLong(m.group(1))) : java.util.Optional.empty();
    }

    static Observation measurement(Wound wound, Measurement m) {
        Observation o = new Observation();
        long micros = ChronoUnit.MICROS.between(java.time.Instant.EPOCH, m.at());
        o.setId("wm-" + wound.id().toString().replace("-", "") + "-" + Long.toHexString(micros) + "-"
                + FhirIds.hash(wound.id().toString(), String.valueOf(m.photoId()), m.source()));
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory(new CodeableConcept().addCoding(new Coding(ObservationCodes.CATEGORY_SYSTEM, "exam", "Exam")));
        o.setCode(new CodeableConcept().addCoding(new Coding(LOINC, WOUND_PANEL, null)).setText("Wound size"));
        o.setSubject(new Reference("Patient/" + wound.patientId()));
        o.setEffective(Resources.dateTime(m.at()));
        o.setBodySite(new CodeableConcept().setText(wound.bodySite() + (wound.side() == null ? "" : ", " + wound.side())));
        o.addNote().setText("Wound " + wound.key() + " (" + wound.woundType().replace('_', ' ') + ")"
                + ("calculated".equals(m.areaMethod()) ? "; area calculated from length and width (π/4 × length × width)" : "")
                + (m.note() == null ? "" : ". " + m.note()));
        if (m.photoId() != null) {
            o.addDerivedFrom(new Reference("Media/" + m.photoId()));
        }
        component(o, "39126-8", m.lengthCm(), "cm");
        component(o, "39125-0", m.widthCm(), "cm");
        component(o, "39127-6", m.depthCm(), "cm");
        component(o, "89260-4", m.areaCm2(), "cm2");
        return o;
    }

    private static void component(Observation o, String code, Double value, String unit) {
        if (value != null) {
            o.addComponent().setCode(new CodeableConcept().addCoding(new Coding(LOINC, code, null)))
                    .setValue(new Quantity().setValue(BigDecimal.valueOf(value)).setUnit(unit).setSystem(ObservationCodes.UCUM).setCode(unit));
        }
    }

    static ClinicalImpression assessment(Wound wound, Referral referral, Assessment a) {
        ClinicalImpression c = new ClinicalImpression();
        c.setId("wa-" + a.id());
        c.setStatus(ClinicalImpression.ClinicalImpressionStatus.COMPLETED);
        c.setSubject(new Reference("Patient/" + wound.patientId()));
        c.setEffective(Resources.dateTime(a.assessedAt()));
        c.setDateElement(Resources.dateTime(a.assessedAt()));
        c.setAssessor(new Reference().setDisplay(a.specialist() + ", " + referral.clinicName()));
        c.setDescription("Telemedical wound assessment of wound " + wound.key() + " (" + wound.bodySite() + "), asked: " + referral.question());
        c.setSummary(a.assessment());
        if (a.classification() != null) {
            c.addFinding().setItemCodeableConcept(new CodeableConcept().setText(a.classification()));
        }
        c.addNote().setText("Treatment plan: " + a.treatmentPlan() + (a.nextPhotoDue() == null ? "" : ". Next photo by " + a.nextPhotoDue()));
        return c;
    }
}
