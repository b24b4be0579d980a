package dk.fsc.service.alerts.scoring;

import dk.fsc.gateway.contract.ObservationType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a clinician can set limits on: every observation type, and {@link #CAT_CHANGE}, the change
 * of the CAT total from the patient's baseline (docs/early-warning.md, "Questionnaires"). Each
 * with its unit and the range a limit must lie in.
 */
public record LimitedType(String wireName, String unit, double min, double max) {

    /** The newest CAT total minus the patient's baseline: positive is worse. */
    public static final LimitedType CAT_CHANGE = new LimitedType("cat_change", "{score}", -40, 40);

    private static final List<LimitedType> ALL;

    static {
        List<LimitedType> all = new ArrayList<>();
        for (ObservationType t : ObservationType.values()) {
            all.add(new LimitedType(t.wireName(), t.unit(), t.min(), t.max()));
        }
        all.add(CAT_CHANGE);
        ALL = List.copyOf(all);
    }

    /** Every type in the order pages and lists show them: the observation types, then the derived ones. */
    public static List<LimitedType> all() {
        return ALL;
    }

    public static LimitedType of(ObservationType type) {
        return of(type.wireName()).orElseThrow();
    }

    public static Optional<LimitedType> of(String wireName) {
        return ALL.stream().filter(t -> t.wireName().equals(wireName)).findFirst();
    }
}
