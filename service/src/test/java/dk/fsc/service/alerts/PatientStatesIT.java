package dk.fsc.service.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dk.fsc.gateway.contract.Questionnaire;
import dk.fsc.service.alerts.scoring.Limits;
import dk.fsc.service.alerts.scoring.Measurement;
import dk.fsc.service.alerts.scoring.ThresholdSet;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An evaluation claim's patients are read together ({@link PatientState#loadAll}): each gets exactly
 * its own values, weights, limits, symptom diary and CAT baseline, the same as when read alone, and a
 * patient that does not exist is left out.
 */
@MicronautTest(transactional = false)
class PatientStatesIT extends IntegrationTest {
    private static final Duration WINDOW = Duration.ofHours(24);
    private static final Duration WEIGHTS = Duration.ofDays(3);
    private static final String DIARY = Questionnaire.COPD_DIARY.wireName();
    private final Fixtures fixtures = new Fixtures();

    @Test
    void aClaimsPatientsReadTogetherEachGetOnlyTheirOwn() throws Exception {
        String organisation = fixtures.organisation();
        UUID first = fixtures.patient(organisation);
        UUID second = fixtures.patient(organisation);
        UUID empty = fixtures.patient(organisation);
        UUID unknown = UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        reading(first, "spo2", 95, now.minus(Duration.ofHours(5)));
        reading(first, "spo2", 88, now.minus(Duration.ofHours(1)));          // the newest counts
        reading(first, "pulse", 101, now.minus(Duration.ofHours(2)));
        reading(first, "weight", 80.0, now.minus(Duration.ofDays(2)));      // every weight of the trend's period
        reading(first, "weight", 81.5, now.minus(Duration.ofHours(3)));
        reading(first, "cat_score", 14, now.minus(Duration.ofHours(4)));
        reading(first, "cat_score", 9, now.minus(Duration.ofDays(20)));     // its baseline: the first CAT total
        reading(second, "spo2", 97, now.minus(Duration.ofMinutes(30)));
        reading(second, "temperature", 39.5, now.minus(Duration.ofDays(2))); // outside the window: not scored
        reading(second, "weight", 70.0, now.minus(Duration.ofHours(6)));
        limits(first, "spo2", null, null, 90.0, 86.0, false);
        limits(second, "pulse", 150.0, 120.0, null, null, false);
        limits(second, "pulse", null, null, null, null, true);              // cleared: the default again
        diary(first, now.minus(Duration.ofHours(10)), "breathlessness", "worse", "red");
        diary(first, now.minus(Duration.ofHours(2)), "breathlessness", "same", "green"); // the newest diary counts
        diary(first, now.minus(Duration.ofHours(2)), "sputum", "more", "yellow");
        diary(second, now.minus(Duration.ofHours(8)), "sputum", "same", "green");

        try (Connection c = TestInfrastructure.database().connect()) {
            Sql sql = Sql.on(c);
            Map<UUID, PatientState> together = PatientState.loadAll(sql, List.of(first, second, empty, unknown), now, WINDOW, WEIGHTS);
            assertEquals(Set.of(first, second, empty), together.keySet(), "a patient that does not exist is left out");

            PatientState one = together.get(first);
            assertEquals(List.of("weight 80.0", "cat_score 14.0", "weight 81.5", "spo2 88.0"),
                    one.measurements().stream().filter(m -> !m.type().equals("pulse")).map(PatientStatesIT::shown).toList());
            assertEquals(1, one.measurements().stream().filter(m -> m.type().equals("pulse")).count());
            assertEquals(new Limits(null, null, 90.0, 86.0), one.thresholds().limitsFor("spo2").orElseThrow());
            assertEquals(List.of("breathlessness same", "sputum more"),
                    one.symptoms().stream().map(a -> a.item() + " " + a.answer()).toList());
            assertEquals(9.0, one.catBaseline());

            PatientState two = together.get(second);
            assertEquals(List.of("weight 70.0", "spo2 97.0"), two.measurements().stream().map(PatientStatesIT::shown).toList());
            assertEquals(ThresholdSet.copdDefaults(false).limitsFor("pulse"), two.thresholds().limitsFor("pulse"),
                    "a cleared change is the programme's default again");
            assertEquals(List.of("sputum same"), two.symptoms().stream().map(a -> a.item() + " " + a.answer()).toList());
            assertNull(two.catBaseline(), "no CAT total in the window: no baseline looked for");

            PatientState none = together.get(empty);
            assertEquals(List.of(), none.measurements());
            assertEquals(List.of(), none.symptoms());
            assertEquals(organisation, none.organisationId());

            for (UUID patient : List.of(first, second, empty)) { // together as each alone
                PatientState alone = PatientState.load(sql, patient, now, WINDOW, WEIGHTS);
                PatientState read = together.get(patient);
                assertEquals(alone.measurements(), read.measurements());
                assertEquals(alone.symptoms(), read.symptoms());
                assertEquals(alone.catBaseline(), read.catBaseline());
                assertEquals(alone.policy(), read.policy());
                for (String type : List.of("spo2", "pulse", "temperature", "systolic_bp")) {
                    assertEquals(alone.thresholds().limitsFor(type), read.thresholds().limitsFor(type), type);
                }
            }
            assertThrows(IllegalStateException.class, () -> PatientState.load(sql, unknown, now, WINDOW, WEIGHTS));
        }
    }

    private static String shown(Measurement m) {
        return m.type() + " " + m.value();
    }

    private void reading(UUID patient, String type, double value, Instant at) {
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                VALUES ('states-it', ?, 0, ?, ?, ?, ?)""", UUID.randomUUID().toString(), Timestamp.from(at), patient, type, value);
    }

    private void limits(UUID patient, String type, Double redHigh, Double yellowHigh, Double yellowLow, Double redLow, boolean cleared) {
        fixtures.update("""
                INSERT INTO threshold_changes (patient_id, type, red_high, yellow_high, yellow_low, red_low, cleared, reason, changed_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'test', 'test')""", patient, type, redHigh, yellowHigh, yellowLow, redLow, cleared);
    }

    private void diary(UUID patient, Instant at, String item, String answer, String severity) {
        fixtures.update("""
                INSERT INTO questionnaire_answers (device_id, message_id, seq, answered_at, patient_id, questionnaire, version, item,
                                                   answer, points, severity)
                VALUES ('states-it', ?, 0, ?, ?, ?, '1', ?, ?, 0, ?)""",
                UUID.randomUUID().toString(), Timestamp.from(at), patient, DIARY, item, answer, severity);
    }
}
