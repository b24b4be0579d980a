package dk.fsc.service.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.ingest.MqttIngest;
import dk.fsc.service.testing.Eventually;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The gateway acknowledges a message to the broker only after its batch committed. The tests
 * hold the gateway's insert on a table lock, then break the database connection or stop the
 * gateway before the commit, and check that the reading still ends up stored exactly once.
 */
class AckAfterCommitIT extends IntegrationTest {
    private static final String BLOCKED_INSERT = """
            SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO device_messages%'""";
    private final Fixtures fixtures = new Fixtures();

    @Test
    void aBatchWhoseDatabaseConnectionDiesIsRetriedAndStoredOnce() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        try (ApplicationContext gateway = startGateway("ack-a-" + runId);
             TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device);
             Connection lock = TestInfrastructure.database().connect()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE device_messages IN ACCESS EXCLUSIVE MODE");
            d.publishReading(GatewayIngestIT.reading("conn-dies", GatewayIngestIT.minutesAgo(1), GatewayIngestIT.pulse(77)));
            Eventually.await("the gateway's insert waits on the lock", Duration.ofSeconds(20), () -> fixtures.count(BLOCKED_INSERT) > 0);

            terminateBlockedInserts();
            lock.rollback();

            String reply = d.nextReply(Duration.ofSeconds(30));
            assertNotNull(reply, "no reply after the database came back");
            assertTrue(reply.contains("\"status\":\"accepted\""), reply);
        }
        assertEquals(1, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS, device));
    }

    @Test
    void aMessageNotCommittedWhenTheGatewayStopsIsRedeliveredToItsNextRun() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        String clientId = "ack-b-" + runId;
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            ApplicationContext first = startGateway(clientId);
            try (Connection lock = TestInfrastructure.database().connect()) {
                lock.setAutoCommit(false);
                lock.createStatement().execute("LOCK TABLE device_messages IN ACCESS EXCLUSIVE MODE");
                d.publishReading(GatewayIngestIT.reading("not-committed", GatewayIngestIT.minutesAgo(1), GatewayIngestIT.pulse(78)));
                Eventually.await("the gateway's insert waits on the lock", Duration.ofSeconds(20), () -> fixtures.count(BLOCKED_INSERT) > 0);

                CompletableFuture<Void> stopping = CompletableFuture.runAsync(first::close);
                while (!stopping.isDone()) {  // no commit can happen while we hold the lock
                    terminateBlockedInserts();
                    Thread.sleep(200);
                }
                stopping.get();
                lock.rollback();
            }
            assertEquals(0, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS, device), "nothing committed yet");

            try (ApplicationContext second = startGateway(clientId)) {
                String reply = d.nextReply(Duration.ofSeconds(30));
                assertNotNull(reply, () -> fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS, device) == 0
                        ? "the broker did not redeliver the unacknowledged message"
                        : "the redelivered message was stored but its reply was lost");
                assertTrue(reply.contains("\"status\":\"accepted\""), reply);
            }
        }
        assertEquals(1, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS, device));
    }

    /**
     * The backlog a resumed session delivers right after the gateway connects gets its replies:
     * the reply connection comes up beside the ingest connection, and a reply waits for it.
     */
    @Test
    void aBacklogQueuedWhileTheGatewayWasDownIsStoredAndEveryMessageAnswered() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        String clientId = "ack-c-" + runId;
        int backlog = 20;
        startGateway(clientId).close(); // the session and its subscription now wait at the broker
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            for (int i = 0; i < backlog; i++) {
                d.publishReading(GatewayIngestIT.reading("backlog-" + i, GatewayIngestIT.minutesAgo(backlog - i), GatewayIngestIT.pulse(70 + i)));
            }
            try (ApplicationContext gateway = startGateway(clientId)) {
                for (int i = 0; i < backlog; i++) {
                    String reply = d.nextReply(Duration.ofSeconds(30));
                    assertNotNull(reply, "reply " + (i + 1) + " of " + backlog + " missing; readings stored: "
                            + fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS, device));
                    assertTrue(reply.contains("\"status\":\"accepted\""), reply);
                }
            }
        }
        assertEquals(backlog, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS, device));
    }

    /**
     * A red value does not wait for the rest of its batch: its message commits first, in a
     * transaction of its own, and the batch is acknowledged and answered after both commits.
     */
    @Test
    void aRedReadingCommitsBeforeTheRestOfItsBatch() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        try (ApplicationContext gateway = startGateway("ack-d-" + runId);
             TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            try (Connection lock = TestInfrastructure.database().connect()) {
                lock.setAutoCommit(false);
                lock.createStatement().execute("LOCK TABLE device_messages IN ACCESS EXCLUSIVE MODE");
                d.publishReading(GatewayIngestIT.reading("first", GatewayIngestIT.minutesAgo(6), GatewayIngestIT.pulse(70)));
                Eventually.await("the gateway's insert waits on the lock", Duration.ofSeconds(20), () -> fixtures.count(BLOCKED_INSERT) > 0);
                // The next batch gathers while the first waits: normal readings with a red one among them.
                String[] next = {"before-1", "before-2", "red", "after-1"};
                for (int i = 0; i < next.length; i++) {
                    int pulse = next[i].equals("red") ? 140 : 71 + i;
                    d.publishReading(GatewayIngestIT.reading(next[i], GatewayIngestIT.minutesAgo(5 - i), GatewayIngestIT.pulse(pulse)));
                }
                MeterRegistry registry = gateway.getBean(MeterRegistry.class);
                Eventually.await("the next batch waits in the gateway", Duration.ofSeconds(20),
                        () -> registry.get("fsc.gateway.queue.depth").gauge().value() >= next.length);
                lock.rollback();
            }
            for (int i = 0; i < 5; i++) {
                String reply = d.nextReply(Duration.ofSeconds(30));
                assertNotNull(reply, "reply " + (i + 1) + " of 5 missing");
                assertTrue(reply.contains("\"status\":\"accepted\""), reply);
            }
        }
        // The transaction that wrote each reading: the red one its own, committed before the rest of its batch.
        Map<String, Long> transactionOf = new HashMap<>();
        for (String row : fixtures.strings("SELECT message_id || ' ' || xmin::text FROM " + Fixtures.DEVICE_READINGS, device)) {
            transactionOf.put(row.split(" ")[0], Long.parseLong(row.split(" ")[1]));
        }
        assertEquals(5, transactionOf.size(), transactionOf.toString());
        assertEquals(transactionOf.get("before-1"), transactionOf.get("before-2"), transactionOf.toString());
        assertEquals(transactionOf.get("before-1"), transactionOf.get("after-1"), transactionOf.toString());
        assertTrue(transactionOf.get("first") < transactionOf.get("red") && transactionOf.get("red") < transactionOf.get("before-1"),
                "the red reading's transaction between the first batch's and the rest of its own: " + transactionOf);
    }

    private ApplicationContext startGateway(String clientId) throws InterruptedException {
        Map<String, Object> properties = new HashMap<>(getProperties());
        properties.put("fsc.gateway.client-id", "fsc-test-" + clientId);
        properties.put("fsc.gateway.share-group", "fsc-test-" + clientId);
        ApplicationContext context = ApplicationContext.run(properties);
        MqttIngest ingest = context.getBean(MqttIngest.class);
        Eventually.await("the gateway connects", Duration.ofSeconds(20), ingest::isConnected);
        Thread.sleep(300); // the subscription follows the connection
        return context;
    }

    private static void terminateBlockedInserts() throws SQLException {
        try (Connection c = TestInfrastructure.database().connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO device_messages%'");
        }
    }
}
