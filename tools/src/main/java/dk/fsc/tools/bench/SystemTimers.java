package dk.fsc.tools.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The system's timers with a histogram ({@code <name>_seconds_bucket/_count/_sum} on
 * {@code /prometheus}) whose names start with a prefix, read at one moment. The difference of two
 * readings ({@link #since}) is what the system timed in between: its count, mean and the upper
 * bound of the bucket that holds a percentile (so "p99 ≤ 0.26 s").
 */
final class SystemTimers {
    /** One timer series: seconds in all, how many, and the cumulative count of each bucket (upper bound in seconds). */
    record Series(double sum, double count, TreeMap<Double, Double> buckets) {
        double meanMillis() {
            return count == 0 ? Double.NaN : sum / count * 1000;
        }

        /** The upper bound (ms) of the bucket that holds the p-th percentile; NaN when nothing was timed. */
        double percentileBoundMillis(double p) {
            if (count == 0) {
                return Double.NaN;
            }
            for (Map.Entry<Double, Double> b : buckets.entrySet()) {
                if (b.getValue() >= p / 100.0 * count) {
                    return b.getKey() * 1000;
                }
            }
            return Double.POSITIVE_INFINITY;
        }
    }

    private final Map<String, Series> series;

    private SystemTimers(Map<String, Series> series) {
        this.series = series;
    }

    /** The timers named {@code prefix…_seconds} as the system's metrics show them now; keyed by name and tags (without {@code le}). */
    static SystemTimers read(HttpClient http, URI metrics, String prefix) throws Exception {
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, TreeMap<Double, Double>> buckets = new LinkedHashMap<>();
        for (String line : Benchmark.systemMetrics(http, metrics)) {
            if (!line.startsWith(prefix) || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, brace >= 0 ? brace : space);
            String tags = brace >= 0 ? line.substring(brace + 1, line.indexOf('}')) : "";
            double value = Benchmark.metricValue(line);
            if (name.endsWith("_seconds_bucket")) {
                String le = tags.replaceAll(".*le=\"([^\"]*)\".*", "$1");
                String key = name.substring(0, name.length() - "_bucket".length()) + "{" + tags.replaceAll(",?le=\"[^\"]*\"", "") + "}";
                buckets.computeIfAbsent(key, k -> new TreeMap<>()).put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), value);
            } else if (name.endsWith("_seconds_sum") || name.endsWith("_seconds_count")) {
                boolean isSum = name.endsWith("_sum");
                String key = name.substring(0, name.lastIndexOf('_')) + "{" + tags + "}";
                sums.computeIfAbsent(key, k -> new double[2])[isSum ? 0 : 1] = value;
            }
        }
        Map<String, Series> series = new LinkedHashMap<>();
        sums.forEach((key, sc) -> series.put(key, new Series(sc[0], sc[1], buckets.getOrDefault(key, new TreeMap<>()))));
        return new SystemTimers(series);
    }

    /** The series as read, keyed by name and tags (without {@code le}). */
    Map<String, Series> series() {
        return series;
    }

    /** What was timed after {@code before} was read, series by series. */
    Map<String, Series> since(SystemTimers before) {
        Map<String, Series> d = new LinkedHashMap<>();
        series.forEach((key, now) -> {
            Series then = before.series.getOrDefault(key, new Series(0, 0, new TreeMap<>()));
            TreeMap<Double, Double> buckets = new TreeMap<>();
            now.buckets().forEach((le, n) -> buckets.put(le, n - then.buckets().getOrDefault(le, 0.0)));
            d.put(key, new Series(now.sum() - then.sum(), now.count() - then.count(), buckets));
        });
        return d;
    }
}
