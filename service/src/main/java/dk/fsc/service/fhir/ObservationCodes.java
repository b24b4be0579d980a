package dk.fsc.service.fhir;

import dk.fsc.gateway.contract.CodeSystems;
import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.service.platform.errors.Refusal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * The codes of an Observation: NPU or MedCom (MCS), LOINC and IEEE 11073 MDC side by side, as
 * {@code ObservationType} defines them (docs/fhir.md has the table); blood pressure as the LOINC
 * panel 85354-9 (MDC 150020) with its two components.
 */
final class ObservationCodes {
    static final String BLOOD_PRESSURE_LOINC = "85354-9";
    static final String BLOOD_PRESSURE_MDC = "150020";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category";

    private static final Map<ObservationType, String> DISPLAY = new EnumMap<>(Map.of(
            ObservationType.SPO2, "Oxygen saturation",
            ObservationType.PULSE, "Pulse rate",
            ObservationType.RESPIRATION_RATE, "Respiratory rate",
            ObservationType.TEMPERATURE, "Body temperature",
            ObservationType.SYSTOLIC_BP, "Systolic blood pressure",
            ObservationType.DIASTOLIC_BP, "Diastolic blood pressure",
            ObservationType.WEIGHT, "Body weight",
            ObservationType.FEV1, "FEV1",
            ObservationType.CAT_SCORE, "COPD Assessment Test (CAT) score",
            ObservationType.CONSCIOUSNESS, "Level of consciousness"));

    private ObservationCodes() {
    }

    static boolean isBloodPressure(ObservationType type) {
        return type == ObservationType.SYSTOLIC_BP || type == ObservationType.DIASTOLIC_BP;
    }

    /** Vital signs (category vital-signs, and FHIR's vital-signs profile): the rest are exams or surveys. */
    static String category(ObservationType type) {
        return switch (type) {
            case SPO2, PULSE, RESPIRATION_RATE, TEMPERATURE, SYSTOLIC_BP, DIASTOLIC_BP, WEIGHT -> "vital-signs";
            case FEV1 -> "exam";
            case CAT_SCORE, CONSCIOUSNESS -> "survey";
        };
    }

    static CodeableConcept code(ObservationType type) {
        CodeableConcept concept = new CodeableConcept().setText(DISPLAY.get(type));
        concept.addCoding(new Coding(type.codeSystem(), type.code(), null));
        if (type.loinc() != null) {
            concept.addCoding(new Coding(CodeSystems.LOINC, type.loinc(), null));
        }
        if (type.mdc() != null) {
            concept.addCoding(new Coding(CodeSystems.MDC, type.mdc(), null));
        }
        return concept;
    }

    static CodeableConcept bloodPressurePanel() {
        return new CodeableConcept().setText("Blood pressure")
                .addCoding(new Coding(CodeSystems.LOINC, BLOOD_PRESSURE_LOINC, null))
                .addCoding(new Coding(CodeSystems.MDC, BLOOD_PRESSURE_MDC, null));
    }

    /**
     * The types a {@code code} search parameter names: comma-separated tokens, each {@code system|code}
     * or a bare code (any of our systems). The blood pressure panel names both pressures.
     */
    /** Whether a search's code asks for the wound measurements (LOINC 72287-6, with or without its system). */
    static boolean isWoundPanel(String parameter) {
        String t = parameter.strip();
        int bar = t.indexOf('|');
        return matches(bar < 0 ? null : t.substring(0, bar), bar < 0 ? t : t.substring(bar + 1), CodeSystems.LOINC, WoundResources.WOUND_PANEL);
    }

    static List<String> typesFor(String parameter) {
        Set<String> types = new LinkedHashSet<>();
        for (String token : parameter.split(",")) {
            String t = token.strip();
            int bar = t.indexOf('|');
            String system = bar < 0 ? null : t.substring(0, bar);
            String code = bar < 0 ? t : t.substring(bar + 1);
            if (matches(system, code, CodeSystems.LOINC, WoundResources.WOUND_PANEL)) {
                throw Refusal.invalid("code '" + t + "' (wound size) is searched on its own: code=" + CodeSystems.LOINC + "|"
                        + WoundResources.WOUND_PANEL + " finds the wound measurements, other codes the readings");
            }
            List<String> found = new ArrayList<>();
            if ((system == null || system.equals(CodeSystems.LOINC)) && code.equals(BLOOD_PRESSURE_LOINC)
                    || (system == null || system.equals(CodeSystems.MDC)) && code.equals(BLOOD_PRESSURE_MDC)) {
                found.add(ObservationType.SYSTOLIC_BP.wireName());
                found.add(ObservationType.DIASTOLIC_BP.wireName());
            }
            for (ObservationType type : ObservationType.values()) {
                if (matches(system, code, type.codeSystem(), type.code()) || matches(system, code, CodeSystems.LOINC, type.loinc())
                        || matches(system, code, CodeSystems.MDC, type.mdc())) {
                    found.add(type.wireName());
                }
            }
            if (found.isEmpty()) {
                throw Refusal.invalid("code '" + t + "' is none of the codes served: give system|code with an NPU ("
                        + CodeSystems.NPU + "), MedCom (" + CodeSystems.MEDCOM + "), LOINC (" + CodeSystems.LOINC + ") or MDC ("
                        + CodeSystems.MDC + ") code from docs/fhir.md, e.g. " + CodeSystems.LOINC + "|8867-4");
            }
            types.addAll(found);
        }
        return List.copyOf(types);
    }

    /**
     * The types a search reads for the codes asked: as {@link #typesFor}, and a pressure asked for
     * alone brings the other, as it is served in the blood-pressure panel with both components (the
     * panel came with half of it: not valid for R4's profile, and unlike the same id read alone).
     */
    static List<String> typesSearchedFor(String parameter) {
        Set<String> types = new LinkedHashSet<>(typesFor(parameter));
        if (types.contains(ObservationType.SYSTOLIC_BP.wireName()) || types.contains(ObservationType.DIASTOLIC_BP.wireName())) {
            types.add(ObservationType.SYSTOLIC_BP.wireName());
            types.add(ObservationType.DIASTOLIC_BP.wireName());
        }
        return List.copyOf(types);
    }

    private static boolean matches(String askedSystem, String askedCode, String system, String code) {
        return code != null && code.equals(askedCode) && (askedSystem == null || askedSystem.isEmpty() || askedSystem.equals(system));
    }
}
