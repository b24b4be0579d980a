package dk.fsc.service.devices;

import dk.fsc.gateway.contract.DeviceTopic;
import dk.fsc.service.logistics.DeviceState;
import dk.fsc.service.logistics.DeviceStates;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.security.PasswordHasher;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device registry for FSC staff: registering a device issues its MQTT account (the password is
 * shown once), retiring it revokes the account, and each device's last report and health (battery
 * low, silent longer than its schedule allows, fault codes) is shown. No patient data here.
 */
@Controller("/api/devices")
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
class DevicesController {
    private static final Logger LOG = LoggerFactory.getLogger(DevicesController.class);
    private static final Pattern DEVICE_ID = Pattern.compile("^[A-Za-z0-9_-]{3,64}$");
    private static final Pattern DEVICE_TYPE = Pattern.compile("^[a-z][a-z0-9_]{1,39}$");
    private static final Set<String> PROBLEMS = Set.of(DeviceHealth.BATTERY_LOW, DeviceHealth.SILENT, DeviceHealth.FAULT,
            DeviceHealth.QUARANTINE_QUOTA);
    private final DataSource dataSource;
    private final BrokerAccounts accounts;
    private final DeviceStates states;
    private final DeviceReader reader;

    DevicesController(DataSource dataSource, BrokerAccounts accounts, DeviceStates states, DeviceReader reader) {
        this.dataSource = dataSource;
        this.states = states;
        this.accounts = accounts;
        this.reader = reader;
    }

    @Serdeable
    @Introspected
    record Registration(@Nullable String id, @Nullable String deviceType, @Nullable String model, @Nullable String serialNumber) {
    }

    /** The device's MQTT account: the password is not stored in clear and is shown only here. */
    @Serdeable
    @Introspected
    record Credentials(String deviceId, String mqttUsername, String mqttPassword, List<String> publishTopics,
                       String repliesTopic, String accounts) {
    }

    @Serdeable
    @Introspected
    record Retirement(@Nullable String reason) {
    }

    @Post
    @Status(HttpStatus.CREATED)
    @Transactional
    Credentials register(@Body Registration body, Authentication auth) throws SQLException {
        String id = required(body.id(), "id");
        if (!DEVICE_ID.matcher(id).matches()) {
            throw Refusal.invalid("id must be 3-64 characters of A-Z a-z 0-9 _ - (the FSC device id; never a CPR number)");
        }
        String type = required(body.deviceType(), "deviceType");
        if (!DEVICE_TYPE.matcher(type).matches()) {
            throw Refusal.invalid("deviceType must be lower-case letters, digits and _, e.g. pulse_oximeter");
        }
        Sql sql = sql();
        DeviceStates.requireType(sql, type);
        if (sql.one("SELECT 1 FROM devices WHERE id = ? OR mqtt_username = ?", rs -> 1, id, id).isPresent()) {
            throw Refusal.conflict("Device " + id + " is already registered.");
        }
        String password = PasswordHasher.randomSecret(24);
        sql.update("""
                INSERT INTO devices (id, device_type, model, serial_number, mqtt_username, mqtt_password_hash)
                VALUES (?, ?, ?, ?, ?, ?)""", id, type, body.model(), body.serialNumber(), id, PasswordHasher.hash(password));
        issue(id, password); // a failure rolls the registration back
        states.record(sql, id, null, DeviceState.ready, StaffUser.of(auth), "registered", null);
        LOG.info("Device {} registered by {}", id, StaffUser.of(auth).username());
        return credentials(id, password);
    }

    /** A new MQTT password for the device (the old one stops working). */
    @Post("/{id}/credentials")
    @Secured(StaffUser.Role.FSC_ADMIN)
    @Transactional
    Credentials newCredentials(@PathVariable String id, Authentication auth) throws SQLException {
        String state = state(id);
        if (state.equals("retired")) {
            throw Refusal.conflict("Device " + id + " is retired; it gets no credentials.");
        }
        String password = PasswordHasher.randomSecret(24);
        sql().update("UPDATE devices SET mqtt_password_hash = ? WHERE id = ?", PasswordHasher.hash(password), id);
        issue(id, password);
        LOG.info("Device {} got new MQTT credentials from {}", id, StaffUser.of(auth).username());
        return credentials(id, password);
    }

    /** Retires a device that is not on loan: its MQTT account is revoked and it is disconnected. */
    @Post("/{id}/retire")
    @Transactional
    DeviceView retire(@PathVariable String id, @Body Retirement body, Authentication auth) throws SQLException {
        String reason = required(body.reason(), "reason");
        Sql sql = sql();
        DeviceState state = states.lock(sql, id);
        if (state == DeviceState.retired) {
            throw Refusal.conflict("Device " + id + " is already retired.");
        }
        if (sql.one("SELECT 1 FROM loans WHERE device_id = ? AND (ends_at IS NULL OR ends_at > now())", rs -> 1, id).isPresent()) {
            throw Refusal.conflict("Device " + id + " is on loan; end the loan before retiring it.");
        }
        if (!state.canMoveTo(DeviceState.retired)) {
            throw Refusal.conflict("Device " + id + " is " + state + "; a device is retired from ready, cleaning, "
                    + "in_repair or lost (one back from a loan is cleaned or repaired first).");
        }
        try {
            accounts.revoke(id, id);
        } catch (BrokerAccounts.BrokerAccountException e) {
            LOG.warn("Retiring device {}: {}", id, e.getMessage());
            throw Refusal.unavailable("The MQTT broker did not revoke the device's account ("
                    + e.getMessage() + "); nothing was changed, try again.");
        }
        states.move(sql, id, state, DeviceState.retired, StaffUser.of(auth), reason, null);
        LOG.info("Device {} retired by {}: {}", id, StaffUser.of(auth).username(), reason);
        return find(id);
    }

    @Get("/{id}")
    @Transactional
    DeviceView one(@PathVariable String id) throws SQLException {
        return find(id);
    }

    /**
     * Devices that need attention.
     *
     * @param problem only this problem: battery_low, silent or fault
     */
    @Get("/health")
    @Transactional
    List<DeviceView> health(@Nullable @QueryValue String problem) throws SQLException {
        if (problem != null && !PROBLEMS.contains(problem)) {
            throw Refusal.invalid("problem must be one of " + PROBLEMS);
        }
        return reader.unhealthy(sql(), problem);
    }

    private DeviceView find(String id) throws SQLException {
        return reader.one(sql(), id).orElseThrow(() -> Refusal.notFound("No device " + id + " is registered."));
    }

    private String state(String id) throws SQLException {
        return sql().one("SELECT state FROM devices WHERE id = ? FOR UPDATE", rs -> rs.getString(1), id)
                .orElseThrow(() -> Refusal.notFound("No device " + id + " is registered."));
    }

    private void issue(String id, String password) {
        try {
            accounts.issue(id, id, password);
        } catch (BrokerAccounts.BrokerAccountException e) {
            LOG.warn("Issuing MQTT account of device {}: {}", id, e.getMessage());
            throw Refusal.unavailable("The MQTT broker did not take the device's account ("
                    + e.getMessage() + "); nothing was changed, try again.");
        }
    }

    private Credentials credentials(String id, String password) {
        List<String> topics = Arrays.stream(DeviceTopic.Kind.values()).map(k -> DeviceTopic.PREFIX + id + "/" + k.name()).toList();
        return new Credentials(id, id, password, topics, DeviceTopic.repliesTopic(id), accounts.describe());
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw Refusal.invalid(field + " is required");
        }
        return value.strip();
    }

    private Sql sql() throws SQLException {
        return Sql.on(dataSource.getConnection());
    }
}
