package dk.fsc.service.devices;

import dk.fsc.service.logistics.DeviceState;
import dk.fsc.service.logistics.DeviceStates;
import dk.fsc.service.logistics.LoanStore;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.security.PasswordHasher;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device registry and the devices' MQTT accounts, kept in step: each change is written in the
 * caller's transaction and then made on the broker, so a broker that refuses or is down rolls the
 * change back ({@link Refusal#unavailable}) and the registry never claims an account the broker lacks.
 */
@Singleton
public class DeviceStore {
    private static final Pattern DEVICE_ID = Pattern.compile("^[A-Za-z0-9_-]{3,64}$");
    private static final Logger LOG = LoggerFactory.getLogger(DeviceStore.class);
    private final Database db;
    private final BrokerAccounts accounts;
    private final DeviceStates states;
    private final LoanStore loans;

    DeviceStore(Database db, BrokerAccounts accounts, DeviceStates states, LoanStore loans) {
        this.db = db;
        this.accounts = accounts;
        this.states = states;
        this.loans = loans;
    }

    /** Registers a device of a catalogued type, ready to lend, and issues its account; answers its MQTT password. */
    @Transactional
    public DeviceCredentials register(@Nullable String deviceId, @Nullable String deviceType, @Nullable String model,
                                      @Nullable String serialNumber, StaffUser user) {
        String id = required(deviceId, "id");
        if (!DEVICE_ID.matcher(id).matches()) {
            throw Refusal.invalid("id must be 3-64 characters of A-Z a-z 0-9 _ - (the FSC device id; never a CPR number)");
        }
        String type = required(deviceType, "deviceType");
        states.requireType(type);
        Sql sql = db.sql();
        if (sql.one("SELECT 1 FROM devices WHERE id = ? OR mqtt_username = ?", rs -> 1, id, id).isPresent()) {
            throw Refusal.conflict("Device " + id + " is already registered.");
        }
        String password = PasswordHasher.randomSecret(24);
        sql.update("""
                INSERT INTO devices (id, device_type, model, serial_number, mqtt_username, mqtt_password_hash)
                VALUES (?, ?, ?, ?, ?, ?)""", id, type, model, serialNumber, id, PasswordHasher.hash(password));
        issue(id, password); // a failure rolls the registration back
        states.record(id, null, DeviceState.ready, user, "registered", null);
        LOG.info("Device {} registered by {}", id, user.username());
        return DeviceCredentials.of(id, password, accounts.describe());
    }

    /** A new MQTT password for a device not retired (the old one stops working); answers it. */
    @Transactional
    public DeviceCredentials newCredentials(String id, StaffUser user) {
        if (states.lock(id) == DeviceState.retired) {
            throw Refusal.conflict("Device " + id + " is retired; it gets no credentials.");
        }
        String password = PasswordHasher.randomSecret(24);
        db.sql().update("UPDATE devices SET mqtt_password_hash = ? WHERE id = ?", PasswordHasher.hash(password), id);
        issue(id, password);
        LOG.info("Device {} got new MQTT credentials from {}", id, user.username());
        return DeviceCredentials.of(id, password, accounts.describe());
    }

    /** Retires a device that is not on loan: its MQTT account is revoked and it is disconnected. */
    @Transactional
    public void retire(String id, String reason, StaffUser user) {
        if (reason == null || reason.isBlank()) {
            throw Refusal.invalid("reason is required");
        }
        DeviceState state = states.lock(id);
        if (state == DeviceState.retired) {
            throw Refusal.conflict("Device " + id + " is already retired.");
        }
        if (loans.onLoan(id)) {
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
        states.move(id, state, DeviceState.retired, user, reason, null);
        LOG.info("Device {} retired by {} (reason in its state history)", id, user.username()); // free text stays out of the log
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

    private static String required(@Nullable String value, String field) {
        if (value == null || value.isBlank()) {
            throw Refusal.invalid(field + " is required");
        }
        return value.strip();
    }

    /**
     * The device whose account this is, when the password is right and the device not retired: a
     * device signing in over HTTP (FHIR) with the account it uses for MQTT.
     */
    @Transactional
    public java.util.Optional<String> deviceWithCredentials(String username, String password) {
        return db.sql().one("SELECT id, mqtt_password_hash FROM devices WHERE mqtt_username = ? AND state <> 'retired'",
                        rs -> new String[] {rs.getString(1), rs.getString(2)}, username)
                .filter(row -> row[1] != null && PasswordHasher.matches(password, row[1])).map(row -> row[0]);
    }
}
