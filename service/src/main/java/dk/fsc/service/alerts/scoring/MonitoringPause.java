package dk.fsc.service.alerts.scoring;

import java.time.Duration;
import java.time.Instant;

/**
 * A pause of a patient's monitoring (admitted to hospital, on holiday): while it lasts no
 * missing-measurement alert is raised, so a citizen on a pause is not watched for silence.
 * Decisions (docs/early-warning.md): a pause lasts at most {@link #MAX_LENGTH} (a longer absence
 * is a change of the monitoring plan, not a pause; a pause can be registered again when it ends),
 * ends after it starts and in the future, may start at most {@link #MAX_BACKDATED} ago (an
 * admission registered after the weekend) and at most {@link #MAX_AHEAD} ahead. A pause longer
 * than {@link #LONG} is a long pause: it is listed for the organisation's nurses, so nobody is
 * left out of sight for weeks without anyone noticing.
 */
public record MonitoringPause(Instant from, Instant to) {
    public static final Duration MAX_LENGTH = Duration.ofDays(90);
    public static final Duration MAX_BACKDATED = Duration.ofDays(7);
    public static final Duration MAX_AHEAD = Duration.ofDays(365);
    public static final Duration LONG = Duration.ofDays(14);

    public MonitoringPause {
        if (!to.isAfter(from)) {
            throw new InvalidInput("to", "to (" + to + ") must be after from (" + from + ")");
        }
    }

    /**
     * A pause a nurse or clinician registers at {@code now}.
     *
     * @throws InvalidInput naming the field at fault and the bound it broke
     */
    public static MonitoringPause register(Instant from, Instant to, Instant now) {
        MonitoringPause pause = new MonitoringPause(from, to);
        if (!to.isAfter(now)) {
            throw new InvalidInput("to", "to (" + to + ") is in the past: a pause must end in the future");
        }
        if (from.isBefore(now.minus(MAX_BACKDATED))) {
            throw new InvalidInput("from", "from (" + from + ") may be at most " + MAX_BACKDATED.toDays() + " days ago");
        }
        if (from.isAfter(now.plus(MAX_AHEAD))) {
            throw new InvalidInput("from", "from (" + from + ") may be at most " + MAX_AHEAD.toDays() + " days ahead");
        }
        if (pause.length().compareTo(MAX_LENGTH) > 0) {
            throw new InvalidInput("to", "a pause lasts at most " + MAX_LENGTH.toDays() + " days (this one " + pause.length().toDays()
                    + "); for a longer absence change the patient's schedule, or register a new pause when this one ends");
        }
        return pause;
    }

    public Duration length() {
        return Duration.between(from, to);
    }

    /** Longer than {@link #LONG}: shown to the organisation's nurses as a long pause. */
    public boolean isLong() {
        return length().compareTo(LONG) > 0;
    }
}
