package dk.fsc.service.console.nurse;

import dk.fsc.service.alerts.scoring.LimitedType;
import java.util.Map;

/** The units (of observations and of cat_change) as people write them (the stored UCUM codes are for machines: "Cel", "mm[Hg]"). */
public final class Units {
    private static final Map<String, String> SHOWN = Map.of("Cel", "°C", "mm[Hg]", "mmHg", "{score}", "", "/min", "/min");

    private Units() {
    }

    /** Every type's unit as shown, for the pages' models ({@code units.get(type)}). */
    public static Map<String, String> all() {
        Map<String, String> m = new java.util.HashMap<>();
        for (LimitedType t : LimitedType.all()) {
            m.put(t.wireName(), of(t.wireName()));
        }
        return m;
    }

    public static String of(String type) {
        return LimitedType.of(type).map(t -> SHOWN.getOrDefault(t.unit(), t.unit())).orElse("");
    }
}
