package dk.fsc.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The byte budget in front of the batch writer: a burst of large messages waits instead of piling up in memory. */
class InFlightBytesTest {

    @Test
    void aMessageWaitsUntilCommittedOnesFreeTheirBytes() throws Exception {
        InFlightBytes budget = new InFlightBytes(20 * 1024 * 1024);
        budget.acquire(12 * 1024 * 1024); // a 12 MiB photo in flight
        CountDownLatch second = new CountDownLatch(1);
        Thread receiver = new Thread(() -> {
            try {
                budget.acquire(12 * 1024 * 1024);
                second.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        receiver.start();
        assertFalse(second.await(300, TimeUnit.MILLISECONDS), "a second 12 MiB photo must wait: 24 MiB > 20 MiB");
        budget.release(12 * 1024 * 1024); // the first one committed
        assertTrue(second.await(5, TimeUnit.SECONDS), "and go on once the first is committed");
        receiver.join();
    }

    @Test
    @Timeout(5)
    void aMessageLargerThanTheWholeBudgetStillPassesAlone() throws Exception {
        InFlightBytes budget = new InFlightBytes(1024 * 1024);
        budget.acquire(5 * 1024 * 1024); // would otherwise wait forever
        budget.release(5 * 1024 * 1024);
        budget.acquire(1024 * 1024);
    }
}
