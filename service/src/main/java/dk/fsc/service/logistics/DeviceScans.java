package dk.fsc.service.logistics;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A batch at the FSC bench, one scanned device at a time: a handheld scanner types a serial
 * number, asset tag or device id, and the device takes the batch's step at once, or is refused
 * with the reason. Each step is the same move the API makes (the loan's ship and end, the
 * transitions by hand), so the loan, the device and their histories agree.
 */
@Singleton
public class DeviceScans {
    /** What a batch does to each device scanned. */
    public enum Step {
        /** Back at FSC from a citizen: its loan ends as returned (a lost device found again is returned too). */
        receive(DeviceState.returned),
        /** A reserved device leaves the shelf: its reserved loan starts, the device is shipped. */
        ship(DeviceState.shipped),
        /** A returned device goes to cleaning. */
        clean(DeviceState.cleaning),
        /** A cleaned device is ready to lend again. */
        ready(DeviceState.ready);

        public final DeviceState to;

        Step(DeviceState to) {
            this.to = to;
        }

        public static Optional<Step> of(@Nullable String name) {
            return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst();
        }
    }

    /**
     * One scan's answer. {@code refusal} is null when the step was taken; else one of
     * {@code unknown} (no device has that code), {@code ambiguous} (several have), {@code state}
     * (the device is in {@code state}, where this step does not apply) or {@code conflict} (the
     * store refused, {@code detail} says why).
     */
    public record Result(String code, @Nullable String deviceId, @Nullable String state, @Nullable String refusal, @Nullable String detail) {
        public boolean done() {
            return refusal == null;
        }
    }

    private static final int MAX_CODE = 100;
    private final Database db;
    private final DeviceStates states;
    private final LoanStore loans;

    DeviceScans(Database db, DeviceStates states, LoanStore loans) {
        this.db = db;
        this.states = states;
        this.loans = loans;
    }

    /**
     * Takes the step for the device with this code. Not one transaction: the look-up reads on its
     * own, and the step is the store's own transaction, so a refusal (a colleague moved the device
     * meanwhile) is an answer here, not a rolled-back batch.
     */
    public Result scan(String scanned, Step step, StaffUser user) {
        String code = scanned == null ? "" : scanned.strip();
        if (code.isEmpty() || code.length() > MAX_CODE) {
            return new Result(code, null, null, "unknown", null);
        }
        record Device(String id, String state) {
        }
        List<Device> found = db.withConnection(sql -> sql.list("""
                SELECT id, state FROM devices
                 WHERE lower(id) = lower(?) OR lower(serial_number) = lower(?) OR lower(asset_tag) = lower(?)""",
                rs -> new Device(rs.getString(1), rs.getString(2)), code, code, code));
        if (found.isEmpty()) {
            return new Result(code, null, null, "unknown", null);
        }
        if (found.size() > 1) {
            return new Result(code, null, null, "ambiguous", String.join(", ", found.stream().map(Device::id).toList()));
        }
        Device device = found.get(0);
        DeviceState state = DeviceState.of(device.state()).orElseThrow();
        try {
            switch (step) {
                case receive -> {
                    if (state == DeviceState.lost) {
                        states.moveOutsideLoan(device.id(), DeviceState.returned, user, "found and received at FSC");
                    } else {
                        UUID loan = loanOf(device.id(), LoanStatus.active);
                        if (loan == null) {
                            return new Result(code, device.id(), state.name(), "state", null);
                        }
                        loans.end(loan, "returned", "received at FSC (scanned)", user);
                    }
                }
                case ship -> {
                    UUID loan = state == DeviceState.reserved ? loanOf(device.id(), LoanStatus.reserved) : null;
                    if (loan == null) {
                        return new Result(code, device.id(), state.name(), "state", null);
                    }
                    loans.ship(loan, user);
                }
                case clean, ready -> {
                    if (!state.canMoveTo(step.to) || DeviceState.LOAN_STATES.contains(state)) {
                        return new Result(code, device.id(), state.name(), "state", null);
                    }
                    states.moveOutsideLoan(device.id(), step.to, user, step == Step.clean ? "to cleaning (scanned)" : "cleaned, ready (scanned)");
                }
                default -> throw new IllegalStateException(step.name());
            }
        } catch (Refusal r) {
            if (r.kind() != Refusal.Kind.CONFLICT && r.kind() != Refusal.Kind.INVALID) {
                throw r;
            }
            return new Result(code, device.id(), state.name(), "conflict", r.getMessage());
        }
        return new Result(code, device.id(), step.to.name(), null, null);
    }

    private @Nullable UUID loanOf(String deviceId, LoanStatus status) {
        return db.withConnection(sql -> sql.one("SELECT id FROM loans WHERE device_id = ? AND status = ? ORDER BY created_at DESC LIMIT 1",
                rs -> rs.getObject(1, UUID.class), deviceId, status.name()).orElse(null));
    }
}
