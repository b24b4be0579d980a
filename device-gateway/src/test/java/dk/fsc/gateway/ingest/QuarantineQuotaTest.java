package dk.fsc.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A device's quarantine quota: rows and bytes per window, and episodes of dropped messages. */
class QuarantineQuotaTest {
    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
    private final QuarantineQuota quota = new QuarantineQuota(3, 100_000, Duration.ofHours(24));

    @Test
    void keepsRowsUpToTheQuotaAndDropsTheRest() {
        QuarantineQuota.Usage usage = fresh();
        assertTrue(quota.take(usage, 10, T0));
        assertTrue(quota.take(usage, 10, T0));
        assertTrue(quota.take(usage, 10, T0));
        assertFalse(quota.take(usage, 10, T0.plusSeconds(1)));
        assertEquals(3, usage.rowsUsed);
        assertEquals(1, usage.dropped);
        assertEquals(T0.plusSeconds(1), usage.exceededSince);
    }

    @Test
    void dropsARowThatWouldPassTheBytes() {
        QuarantineQuota.Usage usage = fresh();
        assertTrue(quota.take(usage, 65_536, T0));
        assertFalse(quota.take(usage, 65_536, T0));
        assertTrue(quota.take(usage, 30_000, T0), "a smaller one still fits");
    }

    @Test
    void aNewWindowStartsEmpty() {
        QuarantineQuota.Usage usage = fresh();
        for (int i = 0; i < 4; i++) {
            quota.take(usage, 10, T0);
        }
        Instant nextDay = T0.plus(Duration.ofHours(24));
        assertTrue(quota.take(usage, 10, nextDay));
        assertEquals(nextDay, usage.windowStart);
        assertEquals(1, usage.rowsUsed);
        assertEquals(0, usage.dropped);
    }

    @Test
    void aDeviceOverQuotaDayAfterDayIsOneEpisodeAndOneThatRecoveredStartsANewOne() {
        QuarantineQuota.Usage usage = fresh();
        fill(usage, T0);
        assertFalse(quota.take(usage, 10, T0.plusSeconds(60)));
        Instant episode = usage.exceededSince;

        Instant nextDay = T0.plus(Duration.ofHours(24)).plusSeconds(30);
        fill(usage, nextDay);
        assertFalse(quota.take(usage, 10, nextDay.plusSeconds(1)));
        assertEquals(episode, usage.exceededSince, "dropped again within a window of the last drop: the same episode");

        Instant later = nextDay.plus(Duration.ofDays(3));
        fill(usage, later);
        assertFalse(quota.take(usage, 10, later));
        assertEquals(later, usage.exceededSince, "a new episode");
    }

    private void fill(QuarantineQuota.Usage usage, Instant at) {
        for (int i = 0; i < 3; i++) {
            assertTrue(quota.take(usage, 10, at));
        }
    }

    private static QuarantineQuota.Usage fresh() {
        QuarantineQuota.Usage usage = new QuarantineQuota.Usage(T0, T0.plus(Duration.ofHours(24)), 0, 0, 0, null, null);
        assertNull(usage.exceededSince);
        return usage;
    }
}
