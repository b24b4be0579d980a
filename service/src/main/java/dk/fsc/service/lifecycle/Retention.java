package dk.fsc.service.lifecycle;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.gateway.storage.PhotoRows;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what is older than the {@link RetentionPolicy} keeps, once a day (and on demand through
 * {@link #run}): whole monthly partitions of readings (with their daily rollups; their questionnaire
 * answers, in batches, by the same cutoff), hourly rollups
 * (kept shorter: a year's chart reads days), idempotency keys and the access log, whose every row is past the limit, never a
 * {@code DELETE} on those tables; resolved alerts with their events, photos with their files and
 * quarantined messages in batches of {@link RetentionStore#BATCH} rows. {@link #plan} is the dry
 * run: what would go now, removing nothing. With {@code fsc.retention.dry-run} the daily job only
 * logs its plan. Partitions go under the partition maintenance lock, so only one instance drops
 * while another makes new ones. On TimescaleDB ({@link Timescale}) readings and their rollups go
 * by whole chunks ({@code drop_chunks}) instead, by the same cutoffs.
 */
@Singleton
public class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private final Database db;
    private final RetentionPolicy policy;
    private final BlobStore blobs;
    private final boolean dryRun;
    private final AtomicLong lastRun = new AtomicLong();
    private final MeterRegistry registry;
    private final Timescale timescale;

    Retention(Database db, BlobStore blobs, MeterRegistry registry, Timescale timescale,
              @Value("${fsc.retention.readings:3650d}") Duration readings,
              @Value("${fsc.retention.hourly-rollups:400d}") Duration hourlyRollups,
              @Value("${fsc.retention.alerts:3650d}") Duration alerts,
              @Value("${fsc.retention.photos:3650d}") Duration photos,
              @Value("${fsc.retention.device-messages:62d}") Duration deviceMessages,
              @Value("${fsc.retention.quarantine:90d}") Duration quarantine,
              @Value("${fsc.retention.access-log:1827d}") Duration accessLog,
              @Value("${fsc.gateway.backlog-window:30d}") Duration backlogWindow,
              @Value("${fsc.retention.dry-run:false}") boolean dryRun) {
        this.db = db;
        this.blobs = blobs;
        this.registry = registry;
        this.timescale = timescale;
        this.policy = new RetentionPolicy(readings, hourlyRollups, alerts, photos, deviceMessages, quarantine, accessLog, backlogWindow);
        this.dryRun = dryRun;
        registry.gauge("fsc.retention.last.run", lastRun);
    }

    /**
     * One thing that goes (or went): a partition with its estimated rows and bytes, or the rows of
     * a table older than the cutoff.
     *
     * @param partition the partition's name; null for rows
     */
    @Serdeable
    public record Step(String kind, String table, @Nullable String partition, Instant olderThan, long rows, @Nullable Long bytes) {
    }

    /** What a run removes now: the policy's rules and the steps. */
    @Serdeable
    public record Plan(Instant at, List<RuleView> rules, List<Step> steps) {
    }

    /** A rule as the dry run shows it. */
    @Serdeable
    public record RuleView(String kind, String setting, long keepDays, Instant cutoff) {
    }

    public RetentionPolicy policy() {
        return policy;
    }

    /** The dry run: what would go if the job ran at {@code now}. Removes nothing. */
    public Plan plan(Instant now) {
        return db.withConnection(sql -> new Plan(now, rules(now), steps(sql, now)));
    }

    private List<RuleView> rules(Instant now) {
        return policy.rules().stream().map(r -> new RuleView(r.kind().wireName(), r.setting(),
                keep(r).toDays(), now.minus(keep(r)))).toList();
    }

    /**
     * How long the rule keeps its data: its setting, except the hourly rollups on TimescaleDB,
     * which are kept as long as the readings. There the daily rollups are a continuous aggregate
     * of the hourly one, and TimescaleDB counts a dropped hourly chunk as a change to the days
     * built on it: the next refresh would compute those days again from hours that are gone and
     * delete them, while their readings are kept for years. (TimescaleDB's documentation: a
     * refresh must not cover data dropped beneath an aggregate.) A bounded refresh would avoid
     * that only by leaving every older change out of the days: an import or correction of an old
     * reading. Compressed, an hour takes about 20 bytes (docs/operations.md, "Sizing a region").
     */
    private Duration keep(RetentionPolicy.Rule r) {
        return r.kind() == RetentionPolicy.Kind.HOURLY_ROLLUPS && timescale.chunked(r.kind().table()) ? policy.readings() : r.keep();
    }

    private List<Step> steps(Sql sql, Instant now) {
        List<Step> steps = new ArrayList<>();
        Instant readingDays = null; // days before this go with their readings (the readings' rule comes first)
        for (RetentionPolicy.Rule r : policy.rules()) {
            Instant cutoff = now.minus(keep(r));
            String kind = r.kind().wireName();
            if (r.kind().partitioned()) {
                List<MonthlyPartitions.Partition> partitions = partitions(sql, r.kind().table()); // read once per plan
                if (r.kind() == RetentionPolicy.Kind.HOURLY_ROLLUPS && timescale.chunked(r.kind().table())) {
                    // Only hours whose readings all went, with their days: not a chunk whose end a kept reading precedes.
                    cutoff = java.util.Objects.requireNonNull(readingDays, "the readings' rule comes first");
                }
                for (MonthlyPartitions.Partition p : expired(partitions, cutoff)) {
                    steps.add(new Step(kind, p.table(), p.name(), cutoff, p.rows(), p.bytes()));
                }
                if (r.kind() == RetentionPolicy.Kind.READINGS) {
                    Instant daysBefore = dailyCutoff(partitions, cutoff);
                    readingDays = daysBefore;
                    if (timescale.chunked("reading_rollups_daily")) {
                        for (MonthlyPartitions.Partition p : expired(partitions(sql, "reading_rollups_daily"), daysBefore)) {
                            steps.add(new Step(kind, p.table(), p.name(), daysBefore, p.rows(), p.bytes()));
                        }
                    } else {
                        long daily = sql.one("SELECT count(*) FROM reading_rollups_daily WHERE bucket < ?", rs -> rs.getLong(1),
                                daysBefore).orElse(0L);
                        if (daily > 0) {
                            steps.add(new Step(kind, "reading_rollups_daily", null, daysBefore, daily, null));
                        }
                    }
                    long answers = sql.one("SELECT count(*) FROM questionnaire_answers WHERE answered_at < ?", rs -> rs.getLong(1),
                            cutoff).orElse(0L);
                    if (answers > 0) { // the answers go with the readings: a CAT's total is one of them
                        steps.add(new Step(kind, "questionnaire_answers", null, cutoff, answers, null));
                    }
                }
            } else {
                long rows = RetentionStore.count(sql, r.kind(), cutoff);
                if (rows > 0) {
                    steps.add(new Step(kind, r.kind().table(), null, cutoff, rows, null));
                }
                if (r.kind() == RetentionPolicy.Kind.PHOTOS) { // a wound's record goes with its photos once nothing of it is newer
                    long wounds = RetentionStore.countWounds(sql, cutoff);
                    if (wounds > 0) {
                        steps.add(new Step(kind, "wounds", null, cutoff, wounds, null));
                    }
                }
            }
        }
        return steps;
    }

    /** The monthly partitions (on TimescaleDB: chunks) whose every row is older than the cutoff (they end at or before it). */
    private static List<MonthlyPartitions.Partition> expired(List<MonthlyPartitions.Partition> partitions, Instant cutoff) {
        return partitions.stream()
                .filter(p -> !p.isDefault() && !p.end().isAfter(cutoff))
                .toList();
    }

    private List<MonthlyPartitions.Partition> partitions(Sql sql, String table) {
        return timescale.chunked(table) ? timescale.chunks(table) : MonthlyPartitions.of(sql, table);
    }

    /**
     * Daily rollups go with the readings of their day: those of days that began a day or more
     * before the oldest readings partition (or chunk) kept (a Danish day straddles two UTC months
     * at its first hour: a day whose readings are partly kept keeps its rollup).
     */
    private static Instant dailyCutoff(List<MonthlyPartitions.Partition> readings, Instant cutoff) {
        return readings.stream()
                .filter(p -> !p.isDefault() && p.end().isAfter(cutoff))
                .map(MonthlyPartitions.Partition::start)
                .findFirst().orElse(cutoff).minus(Duration.ofDays(1));
    }

    /** The daily job (an hour after start, then daily): the plan applied, or only logged on a dry run. */
    @Scheduled(fixedDelay = "${fsc.retention.check:1d}", initialDelay = "${fsc.retention.first-check:1h}")
    void daily() {
        try {
            if (dryRun) {
                Plan plan = plan(Instant.now());
                plan.steps().forEach(s -> LOG.info("Retention (dry run, fsc.retention.dry-run): would remove {}", describe(s)));
                if (plan.steps().isEmpty()) {
                    LOG.info("Retention (dry run): nothing is older than its retention");
                }
                return;
            }
            run(Instant.now());
        } catch (RuntimeException | SQLException e) {
            LOG.warn("Retention failed ({}); next try at the next interval", e.getMessage());
        }
    }

    /**
     * Applies the policy as at {@code now}; answers what went. Partitions only while no other
     * instance maintains partitions. A step that fails (a partition whose table stayed locked past
     * the wait, the database away for a moment) is logged and tried again at the next run; the
     * steps after it still run, so one busy table does not keep every other kind of data past its
     * limit. The run counts as done ({@code fsc_retention_last_run}, which FscRetentionStale
     * watches) only when every step succeeded.
     */
    public List<Step> run(Instant now) throws SQLException {
        List<Step> done = new ArrayList<>();
        int failed = 0;
        for (Step step : db.withConnection(sql -> steps(sql, now))) {
            try {
                if (step.partition() != null) {
                    switch (dropPartition(step)) {
                        case DROPPED -> done.add(step);
                        case WAITS -> failed++; // not done: the run is not a finished one (FscRetentionStale counts on that)
                        case GONE -> { } // another instance dropped it: its run counted it
                    }
                } else {
                    long rows = deleteRows(step);
                    done.add(new Step(step.kind(), step.table(), null, step.olderThan(), rows, null));
                }
            } catch (SQLException | RuntimeException e) {
                failed++;
                LOG.warn("Retention: could not remove {} ({}); the next run tries again", describe(step), e.getMessage());
            }
        }
        // Photo files still listed to delete (a run stopped or a file that could not be removed): every run tries them.
        try (Connection c = db.ownConnection()) {
            c.setAutoCommit(false);
            failed += deleteFiles(c, Sql.on(c)); // files left on the list: not a finished run (FscRetentionStale)
        } catch (SQLException | RuntimeException e) {
            failed++;
            LOG.warn("Retention: the photo files listed to delete could not be read ({}); the next run tries again", e.getMessage());
        }
        done.forEach(s -> {
            LOG.info("Retention: removed {}", describe(s));
            registry.counter("fsc.retention.removed.rows", "table", s.table()).increment(s.rows());
        });
        if (failed == 0) {
            lastRun.set(now.getEpochSecond());
        } else {
            LOG.warn("Retention: {} of its steps failed and wait for the next run; the others are done", failed);
        }
        return done;
    }

    /** What became of a partition to drop. */
    private enum Dropped { DROPPED, WAITS, GONE }

    private Dropped dropPartition(Step step) throws SQLException {
        if (timescale.chunked(step.table())) { // drop_chunks: this chunk and any older one left (TimescaleDB takes its locks)
            timescale.dropChunks(step.table(), step.olderThan());
            return Dropped.DROPPED;
        }
        try (Connection c = db.ownConnection()) {
            c.setAutoCommit(false);
            Sql sql = Sql.on(c);
            if (!MonthlyPartitions.tryLock(sql)) {
                LOG.info("Retention: partition maintenance runs elsewhere; {} waits for the next run", step.partition());
                c.rollback();
                return Dropped.WAITS;
            }
            // Detaching takes the table's strongest lock for a moment; while it waits for that lock, every
            // insert and read of the table queues behind it, so it gives up soon and tries the next day.
            MonthlyPartitions.lockTimeout(sql, "2s");
            var partition = MonthlyPartitions.of(sql, step.table()).stream().filter(p -> p.name().equals(step.partition())).findFirst();
            partition.ifPresent(p -> MonthlyPartitions.drop(sql, p));
            c.commit();
            return partition.isPresent() ? Dropped.DROPPED : Dropped.GONE;
        }
    }

    private long deleteRows(Step step) throws SQLException {
        long total = 0;
        try (Connection c = db.ownConnection()) {
            c.setAutoCommit(false);
            Sql sql = Sql.on(c);
            int n;
            do {
                List<String> files = List.of();
                switch (step.table()) {
                    case "photos" -> {
                        RetentionStore.PhotosGone gone = RetentionStore.deletePhotos(sql, step.olderThan());
                        n = gone.rows();
                        files = gone.files();
                    }
                    case "wounds" -> n = RetentionStore.deleteWounds(sql, step.olderThan());
                    case "reading_rollups_daily" -> n = RetentionStore.deleteDailyRollups(sql, step.olderThan());
                    case "questionnaire_answers" -> n = RetentionStore.deleteAnswers(sql, step.olderThan());
                    default -> n = RetentionStore.deleteBatch(sql, RetentionPolicy.Kind.valueOf(step.kind().toUpperCase(Locale.ROOT)),
                            step.olderThan());
                }
                c.commit();
                if (!files.isEmpty()) {
                    deleteFiles(c, sql);
                }
                total += n;
            } while (n == RetentionStore.BATCH);
        }
        return total;
    }

    /**
     * After the rows are committed, the files listed to delete (V44; also those an earlier run left):
     * each under its lock ({@link PhotoRows#LOCK_FILE_TO_DELETE}), so a writer that is storing the
     * same bytes again has either committed its row (the file stays) or waits and writes the file
     * anew; then it comes off the list, in the same transaction. A file that cannot be deleted
     * stays listed for the next run.
     */
    int deleteFiles(Connection c, Sql sql) throws SQLException {
        List<String> files;
        do {
            files = RetentionStore.filesToDelete(sql, RetentionStore.BATCH);
            c.commit();
            int left = 0;
            for (String sha : files) {
                try {
                    sql.one(PhotoRows.LOCK_FILE_TO_DELETE, rs -> 1, sha);
                    if (!RetentionStore.fileInUse(sql, sha)) {
                        blobs.delete(sha);
                    }
                    RetentionStore.fileHandled(sql, sha);
                    c.commit();
                } catch (IOException | RuntimeException e) {
                    c.rollback();
                    left++;
                    LOG.warn("Retention: photo file {} could not be removed ({}); it stays listed for the next run", sha, e.getMessage());
                }
            }
            if (left > 0) {
                return left; // the next run tries those again
            }
        } while (files.size() == RetentionStore.BATCH);
        return 0;
    }

    static String describe(Step s) {
        return (s.partition() != null ? "partition " + s.partition() + " (about " + s.rows() + " rows, " + s.bytes() / 1_048_576 + " MB)"
                : s.rows() + " rows of " + s.table()) + ", older than " + s.olderThan() + " (" + s.kind() + ")";
    }
}
