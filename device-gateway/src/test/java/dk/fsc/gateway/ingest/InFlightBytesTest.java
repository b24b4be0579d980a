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
        InFlightBytes budget = new InFlightBytes(60 * 1024 * 1024);
        budget.acquire(12 * 1024 * 1024); // a 12 MiB photo in flight: 36 MiB
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
        assertFalse(second.await(300, TimeUnit.MILLISECONDS), "a second 12 MiB photo must wait: 72 MiB > 60 MiB");
        budget.release(12 * 1024 * 1024); // the first one committed
        assertTrue(second.await(5, TimeUnit.SECONDS), "and go on once the first is committed");
        receiver.join();
    }

    /** A message costs the memory it holds while it waits: its payload and what is decoded from it, three times the payload. */
    @Test
    void aMessageCostsThreeTimesItsPayload() throws Exception {
        InFlightBytes budget = new InFlightBytes(60L * 1024 * 1024);
        assertTrue(budget.tryAcquire(10 * 1024 * 1024, 1, TimeUnit.MILLISECONDS), "a 10 MiB photo holds 30 MiB");
        assertTrue(budget.tryAcquire(10 * 1024 * 1024, 1, TimeUnit.MILLISECONDS), "a second: 60 MiB");
        assertFalse(budget.tryAcquire(1, 1, TimeUnit.MILLISECONDS), "nothing more fits");
        budget.release(10 * 1024 * 1024);
        assertTrue(budget.tryAcquire(9 * 1024 * 1024, 1, TimeUnit.MILLISECONDS), "27 MiB of the 30 freed");
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
