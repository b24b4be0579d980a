package dk.fsc.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.contract.RejectionCode;
import dk.fsc.gateway.limits.GatewayBacklog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;

/** Batching: how the writer takes batches from the queue, and stores them through database trouble. */
class StoreRetriesTest {
    /** Messages as the gateway queues them: checked as they arrived. */
    private static final MessageChain CHECKED = MessageChain.live(new dk.fsc.gateway.GatewayConfig());
    private final List<Long> pauses = new ArrayList<>();
    private final List<String> quarantined = new ArrayList<>();

    /** The log line of a refused message names the constraint, not the row PostgreSQL repeats (a note may hold a CPR number). */
    @Test
    void aRefusalIsLoggedWithoutTheMessagesContent() {
        var refused = new org.postgresql.util.PSQLException(new org.postgresql.util.ServerErrorMessage(
                "SERROR\0C23514\0Mnew row violates check constraint\0DFailing row contains (0101011234, note)\0"
                        + "nreadings_value_check\0treadings_2026_12\0"));
        String said = StoreRetries.withoutContent(refused);
        org.junit.jupiter.api.Assertions.assertEquals("SQLState 23514, constraint readings_value_check, table readings_2026_12", said);
    }

    @Test
    void theQueueIsTakenInBatchesOfAtMostTheBatchSizeInArrivalOrder() throws Exception {
        BlockingQueue<Parsed> queue = new ArrayBlockingQueue<>(10);
        for (int i = 0; i < 5; i++) {
            queue.add(CHECKED.check(MessageChainTest.message("fsc/v1/devices/DEV-1/readings", "m-" + i)));
        }
        GatewayBacklog backlog = new GatewayBacklog(new SimpleMeterRegistry());
        List<List<Parsed>> batches = new ArrayList<>();
        List<Boolean> behind = new ArrayList<>();
        for (List<Parsed> b = BatchWriter.nextBatch(queue, 2, 2, backlog); !b.isEmpty(); b = BatchWriter.nextBatch(queue, 2, 2, backlog)) {
            batches.add(b);
            behind.add(backlog.behind());
        }
        assertEquals(List.of(2, 2, 1), batches.stream().map(List::size).toList());
        assertEquals("m-4", new String(batches.get(2).get(0).message().payload()));
        // Full batches left others waiting: behind (GatewayBacklog); the last one took the rest, and
        // a poll that finds nothing means caught up.
        assertEquals(List.of(true, true, false), behind);
        assertEquals(2, backlog.fullBatches());
        assertFalse(backlog.behind());
    }

    @Test
    void aBatchAsLargeAsTheBrokersInFlightWindowIsFullThoughSmallerThanTheBatchSize() throws Exception {
        // With a receive maximum of 3 the broker never lets more than 3 wait: 3 taken means more may be at the broker.
        BlockingQueue<Parsed> queue = new ArrayBlockingQueue<>(10);
        for (int i = 0; i < 3; i++) {
            queue.add(CHECKED.check(MessageChainTest.message("fsc/v1/devices/DEV-1/readings", "w-" + i)));
        }
        GatewayBacklog backlog = new GatewayBacklog(new SimpleMeterRegistry());
        assertEquals(3, BatchWriter.nextBatch(queue, 500, 3, backlog).size());
        assertTrue(backlog.behind());
        assertTrue(BatchWriter.nextBatch(queue, 500, 3, backlog).isEmpty());
        assertFalse(backlog.behind(), "nothing waiting: caught up");
    }

    @Test
    void aBatchIsRetriedWhileTheDatabaseIsUnavailableBackingOff() throws Exception {
        int[] attempts = {0};
        StoreRetries retries = retries(new FakeStore(batch -> {
            if (attempts[0]++ < 3) {
                throw new SQLTransientConnectionException("down", "08001");
            }
            return accepted(batch);
        }));
        List<Outcome> outcomes = retries.store(batch("a", "b"));
        assertEquals(2, outcomes.size());
        assertEquals(List.of(100L, 200L, 400L), pauses);
    }

    @Test
    void aBatchTheDatabaseRefusesIsSplitSoOnlyTheOffendingMessageIsQuarantined() throws Exception {
        StoreRetries retries = retries(new FakeStore(batch -> {
            if (batch.stream().anyMatch(p -> new String(p.message().payload()).equals("bad"))) {
                throw new SQLException("value too long", "22001");
            }
            return accepted(batch);
        }));
        List<Outcome> outcomes = retries.store(batch("a", "bad", "c"));
        assertEquals(List.of(Outcome.Status.accepted, Outcome.Status.rejected, Outcome.Status.accepted),
                outcomes.stream().map(Outcome::status).toList());
        assertEquals(RejectionCode.STORE_REFUSED, outcomes.get(1).code());
        assertEquals("the database refused the message (22001); it is kept for an operator", outcomes.get(1).detail());
        assertEquals(List.of("bad"), quarantined);
        assertEquals(List.of(), pauses);
    }

    /** A fault of ours (a RuntimeException) is a refusal of the one message, not a batch left unacknowledged for good. */
    @Test
    void anUnexpectedFailureIsNarrowedToItsMessageWhichIsQuarantined() throws Exception {
        StoreRetries retries = retries(new FakeStore(batch -> {
            if (batch.stream().anyMatch(p -> new String(p.message().payload()).equals("odd"))) {
                throw new IllegalStateException("a bug");
            }
            return accepted(batch);
        }));
        List<Outcome> outcomes = retries.store(batch("a", "odd", "c"));
        assertEquals(List.of(Outcome.Status.accepted, Outcome.Status.rejected, Outcome.Status.accepted),
                outcomes.stream().map(Outcome::status).toList());
        assertEquals("the gateway could not store the message (an error of ours); it is kept for an operator", outcomes.get(1).detail());
        assertEquals(List.of("odd"), quarantined);
    }

    /** The photo store is retried as the database is, about 11 s, then the readings go on and the photo waits in quarantine. */
    @Test
    void aPhotoStoreThatStaysAwayHoldsUpOnlyThePhoto() throws Exception {
        StoreRetries retries = retries(new FakeStore(batch -> {
            if (batch.stream().anyMatch(p -> new String(p.message().payload()).equals("photo"))) {
                throw new StoreRetries.PhotoStoreUnavailable("blob store unavailable: 403", null);
            }
            return accepted(batch);
        }));
        List<Outcome> outcomes = retries.store(batch("a", "photo"));
        assertEquals(List.of(Outcome.Status.accepted, Outcome.Status.rejected), outcomes.stream().map(Outcome::status).toList());
        assertEquals("the photo store is unavailable; the message is kept for an operator to replay", outcomes.get(1).detail());
        assertEquals(List.of("photo"), quarantined);
        assertEquals(StoreRetries.PHOTO_STORE_ATTEMPTS - 1, pauses.size(), "the batch waits 8 tries; then the photo alone is tried once, not waited for again");
    }

    @Test
    void aRefusedMessageOverItsQuarantineQuotaIsAnsweredAsNotKept() throws Exception {
        FakeStore store = new FakeStore(batch -> {
            throw new SQLException("check violation", "23514");
        });
        store.keep = false;
        List<Outcome> outcomes = retries(store).store(batch("bad"));
        assertEquals(RejectionCode.QUARANTINE_QUOTA_EXCEEDED, outcomes.get(0).code());
    }

    @Test
    void stoppingGivesNoOutcomesSoNothingIsAcknowledged() throws Exception {
        StoreRetries retries = new StoreRetries(new FakeStore(StoreRetriesTest::accepted), () -> false, pauses::add);
        assertNull(retries.store(batch("a")));
    }

    @Test
    void aBatchWithARedValueCommitsThoseMessagesFirstInATransactionOfTheirOwn() throws Exception {
        List<List<String>> transactions = new ArrayList<>();
        StoreRetries retries = retries(new FakeStore(batch -> {
            transactions.add(ids(batch));
            return accepted(batch);
        }));
        List<Outcome> outcomes = retries.store(List.of(spo2("a", 96), spo2("red-1", 85), spo2("b", 95), spo2("red-2", 91)));
        assertEquals(List.of(List.of("red-1", "red-2"), List.of("a", "b")), transactions);
        assertEquals(4, outcomes.size(), "one outcome per message, the red ones' first");

        transactions.clear();
        retries.store(List.of(spo2("c", 96), spo2("d", 92)));
        retries.store(List.of(spo2("red-3", 80)));
        assertEquals(List.of(List.of("c", "d"), List.of("red-3")), transactions, "a batch of one kind stays one transaction");

        // An id used earlier in the batch keeps the order: the first message with it stays, the red one is refused as reused.
        transactions.clear();
        retries.store(List.of(spo2("e", 96), spo2("same", 95), spo2("same", 70), spo2("red-4", 88)));
        assertEquals(List.of(List.of("red-4"), List.of("e", "same", "same")), transactions);
    }

    @Test
    void stoppingAfterTheRedPartCommittedGivesNoOutcomesSoNothingIsAcknowledged() throws Exception {
        List<List<String>> transactions = new ArrayList<>();
        int[] asked = {0};
        StoreRetries retries = new StoreRetries(new FakeStore(batch -> {
            transactions.add(ids(batch));
            return accepted(batch);
        }), () -> asked[0]++ == 0, pauses::add);
        // The red part is committed but not acknowledged: the broker sends it again, and it is answered as a duplicate.
        assertNull(retries.store(List.of(spo2("a", 96), spo2("red", 85))));
        assertEquals(List.of(List.of("red")), transactions);
    }

    @Test
    void onlyAValidReadingAtARedLimitIsRed() {
        assertTrue(StoreRetries.red(spo2("r", 91)));
        assertFalse(StoreRetries.red(spo2("n", 92)));
        assertFalse(StoreRetries.red(CHECKED.check(MessageChainTest.message("fsc/v1/devices/DEV-1/readings", "{not json"))));
    }

    /** A reading as the gateway queues it: checked, its SpO2 decoded. */
    private static Parsed spo2(String messageId, double value) {
        return CHECKED.check(MessageChainTest.message("fsc/v1/devices/DEV-1/readings", MessageChainTest.reading(messageId, value)));
    }

    private static List<String> ids(List<Parsed> batch) {
        return batch.stream().map(p -> p.items().get(0).messageId()).toList();
    }

    @Test
    void whatIsWorthRetrying() {
        assertEquals(true, StoreRetries.isTransient(new SQLException("connection", "08006")));
        assertEquals(true, StoreRetries.isTransient(new SQLException("serialization", "40001")));
        assertEquals(true, StoreRetries.isTransient(new SQLException("no state")));
        assertEquals(false, StoreRetries.isTransient(new SQLException("unique", "23505")));
    }

    private StoreRetries retries(StoreRetries.Store store) {
        return new StoreRetries(store, () -> true, pauses::add);
    }

    private static List<Parsed> batch(String... payloads) {
        List<Parsed> batch = new ArrayList<>();
        for (String p : payloads) {
            batch.add(Parsed.of(MessageChainTest.message("fsc/v1/devices/DEV-1/readings", p), "DEV-1", null, List.of()));
        }
        return batch;
    }

    private static List<Outcome> accepted(List<Parsed> batch) {
        return batch.stream().map(p -> Outcome.accepted(p.deviceId(), new String(p.message().payload()), 1)).toList();
    }

    private interface Write {
        List<Outcome> write(List<Parsed> batch) throws SQLException;
    }

    private final class FakeStore implements StoreRetries.Store {
        private final Write write;
        boolean keep = true;

        FakeStore(Write write) {
            this.write = write;
        }

        @Override
        public List<Outcome> write(List<Parsed> batch) throws SQLException {
            return write.write(batch);
        }

        @Override
        public boolean quarantineRefused(Parsed message, String detail) {
            quarantined.add(new String(message.message().payload()));
            return keep;
        }
    }
}
