package dk.fsc.service.logistics;

import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;

/**
 * Moves devices through {@link DeviceState}, one at a time: the device row is locked, the move
 * checked against the state machine, the new state written and the move kept with who, when and
 * why. Two staff moving the same device at the same moment are served one after the other, and
 * the second is judged against the first one's result.
 */
@Singleton
public class DeviceStates {

    /** Locks the device for the rest of the transaction and answers its current state. */
    public DeviceState lock(Sql sql, String deviceId) {
        return sql.one("SELECT state FROM devices WHERE id = ? FOR UPDATE", rs -> DeviceState.of(rs.getString(1)).orElseThrow(), deviceId)
                .orElseThrow(() -> Refusal.notFound("No device " + deviceId + " is registered."));
    }

    /** Moves a locked device; refuses a move the state machine does not have, naming the ones it does. */
    public void move(Sql sql, String deviceId, DeviceState from, DeviceState to, StaffUser user, String reason, @Nullable UUID loanId) {
        if (!from.canMoveTo(to)) {
            throw Refusal.conflict("Device " + deviceId + " is " + from + " and cannot become " + to
                    + (from.next().isEmpty() ? "; it is retired for good." : "; from " + from + " it can become " + from.next() + "."));
        }
        sql.update("UPDATE devices SET state = ?, state_changed_at = now() WHERE id = ?", to.name(), deviceId);
        if (from == DeviceState.cleaning && to == DeviceState.ready) {
            // recurring cleaning: the next one is due after the type's interval
            sql.update("""
                    UPDATE devices d SET next_cleaning_on = current_date + t.cleaning_interval_days
                      FROM device_types t WHERE t.code = d.device_type AND d.id = ? AND t.cleaning_interval_days IS NOT NULL""", deviceId);
        }
        record(sql, deviceId, from, to, user, reason, loanId);
    }

    /** Keeps a move (or, with {@code from} null, the registration). */
    public void record(Sql sql, String deviceId, @Nullable DeviceState from, DeviceState to, StaffUser user, String reason,
                       @Nullable UUID loanId) {
        sql.update("""
                INSERT INTO device_transitions (device_id, from_state, to_state, username, organisation_id, reason, loan_id)
                VALUES (?, ?, ?, ?, ?, ?, ?)""", deviceId, from == null ? null : from.name(), to.name(), user.username(),
                user.organisationId(), reason, loanId);
    }

    /** Refuses a device type that is not in the catalogue, naming the ones that are. */
    public static void requireType(Sql sql, String type) {
        if (sql.one("SELECT 1 FROM device_types WHERE code = ?", rs -> 1, type).isEmpty()) {
            List<String> known = sql.list("SELECT code FROM device_types ORDER BY code", rs -> rs.getString(1));
            throw Refusal.invalid("deviceType " + type + " is not in the catalogue; known types: " + known);
        }
    }
}
