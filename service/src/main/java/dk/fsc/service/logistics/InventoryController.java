package dk.fsc.service.logistics;

import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import java.sql.Array;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * The catalogue (device types: what they measure, which sector lends them, cleaning and
 * calibration intervals; models) and each device's inventory data (model, asset tag, serial
 * number, purchase date, next calibration and cleaning), plus the reminders logistics works from.
 */
@Controller
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
class InventoryController {
    private final DataSource dataSource;

    InventoryController(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Serdeable
    record DeviceType(String code, String name, List<String> measurementTypes, String lendingSector,
                      @Nullable Integer cleaningIntervalDays, @Nullable Integer calibrationIntervalDays) {
    }

    @Serdeable
    record Model(@Nullable String id, @Nullable String deviceType, @Nullable String manufacturer, @Nullable String name) {
    }

    @Serdeable
    record Inventory(@Nullable String modelId, @Nullable String assetTag, @Nullable String serialNumber, @Nullable LocalDate purchasedOn,
                     @Nullable LocalDate nextCalibrationOn, @Nullable LocalDate nextCleaningOn) {
    }

    @Serdeable
    record DeviceDue(String deviceId, String deviceType, String state, @Nullable String assetTag, LocalDate dueOn) {
    }

    @Serdeable
    record OverdueLoan(java.util.UUID loanId, String deviceId, String organisationId, LocalDate dueOn, long daysOverdue) {
    }

    @Serdeable
    record Reminders(List<OverdueLoan> overdueLoans, List<DeviceDue> calibrationDue, List<DeviceDue> cleaningDue) {
    }

    @Get("/api/catalogue/device-types")
    @Transactional(readOnly = true)
    List<DeviceType> types() throws SQLException {
        return sql().list("SELECT * FROM device_types ORDER BY code", rs -> new DeviceType(rs.getString("code"), rs.getString("name"),
                strings(rs.getArray("measurement_types")), rs.getString("lending_sector"), (Integer) rs.getObject("cleaning_interval_days"),
                (Integer) rs.getObject("calibration_interval_days")));
    }

    /** Adds or changes a device type (the clarification catalogue is agreed between region and municipalities). */
    @Put("/api/catalogue/device-types/{code}")
    @Secured(StaffUser.Role.FSC_ADMIN)
    @Transactional
    DeviceType putType(@PathVariable String code, @Body DeviceType body) throws SQLException {
        if (!code.matches("[a-z0-9_]{2,40}")) {
            throw Refusal.invalid("code must be 2-40 characters of a-z 0-9 _");
        }
        if (body.name() == null || body.name().isBlank() || body.lendingSector() == null
                || !List.of("region", "municipality").contains(body.lendingSector())) {
            throw Refusal.invalid("name and lendingSector (region or municipality) are required");
        }
        Sql sql = sql();
        sql.update("""
                INSERT INTO device_types (code, name, measurement_types, lending_sector, cleaning_interval_days, calibration_interval_days)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET name = excluded.name, measurement_types = excluded.measurement_types,
                    lending_sector = excluded.lending_sector, cleaning_interval_days = excluded.cleaning_interval_days,
                    calibration_interval_days = excluded.calibration_interval_days""",
                code, body.name().strip(), sql.array("text", body.measurementTypes() == null ? new String[0]
                        : body.measurementTypes().toArray(new String[0])), body.lendingSector(), body.cleaningIntervalDays(),
                body.calibrationIntervalDays());
        return types().stream().filter(t -> t.code().equals(code)).findFirst().orElseThrow();
    }

    @Get("/api/catalogue/models")
    @Transactional(readOnly = true)
    List<Model> models() throws SQLException {
        return sql().list("SELECT id, device_type, manufacturer, name FROM device_models ORDER BY id",
                rs -> new Model(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
    }

    @Post("/api/catalogue/models")
    @Status(io.micronaut.http.HttpStatus.CREATED)
    @Secured(StaffUser.Role.FSC_ADMIN)
    @Transactional
    Model addModel(@Body Model body) throws SQLException {
        if (body.id() == null || !body.id().matches("[a-z0-9_-]{2,60}") || body.deviceType() == null || body.manufacturer() == null
                || body.name() == null) {
            throw Refusal.invalid("id (2-60 of a-z 0-9 _ -), deviceType, manufacturer and name are required");
        }
        Sql sql = sql();
        DeviceStates.requireType(sql, body.deviceType());
        if (sql.update("INSERT INTO device_models (id, device_type, manufacturer, name) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                body.id(), body.deviceType(), body.manufacturer(), body.name()) == 0) {
            throw Refusal.conflict("Model " + body.id() + " exists already.");
        }
        return body;
    }

    /** Sets a device's inventory data; fields left out keep their value. */
    @Put("/api/devices/{id}/inventory")
    @Transactional
    Inventory inventory(@PathVariable String id, @Body Inventory body) throws SQLException {
        Sql sql = sql();
        String type = sql.one("SELECT device_type FROM devices WHERE id = ? FOR UPDATE", rs -> rs.getString(1), id)
                .orElseThrow(() -> Refusal.notFound("No device " + id + " is registered."));
        if (body.modelId() != null && sql.one("SELECT 1 FROM device_models WHERE id = ? AND device_type = ?", rs -> 1, body.modelId(), type)
                .isEmpty()) {
            throw Refusal.invalid("modelId " + body.modelId() + " is not a model of " + type + " in the catalogue");
        }
        if (body.assetTag() != null && sql.one("SELECT 1 FROM devices WHERE asset_tag = ? AND id <> ?", rs -> 1, body.assetTag(), id)
                .isPresent()) {
            throw Refusal.conflict("Asset tag " + body.assetTag() + " is on another device.");
        }
        sql.update("""
                UPDATE devices SET model_id = coalesce(?, model_id), asset_tag = coalesce(?, asset_tag),
                       serial_number = coalesce(?, serial_number), purchased_on = coalesce(?, purchased_on),
                       next_calibration_on = coalesce(?, next_calibration_on), next_cleaning_on = coalesce(?, next_cleaning_on)
                 WHERE id = ?""", body.modelId(), body.assetTag(), body.serialNumber(), body.purchasedOn(), body.nextCalibrationOn(),
                body.nextCleaningOn(), id);
        return sql.one("SELECT model_id, asset_tag, serial_number, purchased_on, next_calibration_on, next_cleaning_on FROM devices WHERE id = ?",
                rs -> new Inventory(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, LocalDate.class),
                        rs.getObject(5, LocalDate.class), rs.getObject(6, LocalDate.class)), id).orElseThrow();
    }

    /**
     * What logistics must act on: loans past their due date, devices whose calibration or
     * cleaning falls due within {@code days} (default 14), overdue ones included.
     */
    @Get("/api/logistics/reminders")
    @Transactional(readOnly = true)
    Reminders reminders(@Nullable @QueryValue Integer days) throws SQLException {
        int ahead = days == null ? 14 : days;
        if (ahead < 0 || ahead > 365) {
            throw Refusal.invalid("days must be between 0 and 365");
        }
        Sql sql = sql();
        List<OverdueLoan> loans = sql.list("""
                SELECT id, device_id, organisation_id, due_on, current_date - due_on FROM loans
                 WHERE status = 'active' AND due_on < current_date ORDER BY due_on, id""",
                rs -> new OverdueLoan(rs.getObject(1, java.util.UUID.class), rs.getString(2), rs.getString(3),
                        rs.getObject(4, LocalDate.class), rs.getLong(5)));
        return new Reminders(loans, due(sql, "next_calibration_on", ahead), due(sql, "next_cleaning_on", ahead));
    }

    private static List<DeviceDue> due(Sql sql, String column, int ahead) {
        return sql.list("SELECT id, device_type, state, asset_tag, " + column + " FROM devices WHERE state <> 'retired' AND " + column
                        + " <= current_date + ? ORDER BY " + column + ", id",
                rs -> new DeviceDue(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getObject(5, LocalDate.class)),
                ahead);
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private Sql sql() throws SQLException {
        return Sql.on(dataSource.getConnection());
    }
}
