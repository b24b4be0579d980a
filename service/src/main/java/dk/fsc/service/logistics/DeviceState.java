package dk.fsc.service.logistics;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A device's life at FSC as an explicit state machine. Any move not listed here is refused.
 * Moves that belong to a loan (reserve, ship, hand over, ask back, return) are made by the loan
 * endpoints; the rest by {@code POST /api/devices/{id}/transitions}; retirement by
 * {@code POST /api/devices/{id}/retire}, which also revokes the MQTT account.
 */
public enum DeviceState {
    ready, reserved, shipped, on_loan, return_requested, returned, cleaning, in_repair, lost, retired;

    private static final Map<DeviceState, Set<DeviceState>> NEXT = Map.of(
            ready, EnumSet.of(reserved, shipped, cleaning, in_repair, lost, retired),
            reserved, EnumSet.of(ready, shipped, lost),
            shipped, EnumSet.of(on_loan, returned, lost),
            on_loan, EnumSet.of(return_requested, returned, lost),
            return_requested, EnumSet.of(returned, lost),
            returned, EnumSet.of(cleaning, in_repair, lost),
            cleaning, EnumSet.of(ready, in_repair, retired),
            in_repair, EnumSet.of(cleaning, retired, lost),
            lost, EnumSet.of(returned, retired),
            retired, EnumSet.noneOf(DeviceState.class));

    /** States a loan puts a device in: only the loan endpoints move a device into them. */
    public static final Set<DeviceState> LOAN_STATES = EnumSet.of(reserved, shipped, on_loan, return_requested);

    public boolean canMoveTo(DeviceState next) {
        return NEXT.get(this).contains(next);
    }

    public Set<DeviceState> next() {
        return NEXT.get(this);
    }

    /** The moves support makes by hand from this state: not into a loan's states (the loan makes those), not retirement (its own step). */
    public List<DeviceState> nextByHand() {
        return NEXT.get(this).stream().filter(s -> !LOAN_STATES.contains(s) && s != retired).toList();
    }

    public static Optional<DeviceState> of(String name) {
        return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst();
    }
}
