package dk.fsc.service.tickets;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/**
 * A ticket's two SLA clocks as stored (seconds used up to {@code since}, running from
 * {@code since} when not null) and what they say at a given moment.
 */
public record TicketClock(SlaCalendar calendar, long ownTarget, long resolveTarget, long ownConsumed, long resolveConsumed,
                   @Nullable Instant since, @Nullable Instant ownedAt, @Nullable Instant solvedAt) {

    /** One clock at a moment: {@code state} is running, paused, met or breached; {@code dueAt} while it runs. */
    @Serdeable
    public record Reading(String clock, String state, long targetSeconds, long usedSeconds, @Nullable Instant dueAt, boolean warning) {
        boolean breached() {
            return usedSeconds > targetSeconds;
        }
    }

    Reading own(Instant now, double warnFraction) {
        return read("own", ownTarget, ownConsumed, ownedAt != null, now, warnFraction);
    }

    Reading resolve(Instant now, double warnFraction) {
        return read("resolve", resolveTarget, resolveConsumed, solvedAt != null, now, warnFraction);
    }

    private Reading read(String name, long target, long consumed, boolean stopped, Instant now, double warnFraction) {
        boolean running = !stopped && since != null;
        long used = consumed + (running ? calendar.seconds(since, now) : 0);
        long left = target - used;
        String state = used > target ? "breached" : stopped ? "met" : running ? "running" : "paused";
        Instant due = running && left > 0 ? calendar.plus(now, left) : null;
        // Only a running clock warns: a warning is recorded once, and one recorded while the ticket waited
        // on the customer (no due time) left none for when the clock ran again near its end.
        boolean warning = running && left > 0 && left <= target * warnFraction;
        return new Reading(name, state, target, used, due, warning);
    }

    /** The clocks after a change at {@code now}: time so far booked, running again only if {@code runs}. */
    TicketClock changed(Instant now, boolean runs, boolean nowOwned, boolean nowSolved) {
        long delta = since == null ? 0 : calendar.seconds(since, now);
        long own = ownConsumed + (ownedAt == null ? delta : 0);
        long resolve = resolveConsumed + (solvedAt == null ? delta : 0);
        Instant owned = ownedAt != null ? ownedAt : nowOwned ? now : null;
        Instant solved = nowSolved ? (solvedAt != null ? solvedAt : now) : null;
        return new TicketClock(calendar, ownTarget, resolveTarget, own, resolve, runs ? now : null, owned, solved);
    }
}
