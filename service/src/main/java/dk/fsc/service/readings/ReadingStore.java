package dk.fsc.service.readings;

import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.service.lifecycle.Retention;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.time.DanishTime;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads of the partitioned readings table, in the caller's transaction; the time range lets PostgreSQL skip partitions. */
@Singleton
public class ReadingStore {
    private final Database db;
    /**
     * How long hourly rollups are kept (retention, docs/operations.md: their own setting, never
     * longer than the readings'): before that, auto gives days, not hours.
     */
    private final Duration hourlyKept;

    ReadingStore(Database db, Retention retention) {
        this.db = db;
        this.hourlyKept = retention.policy().hourlyRollupsKept();
    }

    /**
     * The readings with their device's id: a device's reading names its device by number since V37
     * (its {@code device_id} NULL), a staff entry and a row written before by id. Every read here
     * selects {@link #DEVICE_ID} from this and orders readings of the same instant by it.
     */
    private static final String READINGS_WITH_DEVICE = "readings r LEFT JOIN devices d ON d.device_number = r.device_number";
    private static final String DEVICE_ID = "coalesce(r.device_id, d.id)";

    private static final String HISTORY = """
            SELECT r.type, r.value, r.measured_at, %1$s AS device_id, r.message_id, r.site, r.origin
              FROM %2$s
             WHERE r.patient_id = ?
               AND (CAST(? AS text) IS NULL OR r.type = ?)
               AND r.measured_at >= ? AND r.measured_at < ?
             ORDER BY r.measured_at, %1$s, r.message_id, r.seq
             LIMIT ?""".formatted(DEVICE_ID, READINGS_WITH_DEVICE);

    /** A patient's readings of one type (all types when null) in [from, to), oldest first, at most {@code limit}. */
    List<ReadingView> history(UUID patientId, @Nullable String type, Instant from, Instant to, int limit) {
        return db.sql().list(HISTORY, ReadingStore::view, patientId, type, type, from, to, limit);
    }

    /**
     * A history as asked for: the readings themselves ({@code raw}), or rollup buckets, never both.
     *
     * @param daysPerPoint for {@code day}: how many days one bucket covers (1 unless a long range was reduced further)
     * @param truncated    more matched than the limit
     */
    public record Series(Resolution resolution, int daysPerPoint, List<ReadingView> readings, List<ReadingBucket> buckets,
                         boolean truncated) {
        public boolean isEmpty() {
            return readings.isEmpty() && buckets.isEmpty();
        }

        /**
         * The access log's detail for reading this series: the type (or all), the range and, when
         * not the readings themselves, the resolution. The API and the chart page write the same.
         */
        public String accessDetail(@Nullable String type, Instant from, Instant to) {
            return (type == null ? "all types" : type) + " " + from + " to " + to
                    + (resolution == Resolution.RAW ? "" : " by " + resolution.wireName());
        }

        /** How many readings the series stands for. */
        public long readingCount() {
            return resolution == Resolution.RAW ? readings.size() : buckets.stream().mapToLong(ReadingBucket::count).sum();
        }
    }

    /**
     * The range's daily rollups of one type, which {@link #auto} decides on: on plain PostgreSQL
     * read from the daily key's index alone (V38 includes every column here in it), so a year is
     * about 20 index pages however the days' rows lie in the table ({@code ReadingRollupsIT} checks the plan).
     */
    static final String DAYS = """
            SELECT type, bucket, count, min, max, sum, first_value, first_at, last_value, last_at, staff_count, hours
              FROM reading_rollups_daily
             WHERE patient_id = ? AND type = ? AND bucket >= date_trunc('day', CAST(? AS timestamptz), 'Europe/Copenhagen') AND bucket < ?
             ORDER BY bucket""";

    /**
     * A patient's history of one type in [from, to) in at most {@code maxPoints} points: the
     * readings if they fit, else hourly buckets, else daily ones, else groups of days
     * ({@link Resolution#choose}). Decided on the range's daily rollups: each counts its readings
     * and the hours that have readings (V29), so a year is one index read of 365 rows, which are
     * also the answer when it is days. The range's hourly rollups are counted instead, up to
     * {@code maxPoints} + 1, only when the days at its ends leave it open (see
     * {@link #decidedByWholeDays}) or a day's hours are not counted yet ({@link RollupHoursFill}
     * after an upgrade). Hours only for a range within the time hourly rollups are kept
     * ({@code fsc.retention.hourly-rollups}, 400 days). Buckets are whole hours (UTC) or days
     * (Danish) that begin before {@code to} and end after {@code from}.
     */
    public Series auto(UUID patientId, String type, Instant from, Instant to, int maxPoints) {
        Sql sql = db.sql();
        List<Day> days = sql.list(DAYS,
                rs -> {
                    Instant start = Sql.instant(rs, "bucket");
                    int counted = rs.getInt("hours");
                    Integer hours = rs.wasNull() ? null : counted;
                    return new Day(bucket(rs, start, start.atZone(DanishTime.ZONE).toLocalDate().plusDays(1).atStartOfDay(DanishTime.ZONE).toInstant()),
                            hours);
                }, patientId, type, from, to);
        long readings = days.stream().mapToLong(d -> d.bucket().count()).sum();
        // Hours only where hourly rollups are still kept (a range reaching further back is given in days).
        boolean hoursKept = !from.isBefore(Instant.now().minus(hourlyKept));
        long hours;
        if (readings <= maxPoints) {
            hours = 0; // the readings fit
        } else if (!hoursKept) {
            hours = Long.MAX_VALUE;
        } else if (days.stream().allMatch(d -> d.hours() != null) && decidedByWholeDays(days, from, to, maxPoints)) {
            hours = days.stream().mapToLong(Day::hours).sum();
        } else {
            hours = sql.one("""
                    SELECT count(*) FROM (SELECT 1 FROM reading_rollups_hourly
                     WHERE patient_id = ? AND type = ? AND bucket >= date_trunc('hour', CAST(? AS timestamptz), 'UTC') AND bucket < ?
                     LIMIT ?) h""",
                    rs -> rs.getLong(1), patientId, type, from, to, maxPoints + 1).orElseThrow();
        }
        Resolution.Choice choice = Resolution.choose(readings, hours, days.size(), Resolution.daysTouched(from, to), maxPoints);
        if (choice.resolution() == Resolution.DAY && choice.daysPerPoint() == 1) {
            return buckets(Resolution.DAY, 1, days.stream().map(Day::bucket).toList(), maxPoints); // what was read is the answer
        }
        return series(patientId, type, from, to, choice.resolution(), choice.daysPerPoint(), maxPoints);
    }

    /** A daily rollup with the hours of its day that have readings (null: not counted yet, V29). */
    private record Day(ReadingBucket bucket, @Nullable Integer hours) {
    }

    /**
     * Whether the days' hours decide whether the range's hours fit in {@code maxPoints}: the days
     * at the ends may begin before {@code from} or end after {@code to}, so their hours are an
     * upper bound. They decide when all of them fit, or when the days inside the range alone do
     * not; else (near the limit) the range's hourly rollups are counted.
     */
    private static boolean decidedByWholeDays(List<Day> days, Instant from, Instant to, int maxPoints) {
        long whole = days.stream().mapToLong(Day::hours).sum();
        long edges = 0;
        for (int i = 0; i < days.size(); i++) {
            ReadingBucket b = days.get(i).bucket();
            if (b.start().isBefore(from) || b.end().isAfter(to)) {
                edges += days.get(i).hours();
            }
        }
        return whole <= maxPoints || whole - edges > maxPoints;
    }

    /**
     * A patient's history in [from, to) at the resolution asked for, one type or all (null), oldest
     * first, at most {@code limit} readings or buckets; for days, {@code daysPerPoint} days a bucket.
     */
    public Series series(UUID patientId, @Nullable String type, Instant from, Instant to, Resolution resolution, int daysPerPoint,
                         int limit) {
        return switch (resolution) {
            case RAW -> {
                List<ReadingView> found = history(patientId, type, from, to, limit + 1);
                yield new Series(resolution, 1, found.size() > limit ? found.subList(0, limit) : found, List.of(), found.size() > limit);
            }
            case HOUR -> buckets(resolution, 1, db.sql().list("""
                    SELECT type, bucket, count, min, max, sum, first_value, first_at, last_value, last_at, staff_count
                      FROM reading_rollups_hourly
                     WHERE patient_id = ? AND (CAST(? AS text) IS NULL OR type = ?)
                       AND bucket >= date_trunc('hour', CAST(? AS timestamptz), 'UTC') AND bucket < ?
                     ORDER BY bucket, type
                     LIMIT ?""",
                    rs -> bucket(rs, Sql.instant(rs, "bucket"), Sql.instant(rs, "bucket").plus(Duration.ofHours(1))),
                    patientId, type, type, from, to, limit + 1), limit);
            case DAY -> {
                LocalDate first = from.atZone(DanishTime.ZONE).toLocalDate();
                // Group n covers the days [first + n * daysPerPoint, first + (n + 1) * daysPerPoint).
                yield buckets(resolution, daysPerPoint, db.sql().list("""
                        SELECT type, (CAST(bucket AT TIME ZONE 'Europe/Copenhagen' AS date) - CAST(? AS date)) / ? AS n,
                               sum(count) AS count, min(min) AS min, max(max) AS max, sum(sum) AS sum,
                               (array_agg(first_value ORDER BY first_at))[1] AS first_value, min(first_at) AS first_at,
                               (array_agg(last_value ORDER BY last_at DESC))[1] AS last_value, max(last_at) AS last_at,
                               sum(staff_count) AS staff_count
                          FROM reading_rollups_daily
                         WHERE patient_id = ? AND (CAST(? AS text) IS NULL OR type = ?)
                           AND bucket >= date_trunc('day', CAST(? AS timestamptz), 'Europe/Copenhagen') AND bucket < ?
                         GROUP BY type, n
                         ORDER BY n, type
                         LIMIT ?""",
                        rs -> {
                            LocalDate start = first.plusDays(rs.getLong("n") * daysPerPoint);
                            return bucket(rs, start.atStartOfDay(DanishTime.ZONE).toInstant(),
                                    start.plusDays(daysPerPoint).atStartOfDay(DanishTime.ZONE).toInstant());
                        },
                        first, daysPerPoint, patientId, type, type, from, to, limit + 1), limit);
            }
        };
    }

    private static Series buckets(Resolution resolution, int daysPerPoint, List<ReadingBucket> found, int limit) {
        return new Series(resolution, daysPerPoint, List.of(), found.size() > limit ? found.subList(0, limit) : found, found.size() > limit);
    }

    private static ReadingBucket bucket(ResultSet rs, Instant start, Instant end) throws SQLException {
        String type = rs.getString("type");
        long count = rs.getLong("count");
        return new ReadingBucket(type, start, end, count, rs.getDouble("min"), rs.getDouble("max"), rs.getDouble("sum") / count,
                rs.getDouble("first_value"), Sql.instant(rs, "first_at"), rs.getDouble("last_value"), Sql.instant(rs, "last_at"),
                rs.getLong("staff_count"), ObservationType.fromWire(type).map(ObservationType::unit).orElse(null));
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

    /** A stored reading with its key: device, message and place in the message (FHIR gives it an id from these). */
    public record KeyedReading(ReadingView view, int seq, @Nullable String enteredBy) {
    }

    /** Where a page of {@link #page} ends: the next page starts after this reading. */
    public record PageKey(Instant measuredAt, String deviceId, String messageId, int seq) {
    }

    private static final String KEYED_COLUMNS = """
            SELECT r.type, r.value, r.measured_at, %s AS device_id, r.message_id, r.seq, r.site, r.origin, r.entered_by
              FROM %s""".formatted(DEVICE_ID, READINGS_WITH_DEVICE);
    private static final String PAGE_WHERE = """
             WHERE r.patient_id = ?
               AND (cardinality(?::text[]) = 0 OR r.type = ANY(?::text[]))
               AND r.measured_at >= ? AND r.measured_at < ?
               AND (CAST(? AS timestamptz) IS NULL OR (r.measured_at, %1$s, r.message_id, r.seq) %2$s (?, ?, ?, ?))
             ORDER BY r.measured_at %3$s, %1$s %3$s, r.message_id %3$s, r.seq %3$s
             LIMIT ?""";
    private static final String PAGE_NEWEST_FIRST = KEYED_COLUMNS + "\n" + PAGE_WHERE.formatted(DEVICE_ID, "<", "DESC");
    private static final String PAGE_OLDEST_FIRST = KEYED_COLUMNS + "\n" + PAGE_WHERE.formatted(DEVICE_ID, ">", "ASC");

    /**
     * A page of a patient's readings of the given types (all when empty) in [from, to), newest or
     * oldest first, starting after {@code after} (from the start when null); at most {@code limit}.
     */
    public List<KeyedReading> page(UUID patientId, List<String> types, Instant from, Instant to, boolean newestFirst,
                                   @Nullable PageKey after, int limit) {
        Sql sql = db.sql();
        java.sql.Array typeArray = sql.array("text", types.toArray());
        return sql.list(newestFirst ? PAGE_NEWEST_FIRST : PAGE_OLDEST_FIRST, ReadingStore::keyed, patientId, typeArray, typeArray,
                from, to, after == null ? null : after.measuredAt(), after == null ? null : after.measuredAt(),
                after == null ? null : after.deviceId(), after == null ? null : after.messageId(), after == null ? 0 : after.seq(), limit);
    }

    /** A patient's readings measured at exactly this instant (what one FHIR Observation id can name). */
    public List<KeyedReading> at(UUID patientId, Instant measuredAt) {
        return db.sql().list(KEYED_COLUMNS + " WHERE r.patient_id = ? AND r.measured_at = ? ORDER BY " + DEVICE_ID
                + ", r.message_id, r.seq", ReadingStore::keyed, patientId, measuredAt);
    }

    private static KeyedReading keyed(ResultSet rs) throws SQLException {
        return new KeyedReading(view(rs), rs.getInt("seq"), rs.getString("entered_by"));
    }

    /**
     * Every reading read here; {@code origin} is NULL on a device's since V36 ({@code device} on
     * those before), {@code device_id} is {@link #DEVICE_ID}.
     */
    private static ReadingView view(ResultSet rs) throws SQLException {
        String origin = rs.getString("origin");
        return ReadingView.of(rs.getString("type"), rs.getDouble("value"), Sql.instant(rs, "measured_at"), rs.getString("device_id"),
                rs.getString("message_id"), rs.getString("site"), origin == null ? "device" : origin);
    }
}
