package dk.fsc.gateway.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets by key (a device, an account, a client address): {@code burst} requests at once, refilled
 * at {@code perSecond}. Buckets that are full again are dropped when the map grows, so memory
 * stays bounded by the number of recently busy keys.
 */
public final class RateLimiter {
    private static final int TIDY_AT = 10_000;
    private final double perSecond;
    private final int burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }
    }

    public RateLimiter(double perSecond, int burst) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("a rate limit needs a positive rate and a burst of at least 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** Takes one token for {@code key}: 0 when allowed, else the whole seconds to wait for the next one. */
    public long take(String key) {
        return take(key, System.nanoTime());
    }

    long take(String key, long now) {
        if (buckets.size() > TIDY_AT) {
            buckets.values().removeIf(b -> level(b, now) >= burst);
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.tokens = level(bucket, now);
            bucket.updatedNanos = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - bucket.tokens) / perSecond);
        }
    }

    private double level(Bucket b, long now) {
        return Math.min(burst, b.tokens + (now - b.updatedNanos) / 1e9 * perSecond);
    }
}
