package dk.fsc.service.readings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.lifecycle.Timescale;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The fold gives back the space of the deltas it folded when the table has grown past
 * {@code fsc.rollups.vacuum-from} (here any size), whether or not autovacuum runs: without it,
 * each fold would read the dead pages of every earlier one.
 */
@MicronautTest(transactional = false)
class RollupFoldVacuumIT extends IntegrationTest {
    @Inject
    RollupFold fold;

    @Inject
    Timescale timescale;

    private final Fixtures fixtures = new Fixtures();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("fsc.rollups.vacuum-from", "1");
        p.put("fsc.rollups.vacuum-every", "0s");
        p.put("fsc.rollups.fold-every", "1h"); // no scheduled fold meanwhile: the test's own folds are the ones that vacuum
        return p;
    }

    @Test
    void aFoldGivesBackTheSpaceOfTheDeltasItFolded() {
        Assumptions.assumeFalse(timescale.on(), "on TimescaleDB the rollups are continuous aggregates: no deltas");
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        fold.fold(); // what earlier tests left
        for (int i = 0; i < 300; i++) { // a statement each: 300 deltas, about 4 pages
            fixtures.update("""
                    INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                    VALUES (?, ?, 0, now() - ? * interval '1 minute', ?, 'pulse', 70)""", device, "vac-" + i, i, patient);
        }
        long before = fixtures.count("SELECT pg_relation_size('reading_rollup_deltas')");
        assertTrue(before >= 3 * 8192, "the deltas take pages: " + before);
        assertTrue(fold.fold() >= 300);
        assertEquals(0, fixtures.count("SELECT count(*) FROM reading_rollup_deltas"));
        assertEquals(0, fixtures.count("SELECT pg_relation_size('reading_rollup_deltas')"),
                "the folded deltas' pages vacuumed away (the empty table truncated)");
        assertEquals(300, fixtures.count("SELECT sum(count) FROM reading_rollups_hourly WHERE patient_id = ?", patient));
    }
}
