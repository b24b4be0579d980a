package dk.fsc.service.readings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.lifecycle.Timescale;
import dk.fsc.service.lifecycle.TimescaleMaintenance;
import dk.fsc.service.platform.time.DanishTime;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The hourly and daily rollups (V19) as the history API gives them: kept up to date as readings
 * arrive, late ones and staff entries included, equal to the readings they sum up, rebuilt by
 * their command; and resolution=auto choosing the finest that fits. Runs on plain PostgreSQL (a
 * trigger appends each statement's sums to the deltas, which {@link RollupFold} folds into the
 * rollup tables) and on TimescaleDB (continuous aggregates, refreshed by
 * {@link TimescaleMaintenance}): {@link #caughtUp} runs whichever of the two the store has, as
 * their schedules would a few seconds later.
 */
@MicronautTest(transactional = false)
class ReadingRollupsIT extends IntegrationTest {
    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    RollupHoursFill hoursFill;

    @Inject
    Timescale timescale;

    @Inject
    TimescaleMaintenance timescaleJobs;

    @Inject
    RollupFold fold;

    private final Fixtures fixtures = new Fixtures();

    /** A day of SpO2 every 10 minutes (144 readings, 90–96 %), two days ago. */
    private record Seeded(String org, UUID patient, String device, Instant day, Api nurse) {
    }

    private Seeded seed() {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        // Noon two Danish days ago: the seeded day always straddles two Danish days, whatever the hour the test runs at.
        Instant day = java.time.LocalDate.now(DanishTime.ZONE).minusDays(2).atTime(12, 0).atZone(DanishTime.ZONE).toInstant();
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                SELECT ?, 'seed-' || i, 0, CAST(? AS timestamptz) + i * interval '10 minutes', ?, 'spo2', 90 + i % 7
                  FROM generate_series(0, 143) i""", device, java.sql.Timestamp.from(day), patient);
        caughtUp();
        assertDailyRowsCountTheirHours(patient);
        return new Seeded(org, patient, device, day, new Api(http, fixtures.nurse(org)));
    }

    @Test
    void hourlyBucketsAreTheirReadingsSummedUpAndALateReadingChangesItsBucket() throws Exception {
        Seeded s = seed();
        String range = "&from=" + s.day() + "&to=" + s.day().plus(Duration.ofDays(1));
        List<Map<String, Object>> hours = buckets(s.nurse().get(history(s) + "?type=spo2&resolution=hour" + range));
        assertEquals(24, hours.size());
        assertBucketsMatchTheReadings(s.patient(), hours, "hour");

        // A reading from the device's backlog, two days late, into the sixth hour: a dip the mean alone would hide.
        Instant late = s.day().plus(Duration.ofHours(5)).plus(Duration.ofMinutes(7));
        try (TestDevice oximeter = new TestDevice(TestInfrastructure.brokerUrl(), s.device())) {
            oximeter.publishReading("""
                    {"messageId": "late-%s", "measuredAt": "%s", "observations": [{"type": "spo2", "value": 71, "unit": "%%"}]}"""
                    .formatted(UUID.randomUUID(), late));
            String reply = oximeter.nextReply(Duration.ofSeconds(20));
            assertNotNull(reply, "the device got no reply");
            assertTrue(reply.contains("\"status\":\"accepted\""), reply);
        }
        caughtUp();
        List<Map<String, Object>> after = buckets(s.nurse().get(history(s) + "?type=spo2&resolution=hour" + range));
        Map<String, Object> sixth = after.get(5);
        assertEquals(s.day().plus(Duration.ofHours(5)).toString(), sixth.get("start"));
        assertEquals(7, number(sixth, "count"), "six readings an hour, and the late one");
        assertEquals(71.0, number(sixth, "min"));
        assertEquals(number(hours.get(5), "max"), number(sixth, "max"));
        assertBucketsMatchTheReadings(s.patient(), after, "hour");
        assertDailyRowsCountTheirHours(s.patient());

        Map<String, Object> days = s.nurse().get(history(s) + "?type=spo2&resolution=day&from=" + s.day().minus(Duration.ofDays(1))
                + "&to=" + s.day().plus(Duration.ofDays(2)));
        assertEquals(145, buckets(days).stream().mapToDouble(b -> number(b, "count")).sum(), "every reading in exactly one Danish day");
        assertEquals(71.0, buckets(days).stream().mapToDouble(b -> number(b, "min")).min().orElseThrow());
        assertBucketsMatchTheReadings(s.patient(), buckets(days), "day");
    }

    @Test
    void aValueStaffEnterLandsInItsBucketMarkedAsEnteredByHand() {
        Seeded s = seed();
        Instant at = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.SECONDS);
        s.nurse().post("/api/patients/" + s.patient() + "/observations",
                Map.of("measuredAt", at.toString(), "observations", List.of(Map.of("type", "pulse", "value", 88, "unit", "/min"))));
        caughtUp();
        List<Map<String, Object>> pulse = buckets(s.nurse().get(history(s) + "?type=pulse&resolution=hour&from="
                + at.minus(Duration.ofHours(2)) + "&to=" + Instant.now()));
        assertEquals(1, pulse.size(), pulse.toString());
        assertEquals(1.0, number(pulse.get(0), "count"));
        assertEquals(1.0, number(pulse.get(0), "staffCount"));
        assertEquals(88.0, number(pulse.get(0), "mean"));
        assertEquals(at.toString(), pulse.get(0).get("firstAt"));
        assertDailyRowsCountTheirHours(s.patient());
    }

    @Test
    void autoGivesTheFinestResolutionThatFitsAndNeverHidesTheExtremes() {
        Seeded s = seed();
        String day = "&from=" + s.day() + "&to=" + s.day().plus(Duration.ofDays(1));
        Map<String, Object> raw = s.nurse().get(history(s) + "?type=spo2&maxPoints=144" + day);
        assertEquals("raw", raw.get("resolution"));
        assertEquals(144, ((List<?>) raw.get("readings")).size());

        Map<String, Object> hourly = s.nurse().get(history(s) + "?type=spo2&resolution=auto&maxPoints=143" + day);
        assertEquals("hour", hourly.get("resolution"));
        assertEquals(24, buckets(hourly).size());
        assertEquals(List.of(), hourly.get("readings"));

        Map<String, Object> daily = s.nurse().get(history(s) + "?type=spo2&maxPoints=23" + day);
        assertEquals("day", daily.get("resolution"));
        assertEquals(144, buckets(daily).stream().mapToDouble(b -> number(b, "count")).sum());
        assertEquals(90.0, buckets(daily).stream().mapToDouble(b -> number(b, "min")).min().orElseThrow());
        assertEquals(96.0, buckets(daily).stream().mapToDouble(b -> number(b, "max")).max().orElseThrow());

        // Thirty days into one point: one bucket covering every day the range touches.
        Map<String, Object> one = s.nurse().get(history(s) + "?type=spo2&maxPoints=1&from=" + s.day().minus(Duration.ofDays(28))
                + "&to=" + s.day().plus(Duration.ofDays(2)));
        assertEquals(1, buckets(one).size());
        assertTrue(number(one, "daysPerPoint") >= 30, one.toString());
        assertEquals(144.0, number(buckets(one).get(0), "count"));
    }

    @Test
    void beforeHourlyRollupsAreKeptAutoGivesDays() {
        Seeded s = seed();
        Instant longAgo = s.day().minus(Duration.ofDays(500));
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                SELECT ?, 'long-ago-' || i, 0, CAST(? AS timestamptz) + i * interval '10 minutes', ?, 'spo2', 90 + i % 7
                  FROM generate_series(0, 143) i""", s.device(), java.sql.Timestamp.from(longAgo), s.patient());
        caughtUp();
        String range = "&from=" + longAgo + "&to=" + longAgo.plus(Duration.ofDays(1));
        Map<String, Object> recent = s.nurse().get(history(s) + "?type=spo2&maxPoints=143&from=" + s.day() + "&to=" + s.day().plus(Duration.ofDays(1)));
        assertEquals("hour", recent.get("resolution"), "hours within the 400 days hourly rollups are kept");
        Map<String, Object> old = s.nurse().get(history(s) + "?type=spo2&maxPoints=143" + range);
        assertEquals("day", old.get("resolution"), "500 days ago: days, though 24 hours would fit");
        assertEquals(144.0, buckets(old).stream().mapToDouble(b -> number(b, "count")).sum());
    }

    @Test
    void theRebuildCommandRestoresBucketsFromTheReadings() throws Exception {
        Seeded s = seed();
        if (timescale.on()) {
            theForcedRefreshRestoresBucketsFromTheReadings(s);
            return;
        }
        fixtures.update("UPDATE reading_rollups_hourly SET count = 999, min = -1 WHERE patient_id = ?", s.patient());
        fixtures.update("DELETE FROM reading_rollups_daily WHERE patient_id = ?", s.patient());
        long days;
        try (java.sql.Connection held = theFoldsLockHeld()) {
            // A reading stored just before the rebuild: its delta not folded yet. The rebuild counts the reading and drops
            // the delta, so the fold after it does not count the reading a second time.
            fixtures.update("""
                    INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                    VALUES (?, 'before-rebuild', 0, CAST(? AS timestamptz) + interval '2 hours 3 minutes', ?, 'spo2', 80)""",
                    s.device(), java.sql.Timestamp.from(s.day()), s.patient());
            assertEquals(1, fixtures.count("SELECT count(*) FROM reading_rollup_deltas WHERE patient_id = ?", s.patient()));
            days = fixtures.count("""
                    SELECT daily_rows FROM rebuild_reading_rollups(CAST((CAST(? AS timestamptz) AT TIME ZONE 'Europe/Copenhagen') AS date) - 1,
                                                                   CAST((CAST(? AS timestamptz) AT TIME ZONE 'Europe/Copenhagen') AS date) + 2)""",
                    java.sql.Timestamp.from(s.day()), java.sql.Timestamp.from(s.day()));
            assertEquals(0, fixtures.count("SELECT count(*) FROM reading_rollup_deltas WHERE patient_id = ?", s.patient()),
                    "the rebuilt range's deltas are gone with it");
        }
        caughtUp();
        assertTrue(days >= 1, "rebuilt at least this patient's days");
        String range = "&from=" + s.day() + "&to=" + s.day().plus(Duration.ofDays(1));
        assertBucketsMatchTheReadings(s.patient(), buckets(s.nurse().get(history(s) + "?type=spo2&resolution=hour" + range)), "hour");
        assertBucketsMatchTheReadings(s.patient(), buckets(s.nurse().get(history(s) + "?type=spo2&resolution=day" + range)), "day");
        assertDailyRowsCountTheirHours(s.patient());
    }

    /**
     * On TimescaleDB: the rollups' materialized rows lost (as by a repair by hand), a forced refresh
     * of the range computes them again from the readings; V19's rebuild function says what to call.
     */
    private void theForcedRefreshRestoresBucketsFromTheReadings(Seeded s) {
        for (String rollup : List.of("reading_rollups_hourly", "reading_rollups_daily")) {
            fixtures.update("DELETE FROM " + materialization(rollup) + " WHERE patient_id = ?", s.patient());
        }
        assertEquals(0, fixtures.count("SELECT count(*) FROM reading_rollups_hourly WHERE patient_id = ? AND bucket < now() - interval '1 day'",
                s.patient()), "the materialized hours are gone");
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> fixtures.count("SELECT daily_rows FROM rebuild_reading_rollups(current_date - 3, current_date)"));
        assertTrue(refused.getMessage().contains("continuous aggregates"), refused.getMessage());
        Instant from = s.day().minus(Duration.ofDays(2));
        Instant to = s.day().plus(Duration.ofDays(2));
        for (String rollup : List.of("reading_rollups_hourly", "reading_rollups_daily")) {
            fixtures.update("CALL refresh_continuous_aggregate('" + rollup + "', CAST('" + from + "' AS timestamptz), CAST('" + to
                    + "' AS timestamptz), force => true)");
        }
        String range = "&from=" + s.day() + "&to=" + s.day().plus(Duration.ofDays(1));
        List<Map<String, Object>> hours = buckets(s.nurse().get(history(s) + "?type=spo2&resolution=hour" + range));
        assertEquals(24, hours.size());
        assertBucketsMatchTheReadings(s.patient(), hours, "hour");
        assertBucketsMatchTheReadings(s.patient(), buckets(s.nurse().get(history(s) + "?type=spo2&resolution=day" + range)), "day");
        assertDailyRowsCountTheirHours(s.patient());
    }

    /** The hypertable a continuous aggregate keeps its rows in. */
    private String materialization(String rollup) {
        return fixtures.text("""
                SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name)
                  FROM timescaledb_information.continuous_aggregates WHERE view_name = ?""", rollup);
    }

    /** The rollups as they are once every stored reading is in them: after a fold on plain PostgreSQL, after a refresh on TimescaleDB. */
    private void caughtUp() {
        fold.fold();
        try {
            timescaleJobs.run(Instant.now());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void daysStoredBeforeTheirHoursWereCountedAreCountedInTheBackgroundAndAutoIsRightMeanwhile() throws Exception {
        Seeded s = seed();
        if (timescale.on()) { // the daily aggregate counts its hours itself: nothing is left to count
            assertEquals(0, hoursFill.run());
            assertDailyRowsCountTheirHours(s.patient());
            return;
        }
        // As a store upgraded to V29 has them: days without their hours.
        fixtures.update("UPDATE reading_rollups_daily SET hours = NULL WHERE patient_id = ?", s.patient());
        String day = "&from=" + s.day() + "&to=" + s.day().plus(Duration.ofDays(1));
        assertEquals("hour", s.nurse().get(history(s) + "?type=spo2&maxPoints=24" + day).get("resolution"),
                "24 hours fit: counted from the hourly rollups while the days do not know");
        assertEquals("day", s.nurse().get(history(s) + "?type=spo2&maxPoints=23" + day).get("resolution"));

        // A late reading into an uncounted day leaves it uncounted (NULL + 1), for the fill to count.
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                VALUES (?, 'late-new-hour', 0, CAST(? AS timestamptz) - interval '30 minutes', ?, 'spo2', 93)""",
                s.device(), java.sql.Timestamp.from(s.day()), s.patient());
        caughtUp();
        fixtures.update("UPDATE reading_rollups_hours_fill SET next_day = CAST((CAST(? AS timestamptz) AT TIME ZONE 'Europe/Copenhagen') AS date) - 1,"
                + " until_day = CAST(now() AT TIME ZONE 'Europe/Copenhagen' AS date)", java.sql.Timestamp.from(s.day()));
        long days = hoursFill.run();
        assertTrue(days >= 3, "the two seeded days and the day before at least: " + days);
        assertDailyRowsCountTheirHours(s.patient());
        assertEquals(0, fixtures.count("SELECT count(*) FROM reading_rollups_hours_fill WHERE next_day <= until_day"), "the fill is done");
        assertEquals(0, hoursFill.run(), "and a second run has nothing to do");
        // Decided on the days where they decide: their 25 hours (the late reading's too, on the first day before the
        // range) fit in 25; in 24 only the range's own hours do, which are counted then.
        Map<String, Object> hourly = s.nurse().get(history(s) + "?type=spo2&maxPoints=25" + day);
        assertEquals("hour", hourly.get("resolution"));
        assertEquals(24, buckets(hourly).size());
        assertEquals("hour", s.nurse().get(history(s) + "?type=spo2&maxPoints=24" + day).get("resolution"));
        assertEquals("day", s.nurse().get(history(s) + "?type=spo2&maxPoints=23" + day).get("resolution"));
    }

    /**
     * V35: a busy patient's hour reached by several statements is one bucket whose first and last
     * value are the hour's earliest and latest whatever order they were stored in; until the fold
     * the rollups are as before (here the fold's lock is held, so the schedule cannot fold early).
     */
    @Test
    void statementsIntoOneHourAreFoldedIntoOneBucketWithTheHoursFirstAndLastValue() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(timescale.on(), "on TimescaleDB the rollups are continuous aggregates: no deltas");
        Seeded s = seed();
        Instant hour = s.day().plus(Duration.ofHours(30)); // a new hour: the seeded day has 24
        String range = "&from=" + hour + "&to=" + hour.plus(Duration.ofHours(1));
        try (java.sql.Connection held = theFoldsLockHeld()) {
            // The latest first, then the earliest, then one between: three statements, three deltas.
            for (int[] minuteAndValue : new int[][] {{50, 97}, {5, 88}, {20, 93}}) {
                fixtures.update("""
                        INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                        VALUES (?, ?, 0, CAST(? AS timestamptz) + ? * interval '1 minute', ?, 'spo2', ?)""",
                        s.device(), "busy-" + UUID.randomUUID(), java.sql.Timestamp.from(hour), minuteAndValue[0], s.patient(), minuteAndValue[1]);
            }
            assertEquals(3, fixtures.count("SELECT count(*) FROM reading_rollup_deltas WHERE patient_id = ?", s.patient()));
            assertEquals(List.of(), buckets(s.nurse().get(history(s) + "?type=spo2&resolution=hour" + range)), "not folded yet");
        }
        assertTrue(fold.fold() >= 3);
        assertEquals(0, fixtures.count("SELECT count(*) FROM reading_rollup_deltas WHERE patient_id = ?", s.patient()), "every delta folded");
        List<Map<String, Object>> folded = buckets(s.nurse().get(history(s) + "?type=spo2&resolution=hour" + range));
        assertEquals(1, folded.size());
        Map<String, Object> b = folded.get(0);
        assertEquals(3.0, number(b, "count"));
        assertEquals(88.0, number(b, "first"), "the hour's earliest reading, stored second");
        assertEquals(hour.plus(Duration.ofMinutes(5)).toString(), b.get("firstAt"));
        assertEquals(97.0, number(b, "last"), "the hour's latest reading, stored first");
        assertEquals(hour.plus(Duration.ofMinutes(50)).toString(), b.get("lastAt"));
        assertBucketsMatchTheReadings(s.patient(), folded, "hour");
        assertDailyRowsCountTheirHours(s.patient());
    }

    /** The schedule folds by itself: a new reading is in its bucket within seconds, with no one calling the fold. */
    @Test
    void aNewReadingIsInItsBucketWithinSecondsByTheSchedule() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(timescale.on(), "on TimescaleDB the refresh's own schedule (30 s) is TimescaleIT's");
        Seeded s = seed();
        Instant hour = s.day().plus(Duration.ofHours(3));
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                VALUES (?, 'scheduled', 0, CAST(? AS timestamptz) + interval '1 minute', ?, 'spo2', 75)""",
                s.device(), java.sql.Timestamp.from(hour), s.patient());
        String range = "&from=" + hour + "&to=" + hour.plus(Duration.ofHours(1));
        Instant deadline = Instant.now().plusSeconds(30);
        double min = 0;
        while (Instant.now().isBefore(deadline) && (min = number(buckets(s.nurse().get(history(s) + "?type=spo2&resolution=hour" + range)).get(0),
                "min")) != 75.0) {
            Thread.sleep(200);
        }
        assertEquals(75.0, min, "folded by the schedule (fsc.rollups.fold-every) within 30 s");
        assertBucketsMatchTheReadings(s.patient(), buckets(s.nurse().get(history(s) + "?type=spo2&resolution=hour" + range)), "hour");
    }

    /**
     * A chart's daily rollups are read from the daily key's index alone (V38): a live store writes
     * each day's rows for all patients together, so reading them from the table would cost a page a
     * day. Other plans priced out, a plan that still reads the table means a column of
     * {@link ReadingStore#DAYS} is missing from the key's INCLUDE.
     */
    @Test
    void aRangesDailyRollupsAreReadFromTheKeyAlone() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(timescale.on(), "on TimescaleDB the daily rollups are a continuous aggregate");
        Seeded s = seed();
        try (java.sql.Connection c = TestInfrastructure.database().connect(); java.sql.Statement vacuum = c.createStatement()) {
            vacuum.execute("VACUUM reading_rollups_daily"); // the visibility map an index-only scan reads
        }
        String plan = fixtures.plan(List.of("enable_seqscan = off", "enable_bitmapscan = off"), "EXPLAIN (ANALYZE, COSTS OFF) " + ReadingStore.DAYS,
                s.patient(), "spo2", java.time.OffsetDateTime.ofInstant(s.day().minus(Duration.ofDays(365)), java.time.ZoneOffset.UTC),
                java.time.OffsetDateTime.ofInstant(s.day().plus(Duration.ofDays(2)), java.time.ZoneOffset.UTC));
        assertTrue(plan.contains("Index Only Scan using reading_rollups_daily_pkey"), "the days are read from the key:\n" + plan);
        assertTrue(plan.contains("rows=2 "), "and both days of the seeded readings are found:\n" + plan);
    }

    @Test
    void badResolutionsAreExplained() {
        Seeded s = seed();
        assertEquals(400, s.nurse().statusOf(() -> s.nurse().get(history(s) + "?resolution=auto")), "auto needs a type");
        assertEquals(400, s.nurse().statusOf(() -> s.nurse().get(history(s) + "?type=spo2&resolution=minute")));
        assertEquals(400, s.nurse().statusOf(() -> s.nurse().get(history(s) + "?type=spo2&resolution=hour&maxPoints=10")));
        assertEquals(400, s.nurse().statusOf(() -> s.nurse().get(history(s) + "?type=spo2&maxPoints=0")));
        assertEquals(400, s.nurse().statusOf(() -> s.nurse().get(history(s) + "?type=spo2&maxPoints=10&limit=5")));
    }

    /** A session holding the fold's lock ({@link RollupFold#LOCK}), so the schedule folds nothing until it is closed. */
    private static java.sql.Connection theFoldsLockHeld() throws java.sql.SQLException {
        java.sql.Connection c = TestInfrastructure.database().connect();
        c.createStatement().execute("SELECT pg_advisory_lock(" + RollupFold.LOCK + ")");
        return c;
    }

    /** Every daily row of the patient says how many hourly rows its Danish day has (V29). */
    private void assertDailyRowsCountTheirHours(UUID patient) {
        assertTrue(fixtures.count("SELECT count(*) FROM reading_rollups_daily WHERE patient_id = ?", patient) > 0);
        assertEquals(0, fixtures.count("""
                SELECT count(*) FROM reading_rollups_daily d
                 WHERE d.patient_id = ? AND d.hours IS DISTINCT FROM (
                       SELECT count(*) FROM reading_rollups_hourly h
                        WHERE h.patient_id = d.patient_id AND h.type = d.type AND h.bucket >= d.bucket
                          AND h.bucket < ((d.bucket AT TIME ZONE 'Europe/Copenhagen') + interval '1 day') AT TIME ZONE 'Europe/Copenhagen')""",
                patient), "daily rows whose hours differ from their hourly rows");
    }

    /** Each bucket against the readings themselves, summed up here by PostgreSQL from the raw rows. */
    private void assertBucketsMatchTheReadings(UUID patient, List<Map<String, Object>> buckets, String unit) {
        for (Map<String, Object> b : buckets) {
            String start = (String) b.get("start");
            String end = (String) b.get("end");
            List<Double> expected = fixtures.row("""
                    SELECT count(*), min(value), max(value), avg(value) FROM readings
                     WHERE patient_id = ? AND type = ? AND measured_at >= CAST(? AS timestamptz) AND measured_at < CAST(? AS timestamptz)""",
                    rs -> List.of(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)), patient, b.get("type"), start, end);
            String where = unit + " " + start;
            assertEquals(expected.get(0), number(b, "count"), "count of " + where);
            assertEquals(expected.get(1), number(b, "min"), "min of " + where);
            assertEquals(expected.get(2), number(b, "max"), "max of " + where);
            assertEquals(expected.get(3), number(b, "mean"), 1e-9, "mean of " + where);
        }
    }

    private static String history(Seeded s) {
        return "/api/patients/" + s.patient() + "/readings";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> buckets(Map<String, Object> history) {
        return (List<Map<String, Object>>) history.get("buckets");
    }

    private static double number(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }
}
