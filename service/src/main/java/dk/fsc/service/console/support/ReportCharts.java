package dk.fsc.service.console.support;

import dk.fsc.service.logistics.DeviceState;
import dk.fsc.service.logistics.ReportStore;
import dk.fsc.service.platform.time.DanishTime;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reports page's charts, drawn on the server as inline SVG (no script, no style attribute: the
 * console's Content-Security-Policy allows neither): every bar carries its word and its number, so
 * colour only repeats what the text says. The tables under the charts stay the data to read.
 * Coordinates are ready strings, so the template only places them.
 */
public final class ReportCharts {
    /** Where bars start and how wide the widest is, in percent of the chart's width. */
    private static final double BAR_X = 36;
    private static final double BAR_MAX = 54;
    static final int ROW = 22;
    /** The month chart's drawing area (viewBox units). */
    static final int MONTH_SLOT = 60;
    static final int PLOT_TOP = 24;
    static final int PLOT_HEIGHT = 150;

    /**
     * One line of a horizontal bar chart: an organisation's heading (its total) or one of its bars.
     *
     * @param key  the bar's word as a text key (the heading has none)
     * @param tone the bar's colour class (tone-lent, tone-stock, tone-care, tone-gone; tone-open, tone-warned, tone-breached, tone-adverse)
     */
    public record Row(boolean heading, String label, String key, long value, int y, String width, String valueX, String tone) {
    }

    /** Horizontal bars grouped under a heading per organisation. */
    public record Bars(List<Row> rows, int height) {
        public boolean isEmpty() {
            return rows.isEmpty();
        }
    }

    /** One month of the breach chart: its two bars (time to own, time to resolve) and their numbers. */
    public record Month(String month, String label, int x, long own, long resolve, int ownY, int ownHeight, int resolveY,
                        int resolveHeight, int labelX, int resolveX) {
    }

    public record Months(List<Month> months, int width, int baseline, long total) {
    }

    private ReportCharts() {
    }

    /** Devices by state under each organisation (device types summed), the states in their life's order. */
    public static Bars devices(List<ReportStore.DeviceCount> rows) {
        Map<String, Map<String, Long>> byOrg = new LinkedHashMap<>();
        for (ReportStore.DeviceCount r : rows) {
            byOrg.computeIfAbsent(r.organisationId(), o -> new LinkedHashMap<>()).merge(r.state(), r.devices(), Long::sum);
        }
        Map<String, List<Bar>> groups = new LinkedHashMap<>();
        byOrg.forEach((org, states) -> {
            List<Bar> bars = new ArrayList<>();
            for (DeviceState s : DeviceState.values()) {
                Long n = states.get(s.name());
                if (n != null && n > 0) {
                    bars.add(new Bar("device.state." + s.name(), n, tone(s)));
                }
            }
            groups.put(org, bars);
        });
        return bars(groups, true);
    }

    /** Each organisation's tickets: open, with an SLA warning, with a breach, open adverse events. */
    public static Bars tickets(List<ReportStore.TicketCount> rows) {
        Map<String, List<Bar>> groups = new LinkedHashMap<>();
        for (ReportStore.TicketCount r : rows) {
            groups.put(r.organisationId(), List.of(new Bar("reports.chart.open", r.open(), "open"),
                    new Bar("reports.chart.warned", r.warned(), "warned"), new Bar("reports.chart.breached", r.breached(), "breached"),
                    new Bar("reports.chart.adverse", r.adverseEventsOpen(), "adverse")));
        }
        return bars(groups, false); // the bars overlap (a breached ticket is open too): no total
    }

    /** The last twelve months (this one last), breaches of each clock summed over the organisations; months without any too. */
    public static Months breaches(List<ReportStore.BreachMonth> rows, Locale locale) {
        YearMonth now = YearMonth.from(LocalDate.now(DanishTime.ZONE));
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (int i = 11; i >= 0; i--) {
            counts.put(now.minusMonths(i).toString(), new long[2]);
        }
        for (ReportStore.BreachMonth r : rows) {
            long[] c = counts.get(r.month());
            if (c != null) {
                c["own".equals(r.clock()) ? 0 : 1] += r.breaches();
            }
        }
        long max = counts.values().stream().mapToLong(c -> Math.max(c[0], c[1])).max().orElse(0);
        DateTimeFormatter label = DateTimeFormatter.ofPattern("MMM yy", locale);
        List<Month> months = new ArrayList<>();
        int x = 0;
        long total = 0;
        int baseline = PLOT_TOP + PLOT_HEIGHT;
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            long own = e.getValue()[0];
            long resolve = e.getValue()[1];
            total += own + resolve;
            int ownH = height(own, max);
            int resolveH = height(resolve, max);
            months.add(new Month(e.getKey(), label.format(YearMonth.parse(e.getKey())), x + 6, own, resolve, baseline - ownH, ownH,
                    baseline - resolveH, resolveH, x + MONTH_SLOT / 2, x + 31));
            x += MONTH_SLOT;
        }
        return new Months(months, x, baseline, total);
    }

    private record Bar(String key, long value, String tone) {
    }

    /** @param totals whether a heading shows its bars' sum ({@code value} -1 when not) */
    private static Bars bars(Map<String, List<Bar>> groups, boolean totals) {
        long max = groups.values().stream().flatMap(List::stream).mapToLong(Bar::value).max().orElse(0);
        List<Row> rows = new ArrayList<>();
        int y = 0;
        for (Map.Entry<String, List<Bar>> g : groups.entrySet()) {
            long total = g.getValue().stream().mapToLong(Bar::value).sum();
            rows.add(new Row(true, g.getKey(), null, totals ? total : -1, y, "0", "0", "heading"));
            y += ROW;
            for (Bar b : g.getValue()) {
                double width = max == 0 ? 0 : BAR_MAX * b.value() / max;
                rows.add(new Row(false, g.getKey(), b.key(), b.value(), y, pct(width), pct(BAR_X + width + 0.8), "tone-" + b.tone()));
                y += ROW;
            }
        }
        return new Bars(rows, y + 4);
    }

    /** A bar of a few devices still shows (2 units), none shows nothing. */
    private static int height(long value, long max) {
        return value == 0 || max == 0 ? 0 : (int) Math.max(2, Math.round((double) PLOT_HEIGHT * value / max));
    }

    private static String tone(DeviceState s) {
        return switch (s) {
            case ready -> "stock";
            case returned, cleaning, in_repair -> "care";
            case lost, retired -> "gone";
            default -> "lent";
        };
    }

    private static String pct(double value) {
        return String.format(Locale.ROOT, "%.1f%%", value);
    }
}
