package dk.fsc.service.alerts.scoring;

/** Triage colour, in increasing severity (municipal home-care green / yellow / red). */
public enum Colour {
    GREEN, YELLOW, RED;

    public Colour worst(Colour other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
