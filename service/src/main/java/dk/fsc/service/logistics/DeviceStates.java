package dk.fsc.service.logistics;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Moves devices through {@link DeviceState}, one at a time: the device row is locked, the move
 * checked against the state machine, the new state written and the move kept with who, when and
 * why. Two staff moving the same device at the same moment are served one after the other, and
 * the second is judged against the first one's result. {@link #lock}, {@link #move} and
 * {@link #record} work in the caller's transaction.
 */
@Singleton
public class DeviceStates {
    private final Database db;

    DeviceStates(Database db) {
        this.db = db;
    }

    /** One kept move of a device (a null {@code from} is its registration). */
    @Serdeable
    public record Transition(long id, @Nullable String from, String to, Instant at, String username, String organisationId, String reason,
                      @Nullable UUID loanId) {
    }

    /** Locks the device for the rest of the transaction and answers its current state. */
    public DeviceState lock(String deviceId) {
        return db.sql().one("SELECT state FROM devices WHERE id = ? FOR UPDATE", rs -> DeviceState.of(rs.getString(1)).orElseThrow(),
                        deviceId)
                .orElseThrow(() -> Refusal.notFound("No device " + deviceId + " is registered."));
    }

    /** Moves a locked device; refuses a move the state machine does not have, naming the ones it does. */
    public void move(String deviceId, DeviceState from, DeviceState to, StaffUser user, String reason, @Nullable UUID loanId) {
        if (!from.canMoveTo(to)) {
            throw Refusal.conflict("Device " + deviceId + " is " + from + " and cannot become " + to
                    + (from.next().isEmpty() ? "; it is retired for good." : "; from " + from + " it can become " + from.next() + "."));
        }
        Sql sql = db.sql();
        sql.update("UPDATE devices SET state = ?, state_changed_at = now() WHERE id = ?", to.name(), deviceId);
        if (from == DeviceState.cleaning && to == DeviceState.ready) {
            // recurring cleaning: the next one is due after the type's interval
            sql.update("""
                    UPDATE devices d SET next_cleaning_on = danish_today() + t.cleaning_interval_days
                      FROM device_types t WHERE t.code = d.device_type AND d.id = ? AND t.cleaning_interval_days IS NOT NULL""", deviceId);
        }
        record(deviceId, from, to, user, reason, loanId);
    }

    /**
     * A move outside a loan (cleaning, repair, back to ready, lost): refused while the device is
     * on a loan, and into a loan's states or retirement, which have their own endpoints. Answers
     * the move as kept.
     */
    @Transactional
    public Transition moveOutsideLoan(String deviceId, DeviceState to, StaffUser user, String reason) {
        if (DeviceState.LOAN_STATES.contains(to)) {
            throw Refusal.invalid(to + " is set by the loan endpoints (/api/loans), so the loan and the device agree.");
        }
        if (to == DeviceState.retired) {
            throw Refusal.invalid("retire with POST /api/devices/" + deviceId + "/retire: it also revokes the device's MQTT account.");
        }
        DeviceState from = lock(deviceId);
        if (DeviceState.LOAN_STATES.contains(from)) {
            throw Refusal.conflict("Device " + deviceId + " is " + from
                    + " on a loan; end or cancel the loan (/api/loans) first.");
        }
        move(deviceId, from, to, user, reason, null);
        List<Transition> history = transitions(deviceId);
        return history.get(history.size() - 1);
    }

    /** Keeps a move (or, with {@code from} null, the registration). */
    public void record(String deviceId, @Nullable DeviceState from, DeviceState to, StaffUser user, String reason,
                       @Nullable UUID loanId) {
        db.sql().update("""
                INSERT INTO device_transitions (device_id, from_state, to_state, username, organisation_id, reason, loan_id)
                VALUES (?, ?, ?, ?, ?, ?, ?)""", deviceId, from == null ? null : from.name(), to.name(), user.username(),
                user.organisationId(), reason, loanId);
    }

    /** All moves of a registered device, oldest first. */
    @Transactional(readOnly = true)
    public List<Transition> history(String deviceId) {
        if (db.sql().one("SELECT 1 FROM devices WHERE id = ?", rs -> 1, deviceId).isEmpty()) {
            throw Refusal.notFound("No device " + deviceId + " is registered.");
        }
        return transitions(deviceId);
    }

    private List<Transition> transitions(String deviceId) {
        return db.sql().list("""
                SELECT id, from_state, to_state, at, username, organisation_id, reason, loan_id FROM device_transitions
                 WHERE device_id = ? ORDER BY id""", rs -> new Transition(rs.getLong(1), rs.getString(2), rs.getString(3),
                Sql.instant(rs, "at"), rs.getString(5), rs.getString(6), rs.getString(7), rs.getObject(8, UUID.class)), deviceId);
    }

    /** Refuses a device type that is not in the catalogue, naming the ones that are. */
    public void requireType(String type) {
        Sql sql = db.sql();
        if (sql.one("SELECT 1 FROM device_types WHERE code = ?", rs -> 1, type).isEmpty()) {
            List<String> known = sql.list("SELECT code FROM device_types ORDER BY code", rs -> rs.getString(1));
            throw Refusal.invalid("deviceType " + type + " is not in the catalogue; known types: " + known);
        }
    }
}
