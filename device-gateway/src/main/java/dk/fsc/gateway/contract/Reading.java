package dk.fsc.gateway.contract;

import java.time.Instant;
import java.util.List;

/** A decoded, normalised reading: one device message with 1 to 100 observations taken together. */
public record Reading(String messageId, Instant measuredAt, List<Observation> observations) {

    /**
     * What the reading says, in one canonical text: the time and every observation in order, in
     * the stored units. Two messages with the same id are the same reading (a resend: duplicate)
     * exactly when this is equal; the spelling of the JSON (spacing, field order, unit) does not count.
     */
    public String content() {
        StringBuilder b = new StringBuilder(measuredAt.toString());
        for (Observation o : observations) {
            b.append('\n').append(o.type().wireName()).append(' ').append(o.value()).append(' ').append(o.site())
                    .append(' ').append(o.source());
        }
        return b.toString();
    }
}
