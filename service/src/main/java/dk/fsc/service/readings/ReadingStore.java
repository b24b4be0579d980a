package dk.fsc.service.readings;

import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads of the partitioned readings table, in the caller's transaction; the time range lets PostgreSQL skip partitions. */
@Singleton
public class ReadingStore {
    private final Database db;

    ReadingStore(Database db) {
        this.db = db;
    }

    /** A patient's readings of one type (all types when null) in [from, to), oldest first, at most {@code limit}. */
    List<ReadingView> history(UUID patientId, @Nullable String type, Instant from, Instant to, int limit) {
        return db.sql().list("""
                SELECT type, value, unit, measured_at, device_id, message_id, code_system, code, site, origin
                  FROM readings
                 WHERE patient_id = ?
                   AND (CAST(? AS text) IS NULL OR type = ?)
                   AND measured_at >= ? AND measured_at < ?
                 ORDER BY measured_at, device_id, message_id, seq
                 LIMIT ?""",
                rs -> new ReadingView(rs.getString("type"), rs.getDouble("value"), rs.getString("unit"), Sql.instant(rs, "measured_at"),
                        rs.getString("device_id"), rs.getString("message_id"), rs.getString("code_system"), rs.getString("code"),
                        rs.getString("site"), rs.getString("origin")),
                patientId, type, type, from, to, limit);
    }

    /** One reading for a chart; {@code staffEntered}: measured or observed by staff and entered by hand. */
    public record ChartPoint(Instant at, double value, boolean staffEntered) {
    }

    /** The readings of one stretch of a long range: its start, lowest, highest and how many; {@code staffEntered} if any was. */
    public record ChartBucket(Instant at, double min, double max, int count, boolean staffEntered) {
    }

    /** A type's readings in [from, to) for a chart: the readings themselves, or (when too many) buckets, never both. */
    public record ChartSeries(String type, Instant from, Instant to, List<ChartPoint> points, List<ChartBucket> buckets) {
        public boolean reduced() {
            return !buckets.isEmpty();
        }

        public boolean isEmpty() {
            return points.isEmpty() && buckets.isEmpty();
        }
    }

    /**
     * A patient's readings of one type in [from, to), oldest first, for a chart: the readings when
     * there are at most {@code maxPoints}, else at most {@code maxPoints} equal stretches of the range,
     * each with its lowest and highest value, so a single spike stays visible however long the range.
     * The reduction is done by PostgreSQL (one pass over the patient's index range).
     */
    public ChartSeries chartSeries(UUID patientId, String type, Instant from, Instant to, int maxPoints) {
        Sql sql = db.sql();
        List<ChartPoint> points = sql.list("""
                SELECT measured_at, value, origin FROM readings
                 WHERE patient_id = ? AND type = ? AND measured_at >= ? AND measured_at < ?
                 ORDER BY measured_at, device_id, message_id, seq
                 LIMIT ?""",
                rs -> new ChartPoint(Sql.instant(rs, "measured_at"), rs.getDouble("value"), "staff".equals(rs.getString("origin"))),
                patientId, type, from, to, maxPoints + 1);
        if (points.size() <= maxPoints) {
            return new ChartSeries(type, from, to, points, List.of());
        }
        long width = bucketSeconds(from, to, maxPoints);
        // Bucket n covers [from + n * width, from + (n + 1) * width); its time is its start.
        List<ChartBucket> buckets = sql.list("""
                SELECT floor(extract(epoch FROM measured_at - CAST(? AS timestamptz)) / ?) AS n,
                       min(value) AS lo, max(value) AS hi, count(*) AS c, bool_or(origin = 'staff') AS staff
                  FROM readings
                 WHERE patient_id = ? AND type = ? AND measured_at >= ? AND measured_at < ?
                 GROUP BY 1 ORDER BY 1""",
                rs -> new ChartBucket(from.plusSeconds(rs.getLong("n") * width), rs.getDouble("lo"), rs.getDouble("hi"), rs.getInt("c"),
                        rs.getBoolean("staff")),
                from, width, patientId, type, from, to);
        return new ChartSeries(type, from, to, List.of(), buckets);
    }

    /** The width in whole seconds of stretches that split [from, to) into at most {@code buckets}. */
    public static long bucketSeconds(Instant from, Instant to, int buckets) {
        long seconds = Math.max(1, Duration.between(from, to).toSeconds());
        return Math.max(1, (seconds + buckets - 1) / buckets);
    }

    /** When the patient last measured anything (any type, device or staff), if ever. */
    public Optional<Instant> lastMeasuredAt(UUID patientId) {
        Sql sql = db.sql();
        // One index probe per type (patient_id, type, measured_at) rather than a scan of all the patient's readings.
        return sql.one("""
                SELECT max(last.at) AS at FROM unnest(?) AS t(type)
                 CROSS JOIN LATERAL (SELECT max(measured_at) AS at FROM readings r WHERE r.patient_id = ? AND r.type = t.type) last""",
                rs -> Sql.instant(rs, "at"),
                sql.array("text", Arrays.stream(ObservationType.values()).map(ObservationType::wireName).toArray()), patientId);
    }
}
