package dk.fsc.gateway.contract;

import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleUnaryOperator;

/**
 * The observation types of the MQTT contract, each with its one stored UCUM unit, the unit
 * spellings accepted on ingest (with their conversion), the range that is physically possible,
 * and its Danish code (NPU or MedCom MCS) plus LOINC and IEEE 11073 MDC where they exist.
 */
public enum ObservationType {
    /** A fraction only with unit {@code 1} (0.97 is 97 %); a value in {@code %} is taken as it is, so 0.5 % stays 0.5 and is implausible. */
    SPO2("spo2", "%", 30, 100, CodeSystems.NPU, "NPU03011", "2708-6", "150456",
            Map.of("%", v -> v, "1", v -> v * 100)),
    PULSE("pulse", "/min", 20, 300, CodeSystems.NPU, "NPU21692", "8867-4", "149546",
            Map.of("/min", v -> v, "{beats}/min", v -> v, "bpm", v -> v)),
    RESPIRATION_RATE("respiration_rate", "/min", 2, 80, CodeSystems.MEDCOM, "MCS88122", "9279-1", "151562",
            Map.of("/min", v -> v, "{breaths}/min", v -> v)),
    TEMPERATURE("temperature", "Cel", 25, 45, CodeSystems.NPU, "NPU08676", "8310-5", "150364",
            Map.of("Cel", v -> v, "°C", v -> v, "[degF]", v -> (v - 32) * 5 / 9, "°F", v -> (v - 32) * 5 / 9)),
    SYSTOLIC_BP("systolic_bp", "mm[Hg]", 40, 300, CodeSystems.MEDCOM, "MCS88019", "8480-6", "150021",
            Map.of("mm[Hg]", v -> v, "mmHg", v -> v, "kPa", v -> v * 7.500617)),
    DIASTOLIC_BP("diastolic_bp", "mm[Hg]", 20, 200, CodeSystems.MEDCOM, "MCS88020", "8462-4", "150022",
            Map.of("mm[Hg]", v -> v, "mmHg", v -> v, "kPa", v -> v * 7.500617)),
    WEIGHT("weight", "kg", 1, 400, CodeSystems.NPU, "NPU03804", "29463-7", "188736",
            Map.of("kg", v -> v, "g", v -> v / 1000, "[lb_av]", v -> v * 0.45359237, "lb", v -> v * 0.45359237)),
    FEV1("fev1", "L", 0.1, 10, CodeSystems.MEDCOM, "MCS88015", "20150-9", "152586",
            Map.of("L", v -> v, "l", v -> v, "mL", v -> v / 1000)),
    CAT_SCORE("cat_score", "{score}", 0, 40, CodeSystems.MEDCOM, "MCS88137", null, null,
            Map.of("{score}", v -> v)),
    CONSCIOUSNESS("consciousness", "{score}", 0, 3, CodeSystems.MEDCOM, "MCS88126", null, null,
            Map.of("{score}", v -> v, "{code}", v -> v));

    private final String wireName;
    private final String unit;
    private final double min;
    private final double max;
    private final String codeSystem;
    private final String code;
    private final String loinc;
    private final String mdc;
    private final Map<String, DoubleUnaryOperator> acceptedUnits;

    ObservationType(String wireName, String unit, double min, double max, String codeSystem, String code,
                    String loinc, String mdc, Map<String, DoubleUnaryOperator> acceptedUnits) {
        this.wireName = wireName;
        this.unit = unit;
        this.min = min;
        this.max = max;
        this.codeSystem = codeSystem;
        this.code = code;
        this.loinc = loinc;
        this.mdc = mdc;
        this.acceptedUnits = acceptedUnits;
    }

    public static Optional<ObservationType> fromWire(String name) {
        for (ObservationType t : values()) {
            if (t.wireName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Converts a value in an accepted unit to the stored unit, or empty when the unit is not accepted. */
    public Optional<Double> toStoredUnit(double value, String givenUnit) {
        DoubleUnaryOperator conversion = acceptedUnits.get(givenUnit);
        return conversion == null ? Optional.empty() : Optional.of(conversion.applyAsDouble(value));
    }

    public boolean isPlausible(double storedValue) {
        return storedValue >= min && storedValue <= max;
    }

    /** Whether only whole numbers make sense (questionnaire scores and codes). */
    public boolean isInteger() {
        return unit.equals("{score}");
    }

    public String wireName() { return wireName; }
    public String unit() { return unit; }
    public double min() { return min; }
    public double max() { return max; }
    public String codeSystem() { return codeSystem; }
    public String code() { return code; }
    public String loinc() { return loinc; }
    public String mdc() { return mdc; }
    public java.util.Set<String> acceptedUnits() { return acceptedUnits.keySet(); }
}
