package dk.fsc.service.alerts.scoring;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Fluid retention shows as a quick weight gain: more than {@code maxGainKg} within
 * {@code period} (default 2 kg in 3 days) is a yellow finding.
 */
public final class WeightTrend {
    private final double maxGainKg;
    private final Duration period;

    public WeightTrend(double maxGainKg, Duration period) {
        this.maxGainKg = maxGainKg;
        this.period = period;
    }

    /** A gain found among the weights, as (earlier, later), or empty. */
    public record Gain(Measurement from, Measurement to) {
        public double kg() {
            return to.value() - from.value();
        }
    }

    public Optional<Gain> findGain(List<Measurement> weights) {
        List<Measurement> sorted = weights.stream().filter(m -> m.type().equals("weight"))
                .sorted(Comparator.comparing(Measurement::measuredAt)).toList();
        Gain largest = null;
        for (int i = 0; i < sorted.size(); i++) {
            for (int j = i + 1; j < sorted.size(); j++) {
                Measurement a = sorted.get(i);
                Measurement b = sorted.get(j);
                if (Duration.between(a.measuredAt(), b.measuredAt()).compareTo(period) > 0) {
                    break;
                }
                if (b.value() - a.value() > maxGainKg && (largest == null || b.value() - a.value() > largest.kg())) {
                    largest = new Gain(a, b);
                }
            }
        }
        return Optional.ofNullable(largest);
    }
}
