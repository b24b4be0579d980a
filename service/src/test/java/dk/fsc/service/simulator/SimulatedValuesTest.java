package dk.fsc.service.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.contract.Decoded;
import dk.fsc.gateway.contract.Reading;
import dk.fsc.gateway.contract.ReadingDecoder;
import dk.fsc.service.alerts.scoring.Colour;
import dk.fsc.service.alerts.scoring.Measurement;
import dk.fsc.service.alerts.scoring.ResponsePolicy;
import dk.fsc.service.alerts.scoring.ThresholdSet;
import dk.fsc.service.alerts.scoring.TobsCalculator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The fault suite counts on the simulator's values: a patient who has not deteriorated must never
 * alert (TOBS green, inside the COPD default thresholds) at any hour, one who has must be red, and
 * a payload meant to be refused must be refused by the gateway's own decoder with the code the
 * log expects.
 */
class SimulatedValuesTest {
    private static final Instant START = Instant.parse("2026-11-23T00:00:00Z");
    /** The gateway's clock: the end of the simulated day, so no hour of it is in the future. */
    private static final Instant NOW = START.plus(Duration.ofDays(1));
    private static final ReadingDecoder DECODER = new ReadingDecoder(Clock.fixed(NOW, ZoneOffset.UTC),
            Duration.ofMinutes(5), Duration.ofDays(30));

    @Test
    void normalValuesStayGreenAtEveryHourAndDeterioratedOnesAreRed() throws Exception {
        Random r = new Random(42);
        TobsCalculator tobs = new TobsCalculator(Duration.ofHours(24), ResponsePolicy.DEFAULT);
        ThresholdSet thresholds = ThresholdSet.copdDefaults(false);
        int checked = 0;
        for (int patient = 0; patient < 300; patient++) {
            Messages.Baseline baseline = Messages.Baseline.draw(r);
            for (Kit.Type type : Kit.named("copd", false).types()) {
                SimulatedFleet.Device device = new SimulatedFleet.Device("SIM-T-" + patient, type, UUID.randomUUID(), patient);
                for (int hour = 0; hour < 24; hour++) {
                    Instant at = START.plus(Duration.ofHours(hour));
                    List<Measurement> normal = measurements(Messages.reading(device, "m", at, baseline, false, r));
                    for (Measurement m : normal) {
                        assertEquals(Colour.GREEN, thresholds.classify(m), () -> "normal " + m + " is not green for the thresholds");
                        checked++;
                    }
                    assertEquals(0, tobs.score(normal, at).total(), () -> "normal values scored: " + normal);
                    Messages.Message worse = Messages.reading(device, "w", at, baseline, true, r);
                    if (worse.red()) {
                        assertEquals(Colour.RED, tobs.score(measurements(worse), at).colour(), () -> "deteriorated but not red: " + worse.logLine());
                    }
                }
            }
        }
        assertTrue(checked > 50_000, "checked " + checked + " values");
    }

    @Test
    void everyRefusedPayloadIsRefusedByTheGatewaysDecoderWithTheLoggedCode() throws Exception {
        Random r = new Random(7);
        SimulatedFleet.Device device = new SimulatedFleet.Device("SIM-T-1", Kit.Type.PULSE_OXIMETER, UUID.randomUUID(), 0);
        java.util.Set<String> codes = new java.util.TreeSet<>();
        for (int i = 0; i < 300; i++) {
            Messages.Message bad = Messages.bad(device, "b-" + i, NOW, r);
            List<Decoded> decoded = DECODER.decode(bad.payload());
            assertEquals(1, decoded.size());
            assertTrue(decoded.get(0) instanceof Decoded.Invalid, () -> "accepted: " + new String(bad.payload()));
            String code = ((Decoded.Invalid) decoded.get(0)).reason().code().name();
            assertEquals(bad.code(), code, () -> "payload " + new String(bad.payload()));
            codes.add(code);
        }
        assertEquals(6, codes.size(), "every kind of refusal was tried: " + codes);
    }

    /** The reading as the gateway decodes it (so it must also pass the gateway's checks). */
    private static List<Measurement> measurements(Messages.Message m) {
        List<Decoded> decoded = DECODER.decode(m.payload());
        assertEquals(1, decoded.size());
        Decoded.Valid valid = assertInstanceOf(Decoded.Valid.class, decoded.get(0), () -> "refused: " + m.logLine());
        Reading reading = valid.reading();
        return reading.observations().stream()
                .map(o -> new Measurement(o.type().wireName(), o.value(), reading.measuredAt(), o.site())).toList();
    }
}
