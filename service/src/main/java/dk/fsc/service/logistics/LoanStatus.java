package dk.fsc.service.logistics;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A loan's life: reserved for a later start, active from shipping until it ends (returned, lost
 * or never delivered), or cancelled before it shipped. The moves between them are listed here
 * and nowhere else; the database's check constraint lists the same states.
 */
public enum LoanStatus {
    reserved, active, ended, cancelled;

    private static final Map<LoanStatus, Set<LoanStatus>> NEXT = Map.of(
            reserved, EnumSet.of(active, cancelled),
            active, EnumSet.of(ended),
            ended, EnumSet.noneOf(LoanStatus.class),
            cancelled, EnumSet.noneOf(LoanStatus.class));

    public boolean canBecome(LoanStatus next) {
        return NEXT.get(this).contains(next);
    }

    /** Guards the loan steps themselves: a step that asks for a move not listed above is a bug, not a refusal. */
    void requireTransition(LoanStatus next) {
        if (next != this && !canBecome(next)) {
            throw new IllegalStateException("A " + this + " loan cannot become " + next);
        }
    }

    public static Optional<LoanStatus> of(String name) {
        return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst();
    }
}
