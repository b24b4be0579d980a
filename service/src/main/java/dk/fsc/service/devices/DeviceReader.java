package dk.fsc.service.devices;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Devices as logistics sees them, with their health worked out (for the API, the console and the ticket job). */
@Singleton
public class DeviceReader {
    private static final String SELECT = """
            SELECT d.id, d.device_type, d.model, d.serial_number, d.state, l.organisation_id AS loan_organisation,
                   d.model_id, d.asset_tag, d.purchased_on, d.next_calibration_on, d.next_cleaning_on,
                   greatest(s.last_seen_at, l.starts_at) AS heard_since, s.last_seen_at, s.reported_at, s.battery_percent,
                   s.firmware, s.signal_dbm, coalesce(s.faults, '{}') AS faults, m.schedule, m.started_at,
                   EXISTS (SELECT 1 FROM monitoring_pauses p WHERE p.patient_id = l.patient_id
                            AND p.starts_at <= now() AND p.ends_at > now()) AS paused,
                   CASE WHEN q.window_end > now() AND q.last_exceeded_at >= q.window_start THEN q.exceeded_since END AS quota_since,
                   CASE WHEN q.window_end > now() THEN q.dropped END AS quota_dropped
              FROM devices d
              LEFT JOIN device_status s ON s.device_id = d.id
              LEFT JOIN quarantine_quota q ON q.device_id = d.id
              LEFT JOIN loans l ON l.device_id = d.id AND l.status <> 'reserved' AND l.starts_at <= now() AND (l.ends_at IS NULL OR l.ends_at > now())
              LEFT JOIN patient_monitoring m ON m.patient_id = l.patient_id""";
    /** The search's count: only the joins its filters use (each costs a scan over 50 000 devices: docs/benchmarks.md). */
    private static final String COUNT = "SELECT count(*) FROM devices d";
    private static final String STATUS_JOIN = " LEFT JOIN device_status s ON s.device_id = d.id";
    private static final String QUOTA_JOIN = " LEFT JOIN quarantine_quota q ON q.device_id = d.id";
    private static final String LOAN_JOIN = " LEFT JOIN loans l ON l.device_id = d.id AND l.status <> 'reserved' AND l.starts_at <= now() AND (l.ends_at IS NULL OR l.ends_at > now())";
    private final Database db;
    private final int batteryLowPercent;

    DeviceReader(Database db, @Value("${fsc.devices.battery-low-percent:20}") int batteryLowPercent) {
        this.db = db;
        this.batteryLowPercent = batteryLowPercent;
    }

    /** A page of a search: how many devices match, and the ones on this page, by id. */
    @Serdeable
    public record Found(long total, int offset, List<DeviceView> devices) {
    }

    /**
     * Devices matching the search, ordered by id, {@code limit} from {@code offset}. Everything but
     * "silent" is filtered in the database; silence depends on each loan's schedule, so that search
     * narrows to the silent ones in the database ({@link DeviceHealth#SILENT_SQL}) and keeps those
     * {@link DeviceHealth} finds silent.
     */
    @Transactional
    public Found search(DeviceSearch search, int limit, int offset) {
        Sql sql = db.sql();
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE true");
        if (search.type() != null) {
            where.append(" AND d.device_type = ?");
            params.add(search.type());
        }
        if (search.model() != null) {
            where.append(" AND (d.model_id = ? OR d.model = ?)");
            params.add(search.model());
            params.add(search.model());
        }
        if (search.state() != null) {
            where.append(" AND d.state = ?");
            params.add(search.state());
        }
        if (search.organisation() != null) {
            where.append(" AND l.organisation_id = ?");
            params.add(search.organisation());
        }
        if (search.text() != null) {
            where.append(" AND (lower(d.id) LIKE ? OR lower(d.serial_number) LIKE ? OR lower(d.asset_tag) LIKE ?)");
            String pattern = search.textPattern();
            params.add(pattern);
            params.add(pattern);
            params.add(pattern);
        }
        if (search.problem() != null) {
            where.append(" AND d.state <> 'retired' AND ").append(problemCondition(search.problem()));
        }
        if (DeviceHealth.SILENT.equals(search.problem())) {
            // Narrowed in the database (reading every device on loan took seconds over 50 000: docs/benchmarks.md), decided here.
            List<DeviceView> silent = sql.list(SELECT + where + " ORDER BY d.id", this::view, params.toArray()).stream()
                    .filter(d -> d.problems().contains(DeviceHealth.SILENT)).toList();
            return new Found(silent.size(), offset, silent.subList(Math.min(offset, silent.size()), Math.min(offset + limit, silent.size())));
        }
        String joins = (uses(where, "s") ? STATUS_JOIN : "") + (uses(where, "q") ? QUOTA_JOIN : "") + (uses(where, "l") ? LOAN_JOIN : "");
        long total = sql.one(COUNT + joins + where, rs -> rs.getLong(1), params.toArray()).orElse(0L);
        List<Object> page = new ArrayList<>(params);
        page.add(limit);
        page.add(offset);
        return new Found(total, offset, total == 0 ? List.of() : sql.list(SELECT + where + " ORDER BY d.id LIMIT ? OFFSET ?", this::view, page.toArray()));
    }

    /** Whether the conditions name a column of this join's alias (s., q. or l.). */
    private static boolean uses(CharSequence where, String alias) {
        return java.util.regex.Pattern.compile("\\b" + alias + "\\.").matcher(where).find();
    }

    /** A registered device. */
    @Transactional
    public DeviceView one(String id) {
        return db.sql().one(SELECT + " WHERE d.id = ?", this::view, id)
                .orElseThrow(() -> Refusal.notFound("No device " + id + " is registered."));
    }

    /** The devices the patient has or had on loan, by id. */
    public List<String> everLentToPatient(java.util.UUID patientId) {
        return db.sql().list("SELECT DISTINCT device_id FROM loans WHERE patient_id = ? ORDER BY device_id", rs -> rs.getString(1), patientId);
    }

    /** Whether the device is or was ever on loan to the organisation (its staff may then see the device's record). */
    public boolean everLentTo(String deviceId, String organisationId) {
        return db.sql().one("SELECT EXISTS (SELECT 1 FROM loans WHERE device_id = ? AND organisation_id = ?)", rs -> rs.getBoolean(1),
                deviceId, organisationId).orElse(false);
    }

    /** Devices not retired that have a problem (this one, when given). */
    @Transactional
    List<DeviceView> unhealthy(@Nullable String problem) {
        return unhealthy(db.sql(), problem);
    }

    /**
     * The same on a connection of the caller's (the ticket job's, every few minutes). Narrowed in the
     * database to the devices that may have the problem (any, when none is named), decided here;
     * until 2026-12-05 it read every device of the fleet, each with its status, loan and schedule.
     */
    List<DeviceView> unhealthy(Sql sql, @Nullable String problem) {
        String condition = problem != null ? problemCondition(problem) : DeviceSearch.PROBLEMS.stream()
                .map(this::problemCondition).collect(java.util.stream.Collectors.joining(" OR ", "(", ")"));
        return sql.list(SELECT + " WHERE d.state <> 'retired' AND " + condition + " ORDER BY d.id", this::view).stream()
                .filter(d -> problem == null ? !d.problems().isEmpty() : d.problems().contains(problem))
                .toList();
    }

    /**
     * The SQL condition (on {@link #SELECT}'s aliases) of the devices that may have the problem: exact
     * for all but silence, which depends on each loan's schedule and is decided by {@link DeviceHealth}
     * on the few {@link DeviceHealth#SILENT_SQL} keeps.
     */
    private String problemCondition(String problem) {
        return switch (problem) {
            case DeviceHealth.BATTERY_LOW -> "s.battery_percent < " + batteryLowPercent;
            case DeviceHealth.FAULT -> "cardinality(s.faults) > 0";
            case DeviceHealth.QUARANTINE_QUOTA -> "(q.window_end > now() AND q.last_exceeded_at >= q.window_start)";
            case DeviceHealth.SILENT -> "(l.organisation_id IS NOT NULL " + DeviceHealth.SILENT_SQL + ")"; // only a device on loan can be
            default -> throw new IllegalArgumentException("no such problem: " + problem);
        };
    }

    private DeviceView view(ResultSet rs) throws SQLException {
        Instant now = Instant.now();
        Array faultArray = rs.getArray("faults");
        List<String> faults = Arrays.asList((String[]) faultArray.getArray());
        Integer battery = (Integer) rs.getObject("battery_percent");
        Instant heardSince = Sql.instant(rs, "heard_since");
        Instant monitoringStarted = Sql.instant(rs, "started_at");
        Optional<Duration> allowed = rs.getString("loan_organisation") == null ? Optional.empty()
                : DeviceHealth.allowedSilence(rs.getString("schedule"), monitoringStarted, rs.getBoolean("paused"), now);
        boolean silent = allowed.isPresent() && heardSince != null && heardSince.plus(allowed.get()).isBefore(now);
        Instant quotaSince = Sql.instant(rs, "quota_since");
        return new DeviceView(rs.getString("id"), rs.getString("device_type"), rs.getString("model"), rs.getString("serial_number"),
                rs.getString("state"), rs.getString("loan_organisation"), Sql.instant(rs, "last_seen_at"),
                Sql.instant(rs, "reported_at"), battery, rs.getString("firmware"), (Integer) rs.getObject("signal_dbm"), faults,
                DeviceHealth.problems(battery, batteryLowPercent, faults, silent, quotaSince != null), silent ? heardSince : null,
                rs.getString("model_id"), rs.getString("asset_tag"), rs.getObject("purchased_on", java.time.LocalDate.class),
                rs.getObject("next_calibration_on", java.time.LocalDate.class), rs.getObject("next_cleaning_on", java.time.LocalDate.class),
                quotaSince, quotaSince == null ? null : (Integer) rs.getObject("quota_dropped"));
    }
}
