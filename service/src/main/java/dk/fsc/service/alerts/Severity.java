package dk.fsc.service.alerts;

import dk.fsc.service.alerts.scoring.Colour;

/** An alert's severity, in increasing order: blue (missing measurement), yellow, red. */
public enum Severity {
    BLUE, YELLOW, RED;

    public String db() {
        return name().toLowerCase();
    }

    public static Severity of(String db) {
        return valueOf(db.toUpperCase());
    }

    /** Green is no alert, so it has no severity. */
    public static Severity of(Colour colour) {
        return switch (colour) {
            case RED -> RED;
            case YELLOW -> YELLOW;
            case GREEN -> throw new IllegalArgumentException("green raises no alert");
        };
    }

    public boolean worseThan(Severity other) {
        return ordinal() > other.ordinal();
    }
}
