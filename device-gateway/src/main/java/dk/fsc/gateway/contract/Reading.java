package dk.fsc.gateway.contract;

import java.time.Instant;
import java.util.List;

/**
 * A decoded, normalised reading: one device message with 1 to 100 observations taken together,
 * or a questionnaire's answers (with the observation they add up to, if any) and up to 99 more.
 *
 * @param answers the questionnaire answered, or null
 */
public record Reading(String messageId, Instant measuredAt, List<Observation> observations, Answers answers) {

    public Reading(String messageId, Instant measuredAt, List<Observation> observations) {
        this(messageId, measuredAt, observations, null);
    }

    /**
     * What the reading says, in one canonical text: the time and every observation in order, in
     * the stored units. Two messages with the same id are the same reading (a resend: duplicate)
     * exactly when this is equal; the spelling of the JSON (spacing, field order, unit) does not count.
     * Answers are written after the observations, so a reading without them reads as it always did.
     */
    public String content() {
        StringBuilder b = new StringBuilder(measuredAt.toString());
        for (Observation o : observations) {
            b.append('\n').append(o.type().wireName()).append(' ').append(o.value()).append(' ').append(o.site())
                    .append(' ').append(o.source());
        }
        if (answers != null) {
            b.append("\nquestionnaire ").append(answers.questionnaire().wireName()).append(' ').append(answers.questionnaire().version());
            for (Answers.Answer a : answers.answers()) {
                b.append('\n').append(a.item().id()).append(' ').append(a.option().code());
            }
        }
        return b.toString();
    }
}
