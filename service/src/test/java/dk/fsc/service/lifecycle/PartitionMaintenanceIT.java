package dk.fsc.service.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dk.fsc.service.readings.RollupFold;
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
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The readings partitions made ahead by {@link PartitionMaintenance}, with the clock set by the
 * test. The test database is shared by all test classes of a run, so each test works in years
 * nobody else uses (far in the future or past), checks they hold no partition before it starts,
 * and drops what it made. Months-back is set to 2 here (fewer tables to make and drop); months
 * ahead is the default, 3.
 */
@MicronautTest(transactional = false)
class PartitionMaintenanceIT extends IntegrationTest {
    private static final String PARTITIONS = """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'readings'::regclass AND c.relname ~ ? ORDER BY c.relname""";
    private final Fixtures fixtures = new Fixtures();
    private final String device = "PART-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    private int messages;

    @Inject
    PartitionMaintenance maintenance;

    @Inject
    MeterRegistry registry;

    @Inject
    RollupFold fold;

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("fsc.partitions.months-back", "2");
        return p;
    }

    @Test
    void acrossAMonthBoundaryTheNextMonthIsAddedAndReadingsLandInTheirMonth() throws Exception {
        assertEquals(List.of(), partitionsOf(2090, 2091), "left over from an earlier run");
        try {
            PartitionMaintenance.Outcome first = maintenance.maintain(Instant.parse("2091-01-31T23:59:00Z"));

            assertFalse(first.skipped());
            assertEquals(List.of("readings_2090_11", "readings_2090_12", "readings_2091_01", "readings_2091_02", "readings_2091_03",
                    "readings_2091_04"), readingsMade(first).stream().map(PartitionMaintenance.Made::partition).toList());
            assertTrue(first.made().stream().allMatch(m -> m.moved() == 0), first.toString());
            assertEquals(List.of("readings_2090_11", "readings_2090_12", "readings_2091_01", "readings_2091_02", "readings_2091_03",
                    "readings_2091_04"), partitionsOf(2090, 2091), "two months back to three ahead of January 2091");
            assertTrue(hasBounds("readings_2091_04", "2091-04-01T00:00:00Z", "2091-05-01T00:00:00Z"), "a UTC month");
            List<String> before = everyPartitionWithItsOidAndBound();

            PartitionMaintenance.Outcome second = maintenance.maintain(Instant.parse("2091-02-01T00:00:30Z"));

            assertEquals(List.of(new PartitionMaintenance.Made("readings_2091_05", 0)), readingsMade(second));
            List<String> after = everyPartitionWithItsOidAndBound();
            List<String> added = new ArrayList<>(after);
            added.removeAll(before);
            assertEquals(1, added.size(), "added: " + added);
            assertTrue(added.get(0).startsWith("readings_2091_05 "), added.get(0));
            assertEquals(before.size() + 1, after.size());
            assertTrue(after.containsAll(before), "a partition changed or went away");

            assertEquals("readings_2091_01", insertReading("2091-01-31T23:59:59.999Z"));
            assertEquals("readings_2091_02", insertReading("2091-02-01T00:00:00Z"));
            assertEquals("readings_2091_01", insertReading("2091-02-01T00:30:00+01:00"), "the months are UTC months");
            assertEquals("readings_2091_05", insertReading("2091-05-31T23:59:59.999Z"));
            assertEquals(0, fixtures.count("SELECT count(*) FROM readings_default WHERE device_id = ?", device));
        } finally {
            dropPartitionsOf(2090, 2091);
        }
    }

    @Test
    void rowsWaitingInTheDefaultPartitionMoveIntoTheirMonthsPartitionWhenItIsMade() throws Exception {
        assertEquals(List.of(), partitionsOf(2093), "left over from an earlier run");
        ListAppender<ILoggingEvent> log = listen(Level.INFO);
        try {
            List<String> june = new ArrayList<>();
            june.add(insertReading("2093-06-01T00:00:00Z"));
            for (int day = 1; day <= 30; day += 4) {
                june.add(insertReading(String.format("2093-06-%02dT12:00:00Z", day)));
            }
            june.add(insertReading("2093-06-30T23:59:59.999Z"));
            String may = insertReading("2093-05-31T23:59:59.999Z");
            String july = insertReading("2093-07-01T00:00:00Z");
            assertTrue(june.stream().allMatch("readings_default"::equals) && may.equals("readings_default") && july.equals("readings_default"),
                    "2093 has no partition yet");
            String contentBefore = contentOfTheTestRows();

            PartitionMaintenance.Outcome outcome = maintenance.maintain(Instant.parse("2093-03-15T10:00:00Z"));

            assertEquals(List.of(new PartitionMaintenance.Made("readings_2093_01", 0), new PartitionMaintenance.Made("readings_2093_02", 0),
                    new PartitionMaintenance.Made("readings_2093_03", 0), new PartitionMaintenance.Made("readings_2093_04", 0),
                    new PartitionMaintenance.Made("readings_2093_05", 1), new PartitionMaintenance.Made("readings_2093_06", june.size())),
                    readingsMade(outcome));
            assertEquals(june.size(), fixtures.count("SELECT count(*) FROM readings_2093_06 WHERE device_id = ?", device));
            assertEquals(1, fixtures.count("SELECT count(*) FROM readings_2093_05 WHERE device_id = ?", device));
            assertEquals(List.of("readings_default"), fixtures.strings(
                    "SELECT DISTINCT tableoid::regclass::text FROM readings WHERE device_id = ? AND measured_at >= '2093-07-01T00:00:00Z'", device),
                    "July 2093 has no partition: its row stays in the default partition");
            assertEquals(contentBefore, contentOfTheTestRows(), "the moved rows are the same rows");
            assertEquals(List.of("readings_2093_06_patient_id_type_measured_at_idx"),
                    fixtures.strings("SELECT indexname FROM pg_indexes WHERE tablename = 'readings_2093_06' ORDER BY 1"),
                    "the partition has the table's one index (no primary key since V30)");
            assertEquals(List.of("readings_device_named_once", "readings_origin_check"), fixtures.strings(
                    "SELECT conname FROM pg_constraint WHERE conrelid = 'readings_2093_06'::regclass AND contype = 'c'"),
                    "the bounds' CHECK is dropped once the partition bound holds");
            assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains(
                    "Made partition readings_2093_06 and moved " + june.size() + " rows")), "the move is logged with its count");
        } finally {
            stopListening(log);
            fixtures.update("DELETE FROM readings_default WHERE device_id = ?", device);
            dropPartitionsOf(2093);
        }
    }

    @Test
    void aRunSkipsWhileAnotherHoldsTheLockAndTwoAtOnceMakeEachPartitionOnce() throws Exception {
        assertEquals(List.of(), partitionsOf(2095, 2097), "left over from an earlier run");
        ListAppender<ILoggingEvent> log = listen(Level.DEBUG);
        try {
            Instant clock = Instant.parse("2095-06-10T08:00:00Z");
            try (Connection other = TestInfrastructure.database().connect()) {
                other.setAutoCommit(false);
                try (PreparedStatement s = other.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    s.setLong(1, MonthlyPartitions.MAINTENANCE_LOCK);
                    s.executeQuery().close();
                }

                PartitionMaintenance.Outcome whileHeld = maintenance.maintain(clock);

                assertTrue(whileHeld.skipped());
                assertEquals(List.of(), whileHeld.made());
                assertEquals(List.of(), partitionsOf(2095), "nothing made while another instance holds the lock");
                assertTrue(log.list.stream().anyMatch(e -> e.getLevel() == Level.DEBUG
                        && e.getFormattedMessage().contains("another instance holds the maintenance lock")), "the skip is logged at debug");
                other.commit();
            }
            PartitionMaintenance.Outcome afterwards = maintenance.maintain(clock);
            assertFalse(afterwards.skipped());
            assertEquals(6, readingsMade(afterwards).size(), afterwards.toString());
            assertEquals(6, partitionsOf(2095).size());

            Instant later = Instant.parse("2097-06-10T08:00:00Z");
            CyclicBarrier together = new CyclicBarrier(2);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                List<Future<PartitionMaintenance.Outcome>> runs = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    runs.add(threads.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        return maintenance.maintain(later);
                    }));
                }
                List<String> made = new ArrayList<>();
                for (Future<PartitionMaintenance.Outcome> run : runs) {
                    readingsMade(run.get(60, TimeUnit.SECONDS)).forEach(m -> made.add(m.partition()));
                }
                assertEquals(List.of("readings_2097_04", "readings_2097_05", "readings_2097_06", "readings_2097_07", "readings_2097_08",
                        "readings_2097_09"), made.stream().sorted().toList(), "each partition made by exactly one of the two runs");
                assertEquals(6, partitionsOf(2097).size());
            } finally {
                threads.shutdownNow();
            }
        } finally {
            stopListening(log);
            dropPartitionsOf(2095, 2097);
        }
    }

    @Test
    void theMetricsShowNewestAndOldestPartitionTheirRowsAndBytesAndTheDefaultPartitionsRows() throws Exception {
        assertEquals(List.of(), partitionsOf(1979, 1980, 2099, 2100, 2150), "left over from an earlier run");
        try {
            maintenance.maintain(Instant.parse("1979-12-15T12:00:00Z"));
            int rows = 7;
            for (int i = 0; i < rows; i++) {
                insertReading("2099-11-01T00:00:00Z"); // no partition yet: waits in the default partition until the run below
            }
            long defaultBefore = fixtures.count("SELECT count(*) FROM readings_default");
            for (int i = 0; i < 3; i++) {
                insertReading("2150-01-0" + (i + 1) + "T00:00:00Z"); // beyond any partition the runs below make
            }
            Instant clock = Instant.parse("2099-12-31T23:59:59Z");

            maintenance.maintain(clock);
            int more = 5;
            for (int i = 0; i < more; i++) {
                insertReading("2099-11-15T00:00:00Z");
            }
            fixtures.update("ANALYZE readings_2099_11");
            maintenance.maintain(clock);

            assertEquals(epoch("2100-03-01T00:00:00Z"), gauge("fsc.partitions.newest.start").value(), "three months ahead");
            assertEquals(epoch("1979-10-01T00:00:00Z"), gauge("fsc.partitions.oldest.start").value(), "two months back");
            assertEquals(defaultBefore - rows + 3, gauge("fsc.partitions.default.rows").value(),
                    "the 2150 rows wait in the default partition; the November 2099 ones moved out");
            assertEquals(clock.getEpochSecond(), registry.find("fsc.partitions.last.success.time").gauge().value());
            assertEquals(rows + more, partitionGauge("fsc.partition.rows", "readings_2099_11").value(), "the latest run's estimate");
            assertEquals(fixtures.count("SELECT pg_total_relation_size('readings_2099_11')"),
                    partitionGauge("fsc.partition", "readings_2099_11").value());
            assertTrue(partitionGauge("fsc.partition", "readings_2099_11").value() > 8192, "a table with rows and two indexes");
            assertNotNull(partitionGauge("fsc.partition.rows", "readings_default"));

            String scraped = http.toBlocking().retrieve("/prometheus");
            for (String name : List.of("fsc_partitions_newest_start_seconds{table=\"readings\"} ",
                    "fsc_partitions_oldest_start_seconds{table=\"access_log\"} ", "fsc_partitions_default_rows{table=\"device_messages\"} ",
                    "fsc_partitions_last_success_time_seconds ",
                    "fsc_partition_rows{partition=\"readings_2099_11\",table=\"readings\"} ",
                    "fsc_partition_bytes{partition=\"readings_2099_11\",table=\"readings\"} ")) {
                assertTrue(scraped.contains(name), "/prometheus has " + name);
            }

            dropPartitionsOf(1979, 1980);
            fixtures.update("DELETE FROM readings_default WHERE device_id = ?", device);
            maintenance.maintain(clock);

            assertNull(registry.find("fsc.partition.rows").tag("partition", "readings_1979_10").gauge(), "gone with its partition");
            assertNull(registry.find("fsc.partition").tag("partition", "readings_1980_03").gauge(), "gone with its partition");
            assertTrue(gauge("fsc.partitions.oldest.start").value() > epoch("1980-03-01T00:00:00Z"));
            assertEquals(defaultBefore - rows, gauge("fsc.partitions.default.rows").value());
        } finally {
            fixtures.update("DELETE FROM readings_default WHERE device_id = ?", device);
            dropPartitionsOf(1979, 1980, 2099, 2100);
        }
    }

    @Test
    void aClosedMonthsIndexesArePackedWithEveryReadingStillFoundAndANewMonthLaysOutItsColumnsByAlignment() throws Exception {
        assertEquals(List.of(), partitionsOf(2085), "left over from an earlier run");
        try {
            maintenance.maintain(Instant.parse("2085-03-20T10:00:00Z"));
            assertEquals("measured_at,value,received_at,device_number,seq,patient_id,device_id,message_id,type,site,origin,source_device,"
                            + "entered_by",
                    fixtures.text("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute "
                            + "WHERE attrelid = 'readings_2085_01'::regclass AND attnum > 0 AND NOT attisdropped"),
                    "fixed-width columns first, the widest alignment first (V34)");
            // Readings in patient order as a month gets them: entries land all over the index, whose pages split.
            for (String month : List.of("2085-01", "2085-02", "2085-03")) {
                fixtures.update("INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value) "
                        + "SELECT ?, 'pack-' || ? || '-' || n, 0, CAST(? AS timestamptz) + n * interval '7 seconds', "
                        + "CAST(md5(CAST(n % 997 AS text)) AS uuid), 'spo2', 80 + n % 20 FROM generate_series(1, 20000) n",
                        device, month, month + "-01T00:00:00Z");
            }
            fold.fold(); // their hourly rollups too, as the schedule would a few seconds later
            String readBefore = byIndex("readings_2085_01");
            long bytesBefore = fixtures.count("SELECT pg_indexes_size('readings_2085_01')");
            long march = fixtures.count("SELECT pg_indexes_size('readings_2085_03')");
            // A REINDEX CONCURRENTLY stopped halfway leaves an invalid copy; a failed unique build leaves one the same way.
            try (Connection c = TestInfrastructure.database().connect()) {
                c.setAutoCommit(true);
                c.createStatement().execute("CREATE UNIQUE INDEX CONCURRENTLY readings_2085_02_type_ccnew ON readings_2085_02 (type)");
            } catch (java.sql.SQLException expected) {
                assertEquals("23505", expected.getSQLState(), expected.getMessage());
            }
            assertEquals(List.of("readings_2085_02_type_ccnew"), fixtures.strings(
                    "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'readings_2085_02'::regclass AND NOT indisvalid"));

            // 15 March: January ended more than the backlog window (30 days) and a day ago; February has not.
            List<PartitionMaintenance.Packed> first = maintenance.packClosedMonths(Instant.parse("2085-03-15T00:00:00Z"));

            assertEquals(List.of("readings_2085_01", "reading_rollups_hourly_2085_01"),
                    first.stream().map(PartitionMaintenance.Packed::partition).filter(n -> n.contains("2085")).toList());
            PartitionMaintenance.Packed january = first.stream().filter(p -> p.partition().equals("readings_2085_01")).findFirst().orElseThrow();
            assertEquals(bytesBefore, january.indexBytesBefore());
            assertEquals(fixtures.count("SELECT pg_indexes_size('readings_2085_01')"), january.indexBytesAfter());
            assertTrue(january.indexBytesAfter() < bytesBefore * 0.9, "packed: " + january);
            assertEquals(readBefore, byIndex("readings_2085_01"), "every reading found through the packed index");
            assertEquals(List.of("readings_2085_01_patient_id_type_measured_at_idx"), fixtures.strings(
                    "SELECT x.relname FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE i.indrelid = 'readings_2085_01'::regclass "
                            + "AND i.indisvalid AND 'fillfactor=100' = ANY(x.reloptions)"), "packed and marked, the one index");
            assertEquals(1, fixtures.count("SELECT count(*) FROM pg_inherits WHERE inhrelid = "
                    + "'readings_2085_01_patient_id_type_measured_at_idx'::regclass AND inhparent = 'readings_patient_type_time_idx'::regclass"),
                    "still a partition of the table's index");
            assertEquals(march, fixtures.count("SELECT pg_indexes_size('readings_2085_03')"), "the month being written is left alone");
            assertEquals(List.of("readings_2085_02_type_ccnew"), fixtures.strings(
                    "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'readings_2085_02'::regclass AND NOT indisvalid"),
                    "February is not closed yet");
            assertTrue(maintenance.packClosedMonths(Instant.parse("2085-03-16T00:00:00Z")).stream()
                    .noneMatch(p -> p.partition().contains("2085")), "packed once");

            try (Connection other = TestInfrastructure.database().connect()) {
                other.setAutoCommit(false);
                try (PreparedStatement s = other.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    s.setLong(1, MonthlyPartitions.MAINTENANCE_LOCK);
                    s.executeQuery().close();
                }
                assertEquals(List.of(), maintenance.packClosedMonths(Instant.parse("2085-04-15T00:00:00Z")), "another instance maintains");
                other.commit();
            }
            assertTrue(unpackedClosedMonths("readings") >= 1, "February waits, and the metric says so");
            List<PartitionMaintenance.Packed> april = maintenance.packClosedMonths(Instant.parse("2085-04-15T00:00:00Z"));
            assertEquals(0, unpackedClosedMonths("readings"), "every closed month packed: " + april);
            assertEquals(0, unpackedClosedMonths("reading_rollups_hourly"), "every closed month packed: " + april);

            assertTrue(april.stream().anyMatch(p -> p.partition().equals("readings_2085_02")), april.toString());
            assertEquals(List.of(), fixtures.strings(
                    "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'readings_2085_02'::regclass AND NOT indisvalid"),
                    "the stopped attempt's copy is dropped");
        } finally {
            fixtures.update("DELETE FROM readings_default WHERE device_id = ?", device);
            dropPartitionsOf(2085);
        }
    }

    private double unpackedClosedMonths(String table) {
        return registry.get("fsc.partitions.unpacked.closed.months").tag("table", table).gauge().value();
    }

    /** Count, sum and a checksum of the partition's rows as an index scan finds them. */
    private String byIndex(String partition) throws Exception {
        try (Connection c = TestInfrastructure.database().connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("SET enable_seqscan = off");
            s.execute("SET enable_bitmapscan = off");
            try (java.sql.ResultSet plan = s.executeQuery("EXPLAIN SELECT count(*) FROM " + partition
                    + " WHERE patient_id >= '00000000-0000-0000-0000-000000000000' AND type = 'spo2'")) {
                StringBuilder text = new StringBuilder();
                while (plan.next()) {
                    text.append(plan.getString(1)).append('\n');
                }
                assertTrue(text.toString().contains("Index"), text.toString());
            }
            try (java.sql.ResultSet rs = s.executeQuery("SELECT count(*) || ' ' || sum(value) || ' ' || md5(string_agg(message_id, ',' "
                    + "ORDER BY message_id)) FROM " + partition + " WHERE patient_id >= '00000000-0000-0000-0000-000000000000' AND type = 'spo2'")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @AfterAll
    void dropWhatTheTestsMade() {
        fixtures.update("DELETE FROM readings_default WHERE device_id = ?", device);
        dropPartitionsOf(1979, 1980, 2085, 2090, 2091, 2093, 2095, 2097, 2099, 2100);
    }

    /** Inserts a reading of this test's device; answers the partition it landed in. */
    private String insertReading(String measuredAt) {
        String message = "m-" + (++messages);
        fixtures.update("INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value) "
                + "VALUES (?, ?, 0, ?, ?, 'spo2', ?)", device, message, OffsetDateTime.parse(measuredAt), UUID.randomUUID(), 90.0 + messages);
        return fixtures.text("SELECT tableoid::regclass::text FROM readings WHERE device_id = ? AND message_id = ?", device, message);
    }

    private String contentOfTheTestRows() {
        return fixtures.text("SELECT md5(string_agg(r::text, '|' ORDER BY message_id)) FROM (SELECT device_id, message_id, seq, "
                + "measured_at, patient_id, type, value, received_at FROM readings WHERE device_id = ?) r", device);
    }

    private List<String> partitionsOf(int... years) {
        return fixtures.strings(PARTITIONS, "^readings_(" + String.join("|", IntStream.of(years).mapToObj(String::valueOf).toList()) + ")_\\d\\d$");
    }

    /** Drops the partitions of those years of every table maintenance makes (readings, rollups, keys, access log). */
    private void dropPartitionsOf(int... years) {
        fold.fold(); // the rollup deltas of those years' readings into the partitions that go now, not into a default partition later
        for (String name : fixtures.strings("""
                SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent::regclass::text IN ('readings', 'reading_rollups_hourly', 'device_messages', 'access_log')
                   AND c.relname ~ ?""",
                "_(" + String.join("|", IntStream.of(years).mapToObj(String::valueOf).toList()) + ")_\\d\\d$")) {
            fixtures.update("DROP TABLE " + name); // a name from the catalog, of the form <table>_YYYY_MM
        }
        fixtures.update("DELETE FROM reading_rollups_hourly_default WHERE bucket < '1981-01-01' OR bucket >= '2090-01-01'");
        fixtures.update("DELETE FROM reading_rollups_daily WHERE bucket < '1981-01-01' OR bucket >= '2090-01-01'");
    }

    /** The readings partitions a run made (it makes those of the other tables too). */
    private static List<PartitionMaintenance.Made> readingsMade(PartitionMaintenance.Outcome outcome) {
        return outcome.made().stream().filter(m -> m.partition().startsWith("readings_")).toList();
    }

    /** The bound as PostgreSQL writes it, compared in the session's time zone (whatever the test JVM's is). */
    private boolean hasBounds(String partition, String from, String to) {
        return fixtures.count("SELECT count(*) FROM pg_class WHERE relname = ? AND pg_get_expr(relpartbound, oid) = "
                + "format('FOR VALUES FROM (%L) TO (%L)', ?::timestamptz, ?::timestamptz)", partition, from, to) == 1;
    }

    private List<String> everyPartitionWithItsOidAndBound() {
        return fixtures.strings("SELECT c.relname || ' ' || c.oid || ' ' || pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
                + "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'readings'::regclass ORDER BY 1");
    }

    /** The readings table's gauge of this name. */
    private Gauge gauge(String name) {
        Gauge g = registry.find(name).tag("table", "readings").gauge();
        assertNotNull(g, name);
        return g;
    }

    private Gauge partitionGauge(String name, String partition) {
        Gauge g = registry.find(name).tag("partition", partition).gauge();
        assertNotNull(g, name + "{partition=" + partition + "}");
        return g;
    }

    private static double epoch(String instant) {
        return Instant.parse(instant).getEpochSecond();
    }

    private static ListAppender<ILoggingEvent> listen(Level level) {
        Logger logger = (Logger) LoggerFactory.getLogger(PartitionMaintenance.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        logger.setLevel(level);
        return log;
    }

    private static void stopListening(ListAppender<ILoggingEvent> log) {
        Logger logger = (Logger) LoggerFactory.getLogger(PartitionMaintenance.class);
        logger.detachAppender(log);
        logger.setLevel(null);
    }
}
