package dk.fsc.gateway.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages on topics the gateway never subscribed to, such as a device's replies topic: they
 * reached its session through a subscription somebody else added (a client that connected with
 * the gateway's client id, say). They are acknowledged and dropped, never answered or
 * quarantined (answering a replies topic would feed the gateway its own answers in a loop), counted,
 * logged at most every ten seconds ({@link ThrottledWarning}), and the subscriptions that could have brought them are
 * removed from the session.
 */
final class ForeignMessages {
    private static final Logger LOG = LoggerFactory.getLogger(ForeignMessages.class);
    private static final long UNSUBSCRIBE_EVERY_NANOS = 60_000_000_000L;
    private final ThrottledWarning warning;
    private final Map<String, Long> unsubscribedAt = new ConcurrentHashMap<>();
    private long count;

    ForeignMessages(String clientId) {
        this.warning = new ThrottledWarning(LOG, "messages reached the gateway (" + clientId + ") on topics it never subscribed "
                + "to: someone added a subscription to its session (a client using its client id? see the broker's log); "
                + "not answered, not stored, unsubscribing");
    }

    /** Counts one; returns the filters to unsubscribe from, or an empty list when that was done for this topic lately. */
    synchronized List<String> arrived(String topic) {
        count++;
        warning.record("latest on " + topic);
        long now = System.nanoTime();
        Long last = unsubscribedAt.get(topic);
        if (last != null && now - last < UNSUBSCRIBE_EVERY_NANOS) {
            return List.of();
        }
        unsubscribedAt.put(topic, now);
        return filtersMatching(topic);
    }

    synchronized long count() {
        return count;
    }

    /**
     * Every topic filter that matches the topic: each level as itself or {@code +}, optionally
     * ended early by {@code #}. MQTT unsubscribes by the filter's exact text, so this removes
     * whichever of them was added, and none of the gateway's own (they match only what devices send).
     */
    static List<String> filtersMatching(String topic) {
        String[] levels = topic.split("/", -1);
        List<String> filters = new ArrayList<>();
        for (int length = 0; length <= levels.length; length++) {
            for (int mask = 0; mask < 1 << length; mask++) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < length; i++) {
                    b.append((mask & (1 << i)) != 0 ? "+" : levels[i]).append('/');
                }
                filters.add(b + "#");
                if (length == levels.length) {
                    filters.add(b.substring(0, b.length() - 1));
                }
            }
        }
        return filters;
    }
}
