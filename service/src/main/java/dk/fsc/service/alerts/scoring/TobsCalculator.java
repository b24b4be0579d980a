package dk.fsc.service.alerts.scoring;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Computes TOBS (Tidlig Opsporing af Begyndende Sygdom) from a patient's latest measurements.
 * Values older than the window do not count; the result then is partial and says so.
 */
public final class TobsCalculator {
    private final Duration window;
    private final ResponsePolicy policy;

    /**
     * @param window how old a value may be and still count (default 24 h)
     */
    public TobsCalculator(Duration window, ResponsePolicy policy) {
        this.window = window;
        this.policy = policy;
    }

    /**
     * Scores the newest value of each parameter among the given measurements, as of {@code now}.
     * Measurements are given in the order they were taken; of two taken at the same time the later
     * one in the list (the later received) counts.
     */
    public TobsScore score(Collection<Measurement> measurements, Instant now) {
        Map<TobsParameter, Measurement> latest = latestPerParameter(measurements, now);
        List<TobsScore.Item> items = new ArrayList<>();
        List<TobsParameter> missing = new ArrayList<>();
        List<String> advice = new ArrayList<>();
        int total = 0;
        int highest = 0;
        for (TobsParameter parameter : TobsParameter.values()) {
            Measurement m = latest.get(parameter);
            if (m == null) {
                missing.add(parameter);
                continue;
            }
            double scored = m.value();
            if (parameter == TobsParameter.TEMPERATURE) {
                scored = TemperatureSite.of(m.site()).toRectal(m.value());
                if (scored < 36.0 || scored > 40.0) {
                    advice.add("Temperature " + m.value() + " °C (" + siteName(m.site()) + "): re-measure rectally, as the TOBS guideline asks below 36 °C and above 40 °C.");
                }
            }
            int points = parameter.points(scored);
            total += points;
            highest = Math.max(highest, points);
            // A device clock a little ahead gives a negative age: shown as 0.
            Duration age = Duration.between(m.measuredAt(), now);
            items.add(new TobsScore.Item(parameter, m.value(), scored, points, m.measuredAt(), age.isNegative() ? Duration.ZERO : age, m.receivedAt()));
        }
        return new TobsScore(total, policy.colour(total, highest), !missing.isEmpty(), List.copyOf(items), List.copyOf(missing),
                List.copyOf(advice), policy.name());
    }

    private Map<TobsParameter, Measurement> latestPerParameter(Collection<Measurement> measurements, Instant now) {
        Map<TobsParameter, Measurement> latest = new EnumMap<>(TobsParameter.class);
        for (TobsParameter parameter : TobsParameter.values()) {
            newest(measurements, parameter, now).ifPresent(m -> latest.put(parameter, m));
        }
        return latest;
    }

    private Optional<Measurement> newest(Collection<Measurement> measurements, TobsParameter parameter, Instant now) {
        Instant oldest = now.minus(window);
        return measurements.stream()
                .filter(m -> m.type().equals(parameter.type()))
                .filter(m -> !m.measuredAt().isBefore(oldest))
                .reduce((a, b) -> b.measuredAt().isBefore(a.measuredAt()) ? a : b); // on a tie the later in the list wins
    }

    private static String siteName(String site) {
        return site == null ? "site not given" : site;
    }
}
