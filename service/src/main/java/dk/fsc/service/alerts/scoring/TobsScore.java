package dk.fsc.service.alerts.scoring;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A TOBS result: the total of the parameters that had a recent value, its colour under the
 * policy, and for each parameter used its value, points and age. {@code partial} when fewer than
 * five parameters counted; {@code missing} says which.
 *
 * @param advice texts for the nurse, e.g. to re-measure a temperature rectally
 */
public record TobsScore(int total, Colour colour, boolean partial, List<Item> items, List<TobsParameter> missing,
                        List<String> advice, String policy) {

    /**
     * One parameter that counted.
     *
     * @param value       as measured
     * @param scoredValue the value scored (a temperature corrected to rectal)
     */
    public record Item(TobsParameter parameter, double value, double scoredValue, int points, Instant measuredAt, Duration age, Instant receivedAt) {
    }
}
