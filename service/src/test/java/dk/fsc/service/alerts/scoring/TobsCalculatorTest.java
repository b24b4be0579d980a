package dk.fsc.service.alerts.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TobsCalculatorTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private final TobsCalculator calculator = new TobsCalculator(Duration.ofHours(24), ResponsePolicy.DEFAULT);

    @Test
    void scoresAllFiveParametersOfAWellPatientGreen() {
        TobsScore score = calculator.score(List.of(m("pulse", 72), m("respiration_rate", 16), m("systolic_bp", 130),
                t(37.0, "rectal"), m("consciousness", 0)), NOW);
        assertEquals(0, score.total());
        assertEquals(Colour.GREEN, score.colour());
        assertFalse(score.partial());
        assertEquals(5, score.items().size());
    }

    @Test
    void aTotalOfOneOrTwoIsYellowAndThreeIsRed() {
        assertEquals(Colour.YELLOW, calculator.score(List.of(m("pulse", 95)), NOW).colour());
        assertEquals(Colour.YELLOW, calculator.score(List.of(m("pulse", 95), m("respiration_rate", 10)), NOW).colour());
        TobsScore three = calculator.score(List.of(m("pulse", 95), m("respiration_rate", 10), m("systolic_bp", 90)), NOW);
        assertEquals(3, three.total());
        assertEquals(Colour.RED, three.colour());
    }

    @Test
    void aSingleParameterScoringThreeIsRed() {
        TobsScore score = calculator.score(List.of(m("pulse", 135)), NOW);
        assertEquals(3, score.total());
        assertEquals(Colour.RED, score.colour());
    }

    @Test
    void correctsOralAndAxillaryTemperaturesToRectal() {
        assertEquals(1, calculator.score(List.of(t(37.5, "oral")), NOW).total(), "37.5 oral is 38.0 rectal");
        assertEquals(1, calculator.score(List.of(t(37.0, "axillary")), NOW).total(), "37.0 axillary is 38.0 rectal");
        assertEquals(0, calculator.score(List.of(t(37.5, "ear")), NOW).total());
    }

    @Test
    void asksForARectalRemeasurementBelow36OrAbove40() {
        assertTrue(calculator.score(List.of(t(35.5, "rectal")), NOW).advice().get(0).contains("re-measure rectally"));
        assertTrue(calculator.score(List.of(t(40.1, "rectal")), NOW).advice().get(0).contains("re-measure rectally"));
        assertTrue(calculator.score(List.of(t(38.0, "rectal")), NOW).advice().isEmpty());
    }

    @Test
    void aPartialScoreNamesWhatIsMissingAndHowOldEachValueIs() {
        TobsScore score = calculator.score(List.of(new Measurement("pulse", 72, NOW.minus(Duration.ofHours(3)))), NOW);
        assertTrue(score.partial());
        assertEquals(List.of(TobsParameter.RESPIRATION_RATE, TobsParameter.SYSTOLIC_BP, TobsParameter.TEMPERATURE,
                TobsParameter.CONSCIOUSNESS), score.missing());
        assertEquals(Duration.ofHours(3), score.items().get(0).age());
    }

    @Test
    void valuesOlderThanTheWindowDoNotCount() {
        TobsScore score = calculator.score(List.of(new Measurement("pulse", 140, NOW.minus(Duration.ofHours(25)))), NOW);
        assertEquals(0, score.total());
        assertTrue(score.missing().contains(TobsParameter.PULSE));
    }

    @Test
    void usesTheNewestValueOfEachParameter() {
        TobsScore score = calculator.score(List.of(new Measurement("pulse", 140, NOW.minus(Duration.ofHours(2))),
                new Measurement("pulse", 80, NOW.minus(Duration.ofHours(1)))), NOW);
        assertEquals(0, score.total());
    }

    @Test
    void ofTwoValuesTakenAtTheSameTimeTheLaterReceivedCounts() {
        Instant at = NOW.minus(Duration.ofMinutes(10));
        TobsScore score = calculator.score(List.of(new Measurement("pulse", 80, at), new Measurement("pulse", 135, at)), NOW);
        assertEquals(3, score.total());
    }

    @Test
    void anOrganisationsPolicyDecidesTheColourAndIsNamedOnTheResult() {
        ResponsePolicy strict = new ResponsePolicy("strict-v1", 1, 2, true);
        TobsScore score = new TobsCalculator(Duration.ofHours(24), strict).score(List.of(m("pulse", 115)), NOW);
        assertEquals(Colour.RED, score.colour());
        assertEquals("strict-v1", score.policy());
    }

    private static Measurement m(String type, double value) {
        return new Measurement(type, value, NOW.minus(Duration.ofMinutes(30)));
    }

    private static Measurement t(double celsius, String site) {
        return new Measurement("temperature", celsius, NOW.minus(Duration.ofMinutes(30)), site);
    }
}
