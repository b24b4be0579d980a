package dk.fsc.service.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

/**
 * The store on TimescaleDB (issue #18 item 5): only in the TimescaleDB suite (the service module's
 * {@code timescaledb} profile, which .ci/run turns on with the tsdb cluster of ops/timescaledb);
 * the other time-series tests run there too, and on plain PostgreSQL. Detected at start: readings
 * a hypertable in week chunks compressed by patient and type, the rollups continuous aggregates;
 * monthly partitions only for keys and access log; old chunks compressed and still read and
 * written; and a store of plain partitions converted with every reading and the same rollups.
 */
@MicronautTest(transactional = false)
class TimescaleIT extends IntegrationTest {
    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    Timescale timescale;

    @Inject
    TimescaleMaintenance jobs;

    @Inject
    PartitionMaintenance partitions;

    @Inject
    MeterRegistry registry;

    private final Fixtures fixtures = new Fixtures();

    @Test
    void atStartTheReadingsBecameAHypertableAndTheirRollupsContinuousAggregates() throws Exception {
        assertTrue(timescale.on(), "this suite runs on a server with TimescaleDB");
        assertEquals(1.0, registry.get("fsc.timescaledb.enabled").gauge().value());
        assertEquals("7 days", fixtures.text("""
                SELECT CAST(time_interval AS text) FROM timescaledb_information.dimensions
                 WHERE hypertable_name = 'readings' AND column_name = 'measured_at'"""));
        assertEquals(List.of("patient_id", "type"), fixtures.strings("""
                SELECT attname FROM timescaledb_information.compression_settings
                 WHERE hypertable_name = 'readings' AND segmentby_column_index IS NOT NULL ORDER BY segmentby_column_index"""));
        assertEquals(List.of("reading_rollups_daily", "reading_rollups_hourly"), fixtures.strings("""
                SELECT view_name FROM timescaledb_information.continuous_aggregates ORDER BY 1"""));
        assertEquals(List.of("reading_rollups_daily patient_id", "reading_rollups_daily type", "reading_rollups_hourly patient_id",
                "reading_rollups_hourly type"), fixtures.strings("""
                SELECT a.view_name || ' ' || s.attname FROM timescaledb_information.continuous_aggregates a
                  JOIN timescaledb_information.compression_settings s ON s.hypertable_name = a.materialization_hypertable_name
                 WHERE s.segmentby_column_index IS NOT NULL ORDER BY 1"""), "the aggregates compress by patient and type too");
        assertEquals(List.of("readings_patient_type_time_idx"), fixtures.strings(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'readings' ORDER BY 1"), "the history's index, and no other");

        // Monthly partitions are made for the keys and the access log only; the readings' metrics show their chunks.
        partitions.maintain(Instant.now());
        assertEquals(0, fixtures.count("""
                SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'readings'::regclass AND c.relname ~ '^readings_\\d{4}_\\d{2}$'"""));
        assertTrue(fixtures.count("""
                SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'device_messages'::regclass AND c.relname ~ '^device_messages_\\d{4}_\\d{2}$'""") >= 4);
    }

    @Test
    @SuppressWarnings("unchecked")
    void chunksPastTheBacklogWindowAreCompressedAndStayReadableAndWritable() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        Instant old = Instant.now().minus(Duration.ofDays(60)).truncatedTo(ChronoUnit.HOURS);
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                SELECT ?, 'old-' || i, 0, CAST(? AS timestamptz) + i * interval '1 minute', ?, 'spo2', 90 + i % 5
                  FROM generate_series(0, 19) i""", device, Timestamp.from(old), patient);

        jobs.run(Instant.now()); // (or the scheduled run did it first)
        assertTrue(registry.get("fsc.timescaledb.rollups.refresh").timer().count() >= 1, "each refresh is timed");
        assertTrue(registry.get("fsc.timescaledb.rollups.refreshed.time").gauge().value() > Instant.now().minusSeconds(60).getEpochSecond());
        assertEquals(1, fixtures.count("""
                SELECT count(*) FROM timescaledb_information.chunks
                 WHERE hypertable_name = 'readings' AND is_compressed AND range_start <= ? AND range_end > ?""",
                Timestamp.from(old), Timestamp.from(old)), "the chunk holding them is compressed");
        assertEquals(0, fixtures.count("""
                SELECT count(*) FROM timescaledb_information.chunks
                 WHERE hypertable_name = 'readings' AND is_compressed AND range_end > now() - interval '30 days'"""),
                "nothing within the backlog window is compressed");

        // Five months back, the aggregates' chunks (70 days each) have ended too: their hours and days are compressed as well.
        Instant older = old.minus(Duration.ofDays(90));
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                VALUES (?, 'older', 0, ?, ?, 'spo2', 77)""", device, Timestamp.from(older), patient);
        jobs.run(Instant.now());
        for (String rollup : List.of("reading_rollups_hourly", "reading_rollups_daily")) {
            assertEquals(1, fixtures.count("""
                    SELECT count(*) FROM timescaledb_information.chunks ch
                      JOIN timescaledb_information.continuous_aggregates a ON ch.hypertable_name = a.materialization_hypertable_name
                     WHERE a.view_name = ? AND ch.is_compressed AND ch.range_start <= ? AND ch.range_end > ?""",
                    rollup, Timestamp.from(older), Timestamp.from(older)), rollup + ": the chunk with the reading of five months ago");
        }
        Api nurse = new Api(http, fixtures.nurse(org));
        Map<String, Object> olderHour = nurse.get("/api/patients/" + patient + "/readings?type=spo2&resolution=hour&from="
                + older.minus(Duration.ofHours(1)) + "&to=" + older.plus(Duration.ofHours(1)));
        assertEquals(77.0, ((Number) ((List<Map<String, Object>>) olderHour.get("buckets")).get(0).get("min")).doubleValue(),
                "read back from a compressed chunk of the hourly aggregate");
        String range = "&from=" + old.minus(Duration.ofHours(1)) + "&to=" + old.plus(Duration.ofHours(1));
        Map<String, Object> raw = nurse.get("/api/patients/" + patient + "/readings?type=spo2&resolution=raw" + range);
        assertEquals(20, ((List<?>) raw.get("readings")).size(), raw.toString());

        // A staff correction into the compressed chunk is stored and lands in its hour once the rollups are refreshed.
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value, origin)
                VALUES (?, 'late-into-compressed', 0, CAST(? AS timestamptz) + interval '30 minutes', ?, 'spo2', 70, 'staff')""",
                device, Timestamp.from(old), patient);
        jobs.run(Instant.now());
        Map<String, Object> hours = nurse.get("/api/patients/" + patient + "/readings?type=spo2&resolution=hour" + range);
        List<Map<String, Object>> buckets = (List<Map<String, Object>>) hours.get("buckets");
        assertEquals(21.0, buckets.stream().mapToDouble(b -> ((Number) b.get("count")).doubleValue()).sum(), buckets.toString());
        assertEquals(70.0, buckets.stream().mapToDouble(b -> ((Number) b.get("min")).doubleValue()).min().orElseThrow());
        assertEquals(1.0, buckets.stream().mapToDouble(b -> ((Number) b.get("staffCount")).doubleValue()).sum());
    }

    @Test
    void aStoreOfPlainPartitionsIsConvertedWithEveryReadingAndTheSameRollups() throws Exception {
        TestInfrastructure.Database plain = TestInfrastructure.anotherDatabase();
        Fixtures there = new Fixtures(plain.url(), plain.user(), plain.password());
        UUID patient = there.patient(there.organisation());
        // Three weeks of readings every 37 minutes, some entered by staff, across Danish days and a month boundary.
        there.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value, origin)
                SELECT 'dev-1', 'm-' || i, 0, now() - interval '40 days' + i * interval '37 minutes', ?, 'spo2', 88 + i % 11,
                       CASE WHEN i % 13 = 0 THEN 'staff' ELSE 'device' END
                  FROM generate_series(0, 800) i""", patient);
        // Their rollups as the plain store's fold makes them (V35; no service runs on this database to fold them).
        assertEquals(801, there.count("SELECT sum(count) FROM reading_rollup_deltas"));
        there.count("SELECT folded FROM fold_reading_rollup_deltas(100000, true)");
        String rollups = """
                SELECT string_agg(concat_ws(' ', patient_id, type, bucket, count, min, max, sum, first_at, first_value, last_at, last_value,
                                            staff_count %s), E'\\n' ORDER BY patient_id, type, bucket) FROM %s""";
        String hourlyBefore = there.text(rollups.formatted("", "reading_rollups_hourly"));
        String dailyBefore = there.text(rollups.formatted(", hours", "reading_rollups_daily"));
        long readings = there.count("SELECT count(*) FROM readings");

        try (Connection c = plain.connect()) {
            c.setAutoCommit(false);
            List<String> steps = new java.util.ArrayList<>();
            assertEquals(readings, TimescaleStore.convert(Sql.on(c), Duration.ofDays(7), steps::add));
            assertTrue(steps.size() >= 2 && steps.get(steps.size() - 1).endsWith(readings + " readings so far)"), steps.toString());
            c.commit();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("CALL refresh_continuous_aggregate('reading_rollups_hourly', NULL, NULL)");
                s.execute("CALL refresh_continuous_aggregate('reading_rollups_daily', NULL, NULL)");
            }
            assertTrue(TimescaleStore.converted(Sql.on(c)));
        }
        assertEquals(readings, there.count("SELECT count(*) FROM readings"));
        assertEquals(0, there.count("SELECT count(*) FROM pg_class WHERE relname ~ '^readings_(default|monthly|\\d{4}_\\d{2})$'"),
                "the monthly partitions are gone");
        assertEquals(hourlyBefore, there.text(rollups.formatted("", "reading_rollups_hourly")), "the same hourly rollups");
        assertEquals(dailyBefore, there.text(rollups.formatted(", hours", "reading_rollups_daily")), "the same daily rollups");
    }

    /**
     * V33 on a store that was converted and compressed by an older build: the type's unit and codes leave the hypertable
     * and its compressed chunks, every reading stays, and a late reading still goes into a compressed chunk; and V36:
     * the origin's default and NOT NULL go from the compressed hypertable, and the late reading is stored without one;
     * and V37: the late reading names its device by number, and a reading that names no device is refused.
     */
    @Test
    void aConvertedAndCompressedStoreLosesTheTypesCodesWithEveryReadingKept() throws Exception {
        TestInfrastructure.Database older = TestInfrastructure.anotherDatabaseAt(MigrationVersion.fromVersion("32"));
        Fixtures there = new Fixtures(older.url(), older.user(), older.password());
        UUID patient = there.patient(there.organisation());
        try (Connection c = older.connect()) {
            c.setAutoCommit(false);
            TimescaleStore.convert(Sql.on(c), Duration.ofDays(7), step -> { });
            c.commit();
        }
        // Six weeks of readings as the older build stored them, with the type's unit and codes.
        there.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value, unit, code_system, code)
                SELECT 'dev-1', 'm-' || i, 0, now() - interval '60 days' + i * interval '1 hour', ?, 'spo2', 88 + i % 11, '%',
                       'urn:oid:1.2.208.176.2.1', 'NPU03011'
                  FROM generate_series(0, 999) i""", patient);
        long compressed = there.count("SELECT count(compress_chunk(c)) FROM show_chunks('readings', older_than => interval '31 days') c");
        assertTrue(compressed >= 2, "chunks compressed: " + compressed);
        String before = there.text("SELECT count(*) || ' ' || sum(value) || ' ' || min(measured_at) || ' ' || max(measured_at) FROM readings");

        Flyway.configure().dataSource(older.url(), older.user(), older.password()).load().migrate();
        // V35 (rollups folded from deltas) leaves a converted store's rebuild as it was: it says to refresh the aggregates.
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> there.count("SELECT daily_rows FROM rebuild_reading_rollups(current_date - 3, current_date)"));
        assertTrue(refused.getMessage().contains("continuous aggregates"), refused.getMessage());

        assertEquals(before, there.text("SELECT count(*) || ' ' || sum(value) || ' ' || min(measured_at) || ' ' || max(measured_at) FROM readings"),
                "every reading kept, with its value and time");
        assertEquals(List.of(), there.strings("""
                SELECT column_name FROM information_schema.columns
                 WHERE table_name = 'readings' AND column_name IN ('unit', 'code_system', 'code')"""));
        assertEquals(compressed, there.count("""
                SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'readings' AND is_compressed"""));
        String device = there.device("on_loan");
        there.update("""
                INSERT INTO readings (device_number, message_id, seq, measured_at, patient_id, type, value)
                VALUES ((SELECT device_number FROM devices WHERE id = ?), 'late', 0, now() - interval '50 days', ?, 'spo2', 77)""",
                device, patient);
        assertEquals(1, there.count("SELECT count(*) FROM readings WHERE message_id = 'late' AND value = 77"));
        // V36: a device's origin is no longer spelt out; the older build's rows keep theirs, in the compressed chunks too.
        assertEquals(1, there.count("SELECT count(*) FROM readings WHERE message_id = 'late' AND origin IS NULL"));
        assertEquals(1000, there.count("SELECT count(*) FROM readings WHERE device_id = 'dev-1' AND origin = 'device'"));
        // V37: the late reading names its device by number only; the older rows keep the id; a reading must name one.
        assertEquals(1, there.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS + " AND message_id = 'late' AND device_id IS NULL",
                device));
        assertEquals(1000, there.count("SELECT count(*) FROM readings WHERE device_id = 'dev-1' AND device_number IS NULL"));
        IllegalStateException nameless = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> there.update("""
                INSERT INTO readings (message_id, seq, measured_at, patient_id, type, value)
                VALUES ('nameless', 0, now() - interval '50 days', ?, 'spo2', 77)""", patient));
        assertTrue(nameless.getMessage().contains("readings_device_named_once"), nameless.getMessage());
    }
}
