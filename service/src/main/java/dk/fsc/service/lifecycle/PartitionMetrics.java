package dk.fsc.service.lifecycle;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The monthly partitions on /prometheus (names in docs/operations.md), per table, set by each
 * maintenance run from the catalog, not read at each scrape: the newest and oldest monthly
 * partition (start of its month, epoch seconds), estimated rows and bytes per partition (gauges of
 * partitions that are gone are removed), the rows in the default partition (should be 0), when
 * this instance last made sure of the partitions, and how many closed months of the readings and
 * their hourly rollups still wait for their indexes to be packed (set by the packing run).
 */
@Singleton
class PartitionMetrics {
    private final MeterRegistry registry;
    private final MultiGauge rows;
    private final MultiGauge bytes;
    private final Map<String, double[]> byTable = new ConcurrentHashMap<>();
    private final Map<String, List<MultiGauge.Row<?>>> rowsByTable = new ConcurrentHashMap<>();
    private final Map<String, List<MultiGauge.Row<?>>> bytesByTable = new ConcurrentHashMap<>();
    private final Map<String, double[]> toPack = new ConcurrentHashMap<>();
    private volatile double lastSuccess = 0;

    PartitionMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("fsc.partitions.last.success.time", this, m -> m.lastSuccess).baseUnit("seconds")
                .description("When this instance last made sure of the monthly partitions (epoch seconds; 0: not yet)").register(registry);
        rows = MultiGauge.builder("fsc.partition.rows")
                .description("Estimated rows of a partition (statistics, not count(*))").register(registry);
        bytes = MultiGauge.builder("fsc.partition").baseUnit("bytes")
                .description("Size of a partition with its indexes and TOAST").register(registry);
        for (String table : PartitionMaintenance.PACKED_TABLES) { // from start, so a rule finds the series before the first run
            double[] v = {Double.NaN};
            toPack.put(table, v);
            Gauge.builder("fsc.partitions.unpacked.closed.months", v, x -> x[0]).tag("table", table)
                    .description("Closed months of the table whose indexes are not packed yet (NaN: not counted since start); "
                            + "0 after each packing run, counting down while one runs").register(registry);
        }
    }

    /** How many of the table's closed months wait for their indexes to be packed. */
    void closedMonthsToPack(String table, int months) {
        toPack.get(table)[0] = months;
    }

    /** The table's partitions as the catalog shows them now, and the rows counted in its default partition. */
    void refresh(String table, List<MonthlyPartitions.Partition> partitions, long rowsInDefault) {
        double[] values = byTable.computeIfAbsent(table, t -> {
            double[] v = {Double.NaN, Double.NaN, Double.NaN};
            Gauge.builder("fsc.partitions.newest.start", v, x -> x[0]).tag("table", t).baseUnit("seconds")
                    .description("Start of the month of the newest monthly partition (epoch seconds)").register(registry);
            Gauge.builder("fsc.partitions.oldest.start", v, x -> x[1]).tag("table", t).baseUnit("seconds")
                    .description("Start of the month of the oldest monthly partition (epoch seconds)").register(registry);
            Gauge.builder("fsc.partitions.default.rows", v, x -> x[2]).tag("table", t)
                    .description("Rows in the table's default partition (counted): rows whose month had no partition; should be 0")
                    .register(registry);
            return v;
        });
        List<Instant> starts = partitions.stream().map(MonthlyPartitions.Partition::start).filter(Objects::nonNull).sorted().toList();
        values[0] = starts.isEmpty() ? Double.NaN : starts.get(starts.size() - 1).getEpochSecond();
        values[1] = starts.isEmpty() ? Double.NaN : starts.get(0).getEpochSecond();
        values[2] = rowsInDefault;
        rowsByTable.put(table, partitions.stream().<MultiGauge.Row<?>>map(p -> MultiGauge.Row.of(
                Tags.of("table", table, "partition", p.name()), p.rows())).toList());
        bytesByTable.put(table, partitions.stream().<MultiGauge.Row<?>>map(p -> MultiGauge.Row.of(
                Tags.of("table", table, "partition", p.name()), p.bytes())).toList());
        rows.register(rowsByTable.values().stream().flatMap(List::stream).toList(), true);
        bytes.register(bytesByTable.values().stream().flatMap(List::stream).toList(), true);
    }

    void succeeded(Instant at) {
        lastSuccess = at.getEpochSecond();
    }
}
