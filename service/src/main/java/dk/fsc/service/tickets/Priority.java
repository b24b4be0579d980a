package dk.fsc.service.tickets;

/**
 * Priority from urgency × impact (both 1 very low … 5 very high), as GLPI's default matrix, and
 * the SLA each priority gets: time to own and time to resolve, and the calendar they run on.
 */
public final class Priority {
    private static final int[][] MATRIX = {
            // impact: 1  2  3  4  5      urgency:
            {1, 1, 2, 2, 2},          // 1 very low
            {1, 2, 2, 3, 3},          // 2 low
            {2, 2, 3, 4, 4},          // 3 medium
            {2, 3, 4, 4, 5},          // 4 high
            {2, 3, 4, 5, 5}};         // 5 very high

    /** Seconds to own, seconds to resolve, calendar; index = priority. */
    private static final Sla[] SLA = {
            null,
            new Sla(16 * 3600, 80 * 3600, SlaCalendar.BUSINESS),  // 1 very low: 2 and 10 business days
            new Sla(8 * 3600, 40 * 3600, SlaCalendar.BUSINESS),   // 2 low: 1 and 5 business days
            new Sla(4 * 3600, 24 * 3600, SlaCalendar.BUSINESS),   // 3 medium: 4 business hours, 3 business days
            new Sla(3600, 8 * 3600, SlaCalendar.BUSINESS),        // 4 high: 1 business hour, 1 business day
            new Sla(30 * 60, 8 * 3600, SlaCalendar.ALWAYS),       // 5 very high: 30 min, 8 h around the clock
            new Sla(15 * 60, 4 * 3600, SlaCalendar.ALWAYS)};      // 6 major (set by hand): 15 min, 4 h

    public record Sla(long ownSeconds, long resolveSeconds, SlaCalendar calendar) {
    }

    private Priority() {
    }

    public static int of(int urgency, int impact) {
        if (urgency < 1 || urgency > 5 || impact < 1 || impact > 5) {
            throw new IllegalArgumentException("urgency and impact are 1 (very low) to 5 (very high)");
        }
        return MATRIX[urgency - 1][impact - 1];
    }

    public static Sla sla(int priority) {
        return SLA[priority];
    }
}
