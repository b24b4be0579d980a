package dk.fsc.tools.bench;

import dk.fsc.service.platform.mqtt.MqttMessageCallback;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * The machine's bare ceiling: the least a consumer with the same guarantee must do. A Paho client
 * with manual acknowledgements takes the device messages, one thread writes them with
 * {@code COPY} (topic and payload as text, one transaction per batch) and acknowledges each
 * message after its batch committed. No parsing, no checks, no idempotency, no replies.
 */
final class BareCeiling implements AutoCloseable {
    private record Received(String topic, byte[] payload, int id) {
    }

    private final MqttAsyncClient client;
    private final BlockingQueue<Received> queue = new ArrayBlockingQueue<>(4000);
    private final Connection db;
    private final Thread writer;
    private final AtomicLong committed = new AtomicLong();
    private volatile long lastCommitNanos;
    private volatile boolean running = true;
    private volatile Exception failure;

    BareCeiling(String brokerUrl, String jdbcUrl, String dbUser, String dbPassword) throws MqttException, SQLException {
        db = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
        try (Statement s = db.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_bare_ceiling");
            s.execute("CREATE TABLE bench_bare_ceiling (topic text NOT NULL, payload text NOT NULL, received_at timestamptz NOT NULL DEFAULT now())");
        }
        db.setAutoCommit(false);
        client = new MqttAsyncClient(brokerUrl, "fsc-bench-bare", new MemoryPersistence());
        client.setManualAcks(true);
        client.setCallback((MqttMessageCallback) this::arrived);
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setReceiveMaximum(2000);
        client.connect(o).waitForCompletion(10_000);
        client.subscribe("fsc/v1/devices/+/readings", 1).waitForCompletion(10_000);
        writer = new Thread(this::write, "bench-bare-writer");
        writer.start();
    }

    long committed() {
        return committed.get();
    }

    long lastCommitNanos() {
        return lastCommitNanos;
    }

    private void write() {
        List<Received> batch = new ArrayList<>(2000);
        StringBuilder rows = new StringBuilder(1 << 20);
        try {
            var copy = db.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            while (running) {
                Received first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.clear();
                batch.add(first);
                queue.drainTo(batch, 1999);
                rows.setLength(0);
                for (Received r : batch) {
                    rows.append(escape(r.topic())).append('\t').append(escape(new String(r.payload(), StandardCharsets.UTF_8))).append('\n');
                }
                copy.copyIn("COPY bench_bare_ceiling (topic, payload) FROM STDIN", new StringReader(rows.toString()));
                db.commit();
                for (Received r : batch) {
                    client.messageArrivedComplete(r.id(), 1);
                }
                committed.addAndGet(batch.size());
                lastCommitNanos = System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | IOException | MqttException e) {
            failure = e;
        }
    }

    Exception failure() {
        return failure;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    /** Paho's callback thread; waits while the writer is behind, so Paho stops reading and the broker holds the rest. */
    private void arrived(String topic, MqttMessage message) {
        try {
            queue.put(new Received(topic, message.getPayload(), message.getId()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        writer.join(10_000);
        client.disconnect().waitForCompletion(5_000);
        client.close();
        try (Statement s = db.createStatement()) {
            db.setAutoCommit(true);
            s.execute("DROP TABLE IF EXISTS bench_bare_ceiling");
        }
        db.close();
    }
}
