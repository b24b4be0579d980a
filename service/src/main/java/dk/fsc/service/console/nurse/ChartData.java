package dk.fsc.service.console.nurse;

import dk.fsc.service.alerts.ThresholdsView;
import dk.fsc.service.readings.ReadingBucket;
import dk.fsc.service.readings.ReadingStore;
import dk.fsc.service.readings.ReadingView;
import dk.fsc.service.readings.Resolution;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one chart of the page is handed: the series (readings, or min/max buckets of a long range),
 * the patient's yellow and red limits, the missed schedule periods and the alert's moment, as the
 * JSON chart.js reads from {@code <script type="application/json" id="chart-data-TYPE">}; and the
 * newest values as a table for readers who do not see the chart. Times are epoch seconds (uPlot's).
 */
final class ChartData {
    /** The newest values the table under a chart lists. */
    static final int TABLE_ROWS = 10;

    /** A row of the table under the chart: one reading, or one bucket of a reduced range. */
    record Row(Instant at, double value, double min, double max, int count, boolean staffEntered) {
    }

    /** One chart: its type, whether the range was reduced, how many readings, the JSON for the script, the table. */
    record Chart(String type, String unit, boolean reduced, int readings, String json, List<Row> newest) {
    }

    private ChartData() {
    }

    static Chart chart(String type, Instant from, Instant to, ReadingStore.Series series, String unit, ThresholdsView.Row limits,
                       List<Instant> missed, Instant at, JsonMapper json) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", type);
        data.put("unit", unit);
        data.put("from", from.getEpochSecond());
        data.put("to", to.getEpochSecond());
        List<Row> rows = new ArrayList<>();
        boolean reduced = series.resolution() != Resolution.RAW;
        if (reduced) {
            List<List<Object>> buckets = new ArrayList<>();
            for (ReadingBucket b : series.buckets()) {
                boolean staff = b.staffCount() > 0;
                buckets.add(List.of(b.start().getEpochSecond(), b.min(), b.max(), b.count(), staff));
                rows.add(new Row(b.start(), b.max(), b.min(), b.max(), (int) b.count(), staff));
            }
            data.put("buckets", buckets);
        } else {
            List<List<Object>> points = new ArrayList<>();
            for (ReadingView p : series.readings()) {
                boolean staff = "staff".equals(p.origin());
                points.add(List.of(p.measuredAt().getEpochSecond(), p.value(), staff));
                rows.add(new Row(p.measuredAt(), p.value(), p.value(), p.value(), 1, staff));
            }
            data.put("points", points);
        }
        int readings = (int) series.readingCount();
        Map<String, Object> bands = new LinkedHashMap<>();
        bands.put("yellowLow", limits == null ? null : limits.yellowLow());
        bands.put("yellowHigh", limits == null ? null : limits.yellowHigh());
        bands.put("redLow", limits == null ? null : limits.redLow());
        bands.put("redHigh", limits == null ? null : limits.redHigh());
        data.put("bands", bands);
        data.put("missed", missed.stream().map(Instant::getEpochSecond).toList());
        data.put("at", at == null ? null : at.getEpochSecond());
        List<Row> newest = new ArrayList<>(rows.subList(Math.max(0, rows.size() - TABLE_ROWS), rows.size()));
        java.util.Collections.reverse(newest);
        return new Chart(type, unit, reduced, readings, scriptSafe(write(json, data)), newest);
    }

    private static String write(JsonMapper json, Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * JSON that cannot end its {@code <script>} element early: {@code <}, {@code >} and {@code &}
     * as JSON escapes (still the same JSON), so the page can carry it unescaped.
     */
    static String scriptSafe(String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }
}
