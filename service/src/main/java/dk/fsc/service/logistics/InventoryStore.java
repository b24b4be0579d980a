package dk.fsc.service.logistics;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.errors.Times;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The catalogue (device types and models), each device's inventory data, and what falls due:
 * loans past their due date, calibrations and cleanings. Each method is a transaction (the
 * caller's, when it has one), except {@link #dueForTickets}, which the reminder job runs on a
 * connection of its own.
 */
@Singleton
public class InventoryStore {
    private final Database db;
    private final DeviceStates states;

    InventoryStore(Database db, DeviceStates states) {
        this.db = db;
        this.states = states;
    }

    @Serdeable
    public record DeviceType(String code, String name, List<String> measurementTypes, String lendingSector,
                      @Nullable Integer cleaningIntervalDays, @Nullable Integer calibrationIntervalDays) {
    }

    @Serdeable
    public record Model(@Nullable String id, @Nullable String deviceType, @Nullable String manufacturer, @Nullable String name) {
    }

    @Serdeable
    record Inventory(@Nullable String modelId, @Nullable String assetTag, @Nullable String serialNumber, @Nullable LocalDate purchasedOn,
                     @Nullable LocalDate nextCalibrationOn, @Nullable LocalDate nextCleaningOn) {
    }

    @Serdeable
    public record DeviceDue(String deviceId, String deviceType, String state, @Nullable String assetTag, LocalDate dueOn) {
    }

    @Serdeable
    public record OverdueLoan(UUID loanId, String deviceId, String organisationId, LocalDate dueOn, long daysOverdue) {
    }

    /** An active loan due back within the days asked for (not yet overdue). */
    @Serdeable
    public record ReturnDue(UUID loanId, String deviceId, String deviceType, String organisationId, LocalDate dueOn) {
    }

    /** What logistics must act on; {@code returnsDue} are the loans coming back within the days asked for. */
    @Serdeable
    public record Reminders(List<OverdueLoan> overdueLoans, List<ReturnDue> returnsDue, List<DeviceDue> calibrationDue,
                            List<DeviceDue> cleaningDue) {
    }

    /** Something a reminder ticket is opened for, once per {@code key} while that ticket is open. */
    record Due(String key, String title, @Nullable String organisation, @Nullable String device, @Nullable UUID loan,
               @Nullable UUID patient, int impact) {
    }

    private record Overdue(UUID loanId, String deviceId, String organisationId, UUID patientId, LocalDate dueOn, long daysOverdue) {
    }

    @Transactional(readOnly = true)
    public List<DeviceType> types() {
        return db.sql().list("SELECT * FROM device_types ORDER BY code", rs -> new DeviceType(rs.getString("code"), rs.getString("name"),
                strings(rs.getArray("measurement_types")), rs.getString("lending_sector"), (Integer) rs.getObject("cleaning_interval_days"),
                (Integer) rs.getObject("calibration_interval_days")));
    }

    /** Adds or changes a device type (checked by {@link CatalogueRules#type}); answers it as stored. */
    @Transactional
    public DeviceType putType(String code, DeviceType type) {
        Sql sql = db.sql();
        sql.update("""
                INSERT INTO device_types (code, name, measurement_types, lending_sector, cleaning_interval_days, calibration_interval_days)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET name = excluded.name, measurement_types = excluded.measurement_types,
                    lending_sector = excluded.lending_sector, cleaning_interval_days = excluded.cleaning_interval_days,
                    calibration_interval_days = excluded.calibration_interval_days""",
                code, type.name().strip(), sql.array("text", type.measurementTypes() == null ? new String[0]
                        : type.measurementTypes().toArray(new String[0])), type.lendingSector(), type.cleaningIntervalDays(),
                type.calibrationIntervalDays());
        return types().stream().filter(t -> t.code().equals(code)).findFirst().orElseThrow();
    }

    @Transactional(readOnly = true)
    public List<Model> models() {
        return db.sql().list("SELECT id, device_type, manufacturer, name FROM device_models ORDER BY id",
                rs -> new Model(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
    }

    /** Adds a model (checked by {@link CatalogueRules#model}) of a catalogued type; refuses an id that exists. */
    @Transactional
    public Model addModel(Model model) {
        states.requireType(model.deviceType());
        Model stored = new Model(model.id(), model.deviceType(), model.manufacturer().strip(), model.name().strip());
        if (db.sql().update("INSERT INTO device_models (id, device_type, manufacturer, name) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                stored.id(), stored.deviceType(), stored.manufacturer(), stored.name()) == 0) {
            throw Refusal.conflict("Model " + model.id() + " exists already.");
        }
        return stored;
    }

    /** Sets a device's inventory data (fields left out keep their value) and answers it as stored. */
    @Transactional
    Inventory inventory(String id, Inventory change) {
        Sql sql = db.sql();
        String type = sql.one("SELECT device_type FROM devices WHERE id = ? FOR UPDATE", rs -> rs.getString(1), id)
                .orElseThrow(() -> Refusal.notFound("No device " + id + " is registered."));
        if (change.modelId() != null && sql.one("SELECT 1 FROM device_models WHERE id = ? AND device_type = ?", rs -> 1,
                change.modelId(), type).isEmpty()) {
            throw Refusal.invalid("modelId " + change.modelId() + " is not a model of " + type + " in the catalogue");
        }
        Times.requireDay("purchasedOn", change.purchasedOn());
        Times.requireDay("nextCalibrationOn", change.nextCalibrationOn());
        Times.requireDay("nextCleaningOn", change.nextCleaningOn());
        // The scan page finds a device by id, serial number or asset tag, in any case: a tag another device
        // answers to in any of these made both unscannable ("ambiguous").
        if (change.assetTag() != null && sql.one("""
                SELECT 1 FROM devices WHERE id <> ?
                   AND (lower(asset_tag) = lower(?) OR lower(id) = lower(?) OR lower(serial_number) = lower(?))""",
                rs -> 1, id, change.assetTag(), change.assetTag(), change.assetTag()).isPresent()) {
            throw Refusal.conflict("Asset tag " + change.assetTag() + " is another device's id, serial number or asset tag.");
        }
        sql.update("""
                UPDATE devices SET model_id = coalesce(?, model_id), asset_tag = coalesce(?, asset_tag),
                       serial_number = coalesce(?, serial_number), purchased_on = coalesce(?, purchased_on),
                       next_calibration_on = coalesce(?, next_calibration_on), next_cleaning_on = coalesce(?, next_cleaning_on)
                 WHERE id = ?""", change.modelId(), change.assetTag(), change.serialNumber(), change.purchasedOn(),
                change.nextCalibrationOn(), change.nextCleaningOn(), id);
        return sql.one("SELECT model_id, asset_tag, serial_number, purchased_on, next_calibration_on, next_cleaning_on FROM devices WHERE id = ?",
                rs -> new Inventory(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, LocalDate.class),
                        rs.getObject(5, LocalDate.class), rs.getObject(6, LocalDate.class)), id).orElseThrow();
    }

    /** Loans past their due date, and devices whose calibration or cleaning falls due within {@code ahead} days. */
    @Transactional(readOnly = true)
    public Reminders reminders(int ahead) {
        Sql sql = db.sql();
        List<OverdueLoan> loans = overdueLoans(sql).stream()
                .map(o -> new OverdueLoan(o.loanId(), o.deviceId(), o.organisationId(), o.dueOn(), o.daysOverdue())).toList();
        List<ReturnDue> returns = sql.list("""
                SELECT l.id, l.device_id, d.device_type, l.organisation_id, l.due_on FROM loans l JOIN devices d ON d.id = l.device_id
                 WHERE l.status = 'active' AND l.due_on >= danish_today() AND l.due_on <= danish_today() + ? ORDER BY l.due_on, l.device_id""",
                rs -> new ReturnDue(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, LocalDate.class)), ahead);
        return new Reminders(loans, returns, due(sql, "next_calibration_on", ahead), due(sql, "next_cleaning_on", ahead));
    }

    /**
     * What the reminder job opens tickets for: overdue loans (owned by the organisation that has
     * the loan) and calibrations and cleanings due today or earlier (by the organisation that has
     * the device on loan, else by {@code fsc}; null when neither).
     */
    List<Due> dueForTickets(Sql sql, @Nullable String fsc) {
        List<Due> due = new ArrayList<>();
        for (Overdue o : overdueLoans(sql)) {
            due.add(new Due("loan-overdue:" + o.loanId(), "Loan of " + o.deviceId() + " overdue since " + o.dueOn(), o.organisationId(),
                    o.deviceId(), o.loanId(), o.patientId(), 2));
        }
        for (String[] kind : new String[][] {{"next_calibration_on", "calibration", "3"}, {"next_cleaning_on", "cleaning", "2"}}) {
            due.addAll(sql.list("SELECT d.id, d." + kind[0] + ", l.organisation_id FROM devices d"
                            + " LEFT JOIN loans l ON l.device_id = d.id AND l.status IN ('reserved', 'active')"
                            + " WHERE d.state NOT IN ('retired', 'lost') AND d." + kind[0] + " <= danish_today()",
                    rs -> new Due(kind[1] + ":" + rs.getString(1) + ":" + rs.getObject(2, LocalDate.class),
                            "Device " + rs.getString(1) + " " + kind[1] + " due " + rs.getObject(2, LocalDate.class),
                            rs.getString(3) != null ? rs.getString(3) : fsc, rs.getString(1), null, null,
                            Integer.parseInt(kind[2]))));
        }
        return due;
    }

    private static List<Overdue> overdueLoans(Sql sql) {
        return sql.list("""
                SELECT id, device_id, organisation_id, patient_id, due_on, danish_today() - due_on FROM loans
                 WHERE status = 'active' AND due_on < danish_today() ORDER BY due_on, id""",
                rs -> new Overdue(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getObject(4, UUID.class),
                        rs.getObject(5, LocalDate.class), rs.getLong(6)));
    }

    private static List<DeviceDue> due(Sql sql, String column, int ahead) {
        return sql.list("SELECT id, device_type, state, asset_tag, " + column + " FROM devices WHERE state <> 'retired' AND " + column
                        + " <= danish_today() + ? ORDER BY " + column + ", id",
                rs -> new DeviceDue(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getObject(5, LocalDate.class)),
                ahead);
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
