package dk.fsc.service.tickets;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A ticket's states (as in GLPI) and the moves between them, listed here and nowhere else; the
 * database's check constraint lists the same states. {@code new} is a Java keyword, so that state
 * is {@code new_} here and {@code "new"} in the database and the API ({@link #wire}).
 */
public enum TicketState {
    new_, assigned, planned, pending, solved, closed;

    private static final Map<TicketState, Set<TicketState>> NEXT = Map.of(
            new_, EnumSet.of(assigned, planned, pending, solved),
            assigned, EnumSet.of(planned, pending, solved),
            planned, EnumSet.of(assigned, pending, solved),
            pending, EnumSet.of(assigned, planned, solved),
            solved, EnumSet.of(closed, assigned),
            closed, EnumSet.noneOf(TicketState.class));
    /** States in which the clocks run; pending pauses them, solved and closed stop them. */
    private static final Set<TicketState> RUNNING = EnumSet.of(new_, assigned, planned);

    /** The name in the database and the API. */
    public String wire() {
        return this == new_ ? "new" : name();
    }

    public boolean canBecome(TicketState next) {
        return NEXT.get(this).contains(next);
    }

    /** The states this one can become, by their wire names. */
    public List<String> next() {
        return NEXT.get(this).stream().map(TicketState::wire).toList();
    }

    boolean clocksRun() {
        return RUNNING.contains(this);
    }

    /** Solved or closed: the clocks have stopped, and the problem may be opened again as a new ticket. */
    boolean done() {
        return this == solved || this == closed;
    }

    public static Optional<TicketState> of(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
    }
}
