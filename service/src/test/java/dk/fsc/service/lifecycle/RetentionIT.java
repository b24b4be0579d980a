package dk.fsc.service.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.service.readings.RollupFold;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestInfrastructure;
import io.micrometer.core.instrument.Gauge;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Data aged across its retention limit, kind by kind: the dry run names exactly what would go and
 * removes nothing; the run removes exactly that (whole partitions of readings, their rollups,
 * idempotency keys and access log; rows of alerts, photos with their files, quarantine) and
 * nothing younger. On TimescaleDB the readings and their rollups go by whole chunks instead of
 * months ({@link #part}); the rest is the same.
 */
@MicronautTest(transactional = false)
class RetentionIT extends IntegrationTest {
    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    Retention retention;

    @Inject
    BlobStore blobs;

    @Inject
    PartitionMaintenance maintenance;

    @Inject
    Timescale timescale;

    @Inject
    TimescaleMaintenance timescaleJobs;

    @Inject
    MeterRegistry registry;

    @Inject
    RollupFold fold;

    private final Fixtures fixtures = new Fixtures();

    @Test
    void whatIsOlderThanItsRetentionGoesAndNothingYounger() throws Exception {
        Instant now = Instant.now();
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);

        // Readings (10 years): one 11 years ago goes with its month; one 9 years ago stays.
        Instant elevenYears = now.minus(Duration.ofDays(4020));
        Instant nineYears = now.minus(Duration.ofDays(3290));
        for (Instant at : List.of(elevenYears, nineYears)) {
            month("readings", at);
            month("reading_rollups_hourly", at);
            fixtures.update("""
                    INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                    VALUES (?, ?, 0, ?, ?, 'spo2', 95)""", device, "old-" + UUID.randomUUID(), Timestamp.from(at), patient);
            fixtures.update("""
                    INSERT INTO questionnaire_answers (device_id, message_id, seq, answered_at, patient_id, questionnaire, version, item,
                                                       answer, points, severity)
                    VALUES (?, ?, 0, ?, ?, 'copd_diary', '1', 'fever', 'no', 0, 'green')""",
                    device, "diary-" + UUID.randomUUID(), Timestamp.from(at), patient);
        }
        // A store in use has today's readings too: another patient's, so that on TimescaleDB the rollups are
        // materialized up to now, as in any running store. (With nothing newer materialized than the buckets
        // retention drops, TimescaleDB's real-time aggregation computes them again from the readings kept.)
        UUID other = fixtures.patient(org);
        fixtures.update("""
                INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value)
                VALUES (?, ?, 0, ?, ?, 'spo2', 96)""", device, "today-" + UUID.randomUUID(), Timestamp.from(now.minusSeconds(60)), other);
        fold.fold(); // on plain PostgreSQL: these readings' rollup deltas folded, as the schedule would have
        timescaleJobs.run(now); // on TimescaleDB: the rollups of these readings materialized, as the job would have
        // Idempotency keys (62 days): one measured 120 days ago goes with its month; one of 20 days ago stays.
        Instant oldKey = now.minus(Duration.ofDays(120));
        Instant youngKey = now.minus(Duration.ofDays(20));
        for (Instant at : List.of(oldKey, youngKey)) {
            month("device_messages", at);
            fixtures.update("""
                    INSERT INTO device_messages (device_id, message_id, measured_at, patient_id, observation_count)
                    VALUES (?, ?, ?, ?, 1)""", device, "key-" + at.toEpochMilli(), Timestamp.from(at), patient);
        }
        // Access log (5 years): a line of 6 years ago goes with its month; one of 4 years ago stays.
        Instant sixYears = now.minus(Duration.ofDays(2200));
        Instant fourYears = now.minus(Duration.ofDays(1460));
        for (Instant at : List.of(sixYears, fourYears)) {
            month("access_log", at);
            fixtures.update("""
                    INSERT INTO access_log (at, username, organisation_id, role, patient_id, action, purpose)
                    VALUES (?, 'retention-test', ?, 'nurse', ?, 'read readings', 'care')""", Timestamp.from(at), org, patient);
        }
        // Quarantine (90 days).
        quarantined(device, now.minus(Duration.ofDays(100)));
        long youngQuarantine = quarantined(device, now.minus(Duration.ofDays(10)));
        // Alerts (10 years, resolved ones only), with their events.
        long oldResolved = alert(patient, org, "resolved", elevenYears, "threshold");
        long oldOpen = alert(patient, org, "open", elevenYears, "tobs");
        long youngResolved = alert(patient, org, "resolved", now.minus(Duration.ofDays(365)), "weight_trend");
        // Photos (10 years), with their files.
        byte[] oldBytes = ("old photo " + UUID.randomUUID()).getBytes();
        byte[] youngBytes = ("young photo " + UUID.randomUUID()).getBytes();
        String oldFile = photo(patient, device, elevenYears, oldBytes);
        String youngFile = photo(patient, device, now.minus(Duration.ofDays(30)), youngBytes);

        // The dry run, over HTTP as the FSC administrator: exactly these, and nothing removed.
        Api admin = new Api(http, fixtures.staff(fixtures.organisation(), "fsc_admin"));
        Map<String, Object> plan = admin.get("/api/retention");
        List<String> partitions = steps(plan).stream().filter(s -> s.get("partition") != null).map(s -> (String) s.get("partition")).toList();
        String oldReadings = part("readings", elevenYears);
        // Hourly rollups are kept 400 days; on TimescaleDB as long as their readings (Retention.keep): 11 years ago goes.
        boolean hoursWithReadings = timescale.chunked("reading_rollups_hourly");
        assertTrue(partitions.containsAll(List.of(oldReadings, part("reading_rollups_hourly", elevenYears),
                name("device_messages", oldKey), name("access_log", sixYears))), partitions.toString());
        assertEquals(!hoursWithReadings, partitions.contains(part("reading_rollups_hourly", nineYears)), partitions.toString());
        assertFalse(partitions.contains(part("readings", nineYears)));
        assertFalse(partitions.contains(name("device_messages", youngKey)));
        assertFalse(partitions.contains(name("access_log", fourYears)));
        assertTrue(steps(plan).stream().anyMatch(s -> "quarantine".equals(s.get("table"))), plan.toString());
        assertTrue(steps(plan).stream().anyMatch(s -> "alerts".equals(s.get("table"))), plan.toString());
        assertTrue(steps(plan).stream().anyMatch(s -> "photos".equals(s.get("table"))), plan.toString());
        assertTrue(steps(plan).stream().anyMatch(s -> "questionnaire_answers".equals(s.get("table")) && ((Number) s.get("rows")).intValue() == 1),
                plan.toString());
        assertEquals(2, fixtures.count("SELECT count(*) FROM readings WHERE device_id = ? AND message_id LIKE 'old-%'", device),
                "the dry run removes nothing");
        assertEquals(403, new Api(http, fixtures.nurse(org)).statusOf(() -> new Api(http, fixtures.nurse(org)).get("/api/retention")));

        retention.run(Instant.now());

        assertEquals(List.of(nineYears.toEpochMilli()), millis("SELECT measured_at FROM readings WHERE device_id = ? AND message_id LIKE 'old-%'",
                device));
        assertEquals(0, fixtures.count("SELECT count(*) FROM pg_class WHERE relname = ?", oldReadings));
        assertEquals(hoursWithReadings ? 1 : 0, fixtures.count("SELECT count(*) FROM reading_rollups_hourly WHERE patient_id = ?", patient),
                "hourly rollups are kept 400 days: both went with their months (on TimescaleDB the hour of 9 years ago stays)");
        assertEquals(1, fixtures.count("SELECT count(*) FROM reading_rollups_daily WHERE patient_id = ?", patient),
                "the daily rollup of 11 years ago goes with its readings");
        // The next refresh of the rollups keeps the day of 9 years ago with its readings (on TimescaleDB a dropped hourly
        // chunk counts as a change to the days built on it: had its hour gone, the refresh would have deleted the day).
        timescaleJobs.run(Instant.now());
        assertEquals(1, fixtures.count("SELECT count(*) FROM reading_rollups_daily WHERE patient_id = ?", patient),
                "the daily rollup of 9 years ago stays after the rollups' next refresh");
        assertEquals(List.of(nineYears.toEpochMilli()), millis("SELECT answered_at FROM questionnaire_answers WHERE patient_id = ?", patient),
                "questionnaire answers go with the readings");
        assertEquals(List.of(youngKey.toEpochMilli()), millis("SELECT measured_at FROM device_messages WHERE device_id = ?", device));
        assertEquals(List.of(fourYears.toEpochMilli()), millis(
                "SELECT at FROM access_log WHERE patient_id = ? AND username = 'retention-test'", patient));
        assertEquals(List.of(String.valueOf(youngQuarantine)), fixtures.strings("SELECT id FROM quarantine WHERE device_id = ?", device));
        assertEquals(List.of(String.valueOf(oldOpen), String.valueOf(youngResolved)),
                fixtures.strings("SELECT id FROM alerts WHERE patient_id = ? ORDER BY id", patient), "resolved 11 years ago goes; open stays");
        assertEquals(0, fixtures.count("SELECT count(*) FROM alert_events WHERE alert_id = ?", oldResolved));
        assertEquals(List.of(youngFile), fixtures.strings("SELECT sha256 FROM photos WHERE patient_id = ?", patient));
        assertThrows(BlobStore.MissingBlobException.class, () -> blobs.get(oldFile), "the old photo's file is gone");
        assertEquals(youngBytes.length, blobs.get(youngFile).length);

        // The access log is still append-only, row by row and partition by partition.
        assertThrows(IllegalStateException.class, () -> fixtures.update("DELETE FROM access_log WHERE patient_id = ?", patient));
        assertThrows(IllegalStateException.class, () -> fixtures.update("DELETE FROM " + name("access_log", fourYears)));
    }

    @Test
    void aWoundGoesWithItsPhotosOnceNothingOfItIsNewerAndAMeasuredPhotoCanGo() throws Exception {
        Instant now = Instant.now();
        Instant elevenYears = now.minus(Duration.ofDays(4020));
        String org = fixtures.organisation();
        String clinic = fixtures.organisation("hospital");
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        // An old wound: made, photographed, measured on its photo, referred and answered 11 years ago.
        UUID old = wound(patient, "old-wound", elevenYears);
        String oldPhoto = photo(patient, device, elevenYears, ("old wound " + UUID.randomUUID()).getBytes(), "old-wound");
        fixtures.update("""
                INSERT INTO wound_measurements (wound_id, measured_at, length_cm, area_cm2, area_method, photo_id, entered_by)
                VALUES (?, ?, 2, 3, 'measured', (SELECT id FROM photos WHERE sha256 = ?), 'nurse')""", old, Timestamp.from(elevenYears), oldPhoto);
        UUID referral = UUID.fromString(fixtures.text("""
                INSERT INTO wound_referrals (wound_id, patient_id, referring_organisation_id, clinic_id, question, referred_by, referred_at,
                                             answer_due, status, closed_at, close_reason)
                VALUES (?, ?, ?, ?, 'q', 'nurse', ?, ?, 'closed', ?, 'healed') RETURNING id::text""",
                old, patient, org, clinic, Timestamp.from(elevenYears), Timestamp.from(elevenYears.plusSeconds(86_400)),
                Timestamp.from(elevenYears.plusSeconds(864_000))));
        fixtures.update("""
                INSERT INTO wound_assessments (referral_id, specialist, assessed_at, assessment, treatment_plan)
                VALUES (?, 'specialist', ?, 'a', 'p')""", referral, Timestamp.from(elevenYears.plusSeconds(3600)));
        // A wound as old, but photographed 30 days ago: it stays; its measurement on an 11-year-old photo stays, naming no photo.
        UUID young = wound(patient, "young-wound", elevenYears);
        String agedPhoto = photo(patient, device, elevenYears, ("aged " + UUID.randomUUID()).getBytes(), "young-wound");
        fixtures.update("""
                INSERT INTO wound_measurements (wound_id, measured_at, length_cm, area_cm2, area_method, photo_id, entered_by)
                VALUES (?, ?, 4, 5, 'measured', (SELECT id FROM photos WHERE sha256 = ?), 'nurse')""", young, Timestamp.from(now), agedPhoto);
        photo(patient, device, now.minus(Duration.ofDays(30)), ("young " + UUID.randomUUID()).getBytes(), "young-wound");

        Api admin = new Api(http, fixtures.staff(fixtures.organisation(), "fsc_admin"));
        assertTrue(steps(admin.get("/api/retention")).stream().anyMatch(s -> "wounds".equals(s.get("table"))
                && ((Number) s.get("rows")).intValue() >= 1), "the dry run names the wounds");
        assertEquals(2, fixtures.count("SELECT count(*) FROM wounds WHERE patient_id = ?", patient), "the dry run removes nothing");

        retention.run(Instant.now());

        assertEquals(List.of(young.toString()), fixtures.strings("SELECT id::text FROM wounds WHERE patient_id = ?", patient));
        assertEquals(0, fixtures.count("SELECT count(*) FROM wound_referrals WHERE wound_id = ?", old));
        assertEquals(0, fixtures.count("SELECT count(*) FROM wound_assessments WHERE referral_id = ?", referral));
        assertEquals(0, fixtures.count("SELECT count(*) FROM wound_measurements WHERE wound_id = ?", old));
        assertEquals(1, fixtures.count("SELECT count(*) FROM wound_measurements WHERE wound_id = ? AND photo_id IS NULL AND length_cm = 4", young),
                "the measurement outlives its photo");
        assertEquals(1, fixtures.count("SELECT count(*) FROM photos WHERE patient_id = ?", patient), "only the young photo is left");
    }

    private UUID wound(UUID patient, String key, Instant at) {
        return UUID.fromString(fixtures.text("""
                INSERT INTO wounds (patient_id, wound_key, wound_type, body_site, created_by, created_at, updated_at)
                VALUES (?, ?, 'venous_leg_ulcer', 'leg', 'test', ?, ?) RETURNING id::text""", patient, key, Timestamp.from(at), Timestamp.from(at)));
    }

    @Test
    void aStepThatFailsWaitsForTheNextRunAndTheStepsAfterItStillRun() throws Exception {
        Instant now = Instant.now().plus(Duration.ofHours(1)); // runs "an hour from now": a second no other test's run records
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        Instant oldKey = now.minus(Duration.ofDays(120));
        month("device_messages", oldKey);
        fixtures.update("""
                INSERT INTO device_messages (device_id, message_id, measured_at, patient_id, observation_count)
                VALUES (?, ?, ?, ?, 1)""", device, "locked-" + UUID.randomUUID(), Timestamp.from(oldKey), patient);
        long oldQuarantine = quarantined(device, now.minus(Duration.ofDays(100)));
        Gauge lastRun = registry.get("fsc.retention.last.run").gauge();
        try (Connection reader = TestInfrastructure.database().connect()) {
            // A long query on the idempotency keys: dropping their old month waits 2 s for the table's lock, then gives up.
            reader.setAutoCommit(false);
            try (Statement s = reader.createStatement()) {
                s.execute("LOCK TABLE device_messages IN ACCESS SHARE MODE");
            }
            List<Retention.Step> done = retention.run(now);
            assertTrue(done.stream().noneMatch(step -> name("device_messages", oldKey).equals(step.partition())), done.toString());
            reader.rollback();
        }
        assertEquals(1, fixtures.count("SELECT count(*) FROM pg_class WHERE relname = ?", name("device_messages", oldKey)),
                "the keys' month waits for the next run");
        assertEquals(0, fixtures.count("SELECT count(*) FROM quarantine WHERE id = ?", oldQuarantine),
                "quarantine, a step after it, still went");
        assertNotEquals(now.getEpochSecond(), (long) lastRun.value(), "a run with a failed step does not count as done (FscRetentionStale)");

        retention.run(now);

        assertEquals(0, fixtures.count("SELECT count(*) FROM pg_class WHERE relname = ?", name("device_messages", oldKey)));
        assertEquals(now.getEpochSecond(), (long) lastRun.value());
    }

    @Test
    void aPolicyThatWouldLoseAGuaranteeIsRefusedWithItsSetting() {
        Duration tenYears = Duration.ofDays(3650);
        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(tenYears, tenYears,
                tenYears, tenYears, Duration.ofDays(30), Duration.ofDays(90), tenYears, Duration.ofDays(30)));
        assertTrue(tooShort.getMessage().contains("fsc.retention.device-messages"), tooShort.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(Duration.ZERO, tenYears, tenYears, tenYears, Duration.ofDays(62),
                Duration.ofDays(90), tenYears, Duration.ofDays(30)));
        // "120m" meant as months is read as 120 minutes: refused, not two hours of readings kept.
        IllegalArgumentException minutes = assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(Duration.ofMinutes(120),
                tenYears, tenYears, tenYears, Duration.ofDays(62), Duration.ofDays(90), tenYears, Duration.ofDays(30)));
        assertTrue(minutes.getMessage().startsWith("fsc.retention.readings"), minutes.getMessage());
        IllegalArgumentException hours = assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(tenYears,
                Duration.ofDays(14), tenYears, tenYears, Duration.ofDays(62), Duration.ofDays(90), tenYears, Duration.ofDays(30)));
        assertTrue(hours.getMessage().startsWith("fsc.retention.hourly-rollups"), hours.getMessage());
    }

    @Test
    void partitionsAreMadeBackOnlyAsFarAsBacklogsReachAndRetentionKeeps() {
        assertEquals(12, maintenance.monthsBack("readings"), "backlogs of readings, months-back");
        assertEquals(12, maintenance.monthsBack("reading_rollups_hourly"), "hourly rollups are kept 400 days: a month 12 back ends within them");
        // 30 days back from the 1st of March is in January: two months back (with one, until 2026-12-05, such a backlog's keys went to the
        // default partition, which retention never empties); a month two back ends less than 62 days ago, so retention keeps it.
        assertEquals(2, maintenance.monthsBack("device_messages"), "the backlog window (30 days) reaches two months back; 62 days keep them");
        assertEquals(0, maintenance.monthsBack("access_log"), "always written now");
    }

    /** Makes the month's partition of the table (as maintenance would have, back then); TimescaleDB makes its chunks itself. */
    private void month(String table, Instant at) {
        if (timescale.chunked(table)) {
            return;
        }
        fixtures.text("SELECT make_monthly_partition(CAST(? AS regclass), ?)", table, LocalDate.ofInstant(at, ZoneOffset.UTC));
    }

    /** The monthly partition, or on TimescaleDB the chunk, that holds the table's rows at that time. */
    private String part(String table, Instant at) {
        if (!timescale.chunked(table)) {
            return name(table, at);
        }
        return timescale.chunks(table).stream().filter(c -> !c.start().isAfter(at) && c.end().isAfter(at)).findFirst()
                .map(MonthlyPartitions.Partition::name).orElseThrow(() -> new AssertionError("no chunk of " + table + " holds " + at));
    }

    private static String name(String table, Instant at) {
        LocalDate d = LocalDate.ofInstant(at, ZoneOffset.UTC);
        return "%s_%04d_%02d".formatted(table, d.getYear(), d.getMonthValue());
    }

    private long quarantined(String device, Instant at) {
        return fixtures.longValue("""
                INSERT INTO quarantine (received_at, topic, device_id, code, detail, payload)
                VALUES (?, 'fsc/v1/devices/x/readings', ?, 'INVALID_JSON', 'test', '\\x00') RETURNING id""", Timestamp.from(at), device);
    }

    private long alert(UUID patient, String org, String status, Instant at, String kind) {
        long id = fixtures.longValue("""
                INSERT INTO alerts (patient_id, organisation_id, kind, severity, status, summary, opened_at, resolved_at)
                VALUES (?, ?, ?, 'yellow', ?, 'test', ?, CASE WHEN ? = 'resolved' THEN CAST(? AS timestamptz) END) RETURNING id""",
                patient, org, kind, status, Timestamp.from(at), status, Timestamp.from(at.plusSeconds(3600)));
        fixtures.update("INSERT INTO alert_events (alert_id, organisation_id, type, actor, severity) VALUES (?, ?, 'opened', 'test', 'yellow')",
                id, org);
        return id;
    }

    /**
     * Photo files retention is to delete are listed with the rows' delete (V44): one a stopped run left
     * listed goes at the next run; one whose bytes a writer is storing again (its row not committed,
     * its lock taken) waits for the writer and stays, as the writer's photo names it. Until V44 the
     * file was deleted under the writer's uncommitted row, which then named no file.
     */
    @Test
    void aListedFileGoesAtTheNextRunUnlessAWriterIsStoringTheSameBytes() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        String left = blobs.put(("left listed " + UUID.randomUUID()).getBytes());
        fixtures.update("INSERT INTO photo_files_to_delete (sha256, listed_at) VALUES (?, now() - interval '1 day')", left);
        byte[] again = ("sent again " + UUID.randomUUID()).getBytes();
        String sha = blobs.put(again);
        fixtures.update("INSERT INTO photo_files_to_delete (sha256) VALUES (?)", sha);
        java.util.concurrent.CompletableFuture<Void> run;
        try (java.sql.Connection writer = TestInfrastructure.database().connect()) {
            writer.setAutoCommit(false);
            try (java.sql.PreparedStatement insert = writer.prepareStatement("""
                    INSERT INTO photos (device_id, message_id, patient_id, taken_at, wound_id, wound_type, body_site, content_type, sha256, size_bytes)
                    VALUES (?, ?, ?, now(), 'w1', 'other', 'leg', 'image/jpeg', ?, ?)""");
                 java.sql.PreparedStatement lock = writer.prepareStatement(dk.fsc.gateway.storage.PhotoRows.LOCK_FILE_TO_WRITE)) {
                insert.setString(1, device);
                insert.setString(2, "photo-" + UUID.randomUUID());
                insert.setObject(3, patient);
                insert.setString(4, sha);
                insert.setInt(5, again.length);
                insert.executeUpdate();
                lock.setString(1, sha);
                lock.executeQuery().close();
            }
            run = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    retention.run(Instant.now());
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            dk.fsc.service.testing.Eventually.await("the file left listed is deleted", Duration.ofSeconds(30), () -> {
                try {
                    blobs.get(left);
                    return false;
                } catch (BlobStore.MissingBlobException gone) {
                    return true;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            dk.fsc.service.testing.Eventually.await("retention waits for the file's lock", Duration.ofSeconds(30), () -> fixtures.count(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = CAST(? AS bigint)::oid AND objsubid = 2 AND NOT granted",
                    (long) dk.fsc.gateway.storage.PhotoRows.FILE_LOCK_CLASS) == 1);
            assertFalse(run.isDone(), "retention waits for the writer storing the same bytes");
            writer.commit();
        }
        run.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(again.length, blobs.get(sha).length, "the file the writer's photo names stays");
        assertEquals(0, fixtures.count("SELECT count(*) FROM photo_files_to_delete WHERE sha256 IN (?, ?)", left, sha), "both handled");
    }

    private String photo(UUID patient, String device, Instant at, byte[] bytes) throws Exception {
        return photo(patient, device, at, bytes, "w1");
    }

    private String photo(UUID patient, String device, Instant at, byte[] bytes, String wound) throws Exception {
        String sha = blobs.put(bytes);
        fixtures.update("""
                INSERT INTO photos (device_id, message_id, patient_id, taken_at, wound_id, wound_type, body_site, content_type, sha256, size_bytes)
                VALUES (?, ?, ?, ?, ?, 'other', 'leg', 'image/jpeg', ?, ?)""",
                device, "photo-" + UUID.randomUUID(), patient, Timestamp.from(at), wound, sha, bytes.length);
        return sha;
    }

    private List<Long> millis(String sql, Object value) {
        return fixtures.strings("SELECT floor(extract(epoch FROM t) * 1000)::bigint FROM (" + sql + ") q(t)", value).stream()
                .map(Long::parseLong).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> steps(Map<String, Object> plan) {
        return (List<Map<String, Object>>) plan.get("steps");
    }
}
