package dk.fsc.service.fhir;

import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.service.alerts.ThresholdsView;
import dk.fsc.service.alerts.scoring.Colour;
import dk.fsc.service.alerts.scoring.Limits;
import dk.fsc.service.readings.ReadingStore.KeyedReading;
import dk.fsc.service.readings.ReadingView;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * Stored readings as FHIR Observations: one per observation of a device message, except a blood
 * pressure pair, which is one Observation (the LOINC panel) with a component per pressure. Each
 * value is interpreted against the patient's limits in force when it was measured.
 */
final class Observations {
    static final String INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    private static final String BLOOD_PRESSURE_GROUP = "bp";

    /** The readings of one Observation, and its id. */
    record Group(String id, List<KeyedReading> rows) {
    }

    /** The rows of one device message (they are next to each other in every order we read them in). */
    record Message(List<Group> groups, KeyedReading last) {
    }

    private Observations() {
    }

    /** Consecutive rows of the same device message, each split into its Observations. */
    static List<Message> messages(UUID patientId, List<KeyedReading> rows) {
        List<Message> messages = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= rows.size(); i++) {
            if (i == rows.size() || !sameMessage(rows.get(i - 1), rows.get(i))) {
                List<KeyedReading> run = rows.subList(start, i);
                messages.add(new Message(groups(patientId, run), run.get(run.size() - 1)));
                start = i;
            }
        }
        return messages;
    }

    /** The Observations these rows make (rows of other messages are kept apart). */
    static List<Group> groups(UUID patientId, List<KeyedReading> rows) {
        Map<String, List<KeyedReading>> byGroup = new LinkedHashMap<>();
        for (KeyedReading row : rows) {
            ReadingView v = row.view();
            String group = ObservationType.fromWire(v.type()).filter(ObservationCodes::isBloodPressure).isPresent()
                    ? BLOOD_PRESSURE_GROUP : String.valueOf(row.seq());
            byGroup.computeIfAbsent(FhirIds.observation(patientId, v.measuredAt(), v.deviceId(), v.messageId(), group),
                    id -> new ArrayList<>()).add(row);
        }
        List<Group> groups = new ArrayList<>();
        byGroup.forEach((id, members) -> groups.add(new Group(id, members)));
        return groups;
    }

    private static boolean sameMessage(KeyedReading a, KeyedReading b) {
        return a.view().deviceId().equals(b.view().deviceId()) && a.view().messageId().equals(b.view().messageId())
                && a.view().measuredAt().equals(b.view().measuredAt());
    }

    static Observation resource(UUID patientId, Group group, ThresholdsView thresholds) {
        KeyedReading first = group.rows().get(0);
        ReadingView v = first.view();
        ObservationType firstType = ObservationType.fromWire(v.type()).orElseThrow();
        Observation o = new Observation();
        o.setId(group.id());
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory(new CodeableConcept().addCoding(new Coding(ObservationCodes.CATEGORY_SYSTEM, ObservationCodes.category(firstType),
                null)));
        o.setSubject(new Reference("Patient/" + patientId));
        o.setEffective(Resources.dateTime(v.measuredAt()));
        if ("device".equals(v.origin())) {
            o.setDevice(new Reference("Device/" + FhirIds.device(v.deviceId())));
        } else if (first.enteredBy() != null) {
            o.addPerformer(new Reference().setDisplay(first.enteredBy()));
            o.addNote().setText("Entered by staff");
        }
        if (v.site() != null) {
            o.setBodySite(new CodeableConcept().setText(v.site()));
        }
        if (ObservationCodes.isBloodPressure(firstType)) {
            o.setCode(ObservationCodes.bloodPressurePanel());
            for (KeyedReading row : group.rows()) {
                ObservationType type = ObservationType.fromWire(row.view().type()).orElseThrow();
                Observation.ObservationComponentComponent component = o.addComponent();
                component.setCode(ObservationCodes.code(type));
                component.setValue(quantity(row.view()));
                interpretation(type, row.view(), thresholds).ifPresent(component::addInterpretation);
            }
        } else {
            o.setCode(ObservationCodes.code(firstType));
            o.setValue(quantity(v));
            interpretation(firstType, v, thresholds).ifPresent(o::addInterpretation);
        }
        return o;
    }

    private static Quantity quantity(ReadingView v) {
        return new Quantity().setValue(BigDecimal.valueOf(v.value())).setUnit(v.unit()).setSystem(ObservationCodes.UCUM).setCode(v.unit());
    }

    /** N, or H / L (yellow) and HH / LL (red) on the side of the limit the value passed; none where the type has no limits. */
    static Optional<CodeableConcept> interpretation(ObservationType type, ReadingView v, ThresholdsView thresholds) {
        Optional<Limits> limits = thresholds.limitsAt(type.wireName(), v.measuredAt());
        if (limits.isEmpty()) {
            return Optional.empty();
        }
        Limits l = limits.get();
        Colour colour = l.classify(v.value());
        boolean high = l.yellowHigh() != null && v.value() >= l.yellowHigh() || l.redHigh() != null && v.value() >= l.redHigh();
        String[] code = switch (colour) {
            case GREEN -> new String[] {"N", "Normal"};
            case YELLOW -> high ? new String[] {"H", "High"} : new String[] {"L", "Low"};
            case RED -> high ? new String[] {"HH", "Critical high"} : new String[] {"LL", "Critical low"};
        };
        return Optional.of(new CodeableConcept().addCoding(new Coding(INTERPRETATION_SYSTEM, code[0], code[1]))
                .setText(colour.name().toLowerCase(java.util.Locale.ROOT)));
    }
}
