package dk.fsc.service.simulator;

import java.util.List;
import java.util.Locale;

/**
 * The home devices one simulated patient has. {@code copd}: the COPD home-monitoring kit (pulse
 * oximeter, blood pressure monitor, thermometer, scale, spirometer, questionnaire tablet and, with
 * photos on, a wound camera). {@code single}: one device sending one observation (pulse) per
 * message, the unit the ingest benchmark counts.
 */
public record Kit(String name, List<Type> types) {

    /** A simulated device type: its catalogue code and the observations one message carries. */
    public enum Type {
        PULSE_OXIMETER("pulse_oximeter", "spo2", "pulse"),
        BLOOD_PRESSURE("blood_pressure", "systolic_bp", "diastolic_bp", "pulse"),
        THERMOMETER("thermometer", "temperature"),
        SCALE("scale", "weight"),
        SPIROMETER("spirometer", "fev1"),
        TABLET("tablet", "cat_score", "respiration_rate", "consciousness"),
        CAMERA("camera"),
        PULSE_ONLY("pulse_oximeter", "pulse");

        private final String catalogueType;
        private final List<String> observations;

        Type(String catalogueType, String... observations) {
            this.catalogueType = catalogueType;
            this.observations = List.of(observations);
        }

        public String catalogueType() {
            return catalogueType;
        }

        public List<String> observations() {
            return observations;
        }
    }

    public static Kit named(String name, boolean withCamera) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "copd" -> new Kit("copd", withCamera
                    ? List.of(Type.PULSE_OXIMETER, Type.BLOOD_PRESSURE, Type.THERMOMETER, Type.SCALE, Type.SPIROMETER, Type.TABLET, Type.CAMERA)
                    : List.of(Type.PULSE_OXIMETER, Type.BLOOD_PRESSURE, Type.THERMOMETER, Type.SCALE, Type.SPIROMETER, Type.TABLET));
            case "single" -> new Kit("single", List.of(Type.PULSE_ONLY));
            default -> throw new IllegalArgumentException("unknown kit '" + name + "': use copd or single");
        };
    }
}
