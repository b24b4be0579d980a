package dk.fsc.service.console.support;

import dk.fsc.service.console.Format;
import dk.fsc.service.tickets.TicketClock;
import dk.fsc.service.tickets.TicketReader.TicketView;
import java.util.HashMap;
import java.util.Map;

/**
 * A card of the ticket board as a map of ready values. Thymeleaf's OGNL finds a record's
 * component by scanning its class's methods on every read: with 200 cards that was most of the
 * board's time (docs/benchmarks.md, issue #17), as it was for the worklist's rows (WorklistRow).
 */
final class TicketCards {
    private TicketCards() {
    }

    static Map<String, Object> card(TicketView t, Format fmt) {
        Map<String, Object> card = new HashMap<>();
        card.put("id", t.id());
        card.put("heading", "#" + t.id() + " " + t.title());
        card.put("href", "/tickets/" + t.id());
        card.put("priority", t.priority());
        card.put("deviceId", t.deviceId());
        card.put("deviceHref", t.deviceId() == null ? null : "/devices/" + java.net.URLEncoder.encode(t.deviceId(), java.nio.charset.StandardCharsets.UTF_8));
        card.put("assignee", t.assignee());
        card.put("breached", "breached".equals(t.own().state()) || "breached".equals(t.resolve().state()));
        card.put("own", clock(t.own(), fmt));
        card.put("resolve", clock(t.resolve(), fmt));
        card.put("adverse", t.adverseEvent());
        card.put("analysisDate", t.analysisDueAt() == null ? "" : fmt.date(t.analysisDueAt()));
        card.put("analysisDays", fmt.secondsUntil(t.analysisDueAt()) / 86400);
        return card;
    }

    /** What clocks.html's boardClock shows: its classes, the due moment a running clock counts down to, the time left or its state's text key. */
    private static Map<String, Object> clock(TicketClock.Reading c, Format fmt) {
        boolean running = "running".equals(c.state());
        Map<String, Object> clock = new HashMap<>();
        clock.put("classes", "clock clock-" + c.state() + (c.warning() ? " clock-warning" : ""));
        clock.put("due", running && c.dueAt() != null ? fmt.iso(c.dueAt()) : null);
        clock.put("running", running);
        Format.Countdown left = fmt.countdown(fmt.secondsUntil(c.dueAt()));
        clock.put("leftKey", left.key());
        clock.put("leftWhole", left.whole());
        clock.put("leftPart", left.part());
        clock.put("stateKey", "clock." + c.state());
        return clock;
    }
}
