package dk.fsc.service.readings;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The readings partitions on /prometheus (names in docs/operations.md), set by each maintenance
 * run from the catalog, not read at each scrape: the newest and oldest monthly partition (start
 * of its month, epoch seconds), estimated rows and bytes per partition (gauges of partitions that
 * are gone are removed), the rows in the default partition (should be 0), and when this instance
 * last made sure of the partitions.
 */
@Singleton
class PartitionMetrics {
    private final MultiGauge rows;
    private final MultiGauge bytes;
    private volatile double newestStart = Double.NaN;
    private volatile double oldestStart = Double.NaN;
    private volatile double defaultRows = Double.NaN;
    private volatile double lastSuccess = 0;

    PartitionMetrics(MeterRegistry registry) {
        Gauge.builder("fsc.readings.partitions.newest.start", this, m -> m.newestStart).baseUnit("seconds")
                .description("Start of the month of the newest monthly readings partition (epoch seconds)").register(registry);
        Gauge.builder("fsc.readings.partitions.oldest.start", this, m -> m.oldestStart).baseUnit("seconds")
                .description("Start of the month of the oldest monthly readings partition (epoch seconds)").register(registry);
        Gauge.builder("fsc.readings.partitions.default.rows", this, m -> m.defaultRows)
                .description("Rows in readings_default (counted): readings whose month had no partition; should be 0").register(registry);
        Gauge.builder("fsc.readings.partitions.last.success.time", this, m -> m.lastSuccess).baseUnit("seconds")
                .description("When this instance last made sure of the readings partitions (epoch seconds; 0: not yet)").register(registry);
        rows = MultiGauge.builder("fsc.readings.partition.rows")
                .description("Estimated rows of a readings partition (statistics, not count(*))").register(registry);
        bytes = MultiGauge.builder("fsc.readings.partition").baseUnit("bytes")
                .description("Size of a readings partition with its indexes and TOAST").register(registry);
    }

    void refresh(List<PartitionStore.Partition> partitions, long rowsInDefault) {
        List<Instant> starts = partitions.stream().map(PartitionStore.Partition::start).filter(Objects::nonNull).sorted().toList();
        newestStart = starts.isEmpty() ? Double.NaN : starts.get(starts.size() - 1).getEpochSecond();
        oldestStart = starts.isEmpty() ? Double.NaN : starts.get(0).getEpochSecond();
        defaultRows = rowsInDefault;
        rows.register(partitions.stream().map(p -> MultiGauge.Row.of(Tags.of("partition", p.name()), p.rows())).toList(), true);
        bytes.register(partitions.stream().map(p -> MultiGauge.Row.of(Tags.of("partition", p.name()), p.bytes())).toList(), true);
    }

    void succeeded(Instant at) {
        lastSuccess = at.getEpochSecond();
    }
}
