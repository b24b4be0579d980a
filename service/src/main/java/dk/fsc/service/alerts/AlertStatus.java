package dk.fsc.service.alerts;

import dk.fsc.service.platform.errors.Refusal;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An alert's status as an explicit state machine, spelt as in the database and the JSON. Staff
 * acknowledge an open alert and resolve an unresolved one; worse news opens an acknowledged alert
 * again (it needs someone's attention again); a resolved alert is closed for good, its kind's next
 * finding opens a new alert. Assigning and commenting keep the status but need an unresolved alert.
 */
public enum AlertStatus {
    open, acknowledged, resolved;

    private static final Map<AlertStatus, Set<AlertStatus>> NEXT = Map.of(
            open, EnumSet.of(acknowledged, resolved),
            acknowledged, EnumSet.of(open, resolved),
            resolved, EnumSet.noneOf(AlertStatus.class));

    public boolean canMoveTo(AlertStatus next) {
        return NEXT.get(this).contains(next);
    }

    /** Open or acknowledged: the alert still takes actions (assign, comment) and worse news. */
    public boolean unresolved() {
        return this != resolved;
    }

    /**
     * Refuses (409) an action on alert {@code id} in this status: any action on a resolved alert,
     * and a move to {@code next} (when not null) that is not allowed from here.
     */
    void requireAction(long id, AlertStatus next) {
        if (!unresolved()) {
            throw Refusal.conflict("Alert " + id + " is already resolved.");
        }
        if (next != null && !canMoveTo(next)) {
            throw Refusal.conflict("Alert " + id + " is " + this + ", not " + Arrays.stream(values()).filter(s -> s.canMoveTo(next))
                    .map(AlertStatus::name).collect(Collectors.joining(" or ")) + ".");
        }
    }

    public static AlertStatus of(String db) {
        return valueOf(db);
    }
}
