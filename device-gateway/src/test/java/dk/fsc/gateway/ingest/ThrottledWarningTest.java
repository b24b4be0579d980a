package dk.fsc.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A warning for a frequent event: at most one per interval, with the count since the last one. */
class ThrottledWarningTest {

    @Test
    void logsTheFirstAtOnceThenAtMostOncePerIntervalWithTheCount() {
        Logger logger = (Logger) LoggerFactory.getLogger("test.throttled." + System.nanoTime());
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
        ThrottledWarning warning = new ThrottledWarning(logger, "replies not sent", 10, nanos::get);

        warning.record("device A");
        for (int i = 0; i < 901; i++) {
            nanos.addAndGet(10_000_000); // 901 more within 9.01 s
            warning.record("device B");
        }
        assertEquals(1, logged.list.size());
        nanos.addAndGet(1_000_000_000);
        warning.record("device C");

        assertEquals(2, logged.list.size());
        assertEquals("1 replies not sent in the last 10 s (device A)", logged.list.get(0).getFormattedMessage());
        assertEquals("902 replies not sent in the last 10 s (device C)", logged.list.get(1).getFormattedMessage());
    }
}
