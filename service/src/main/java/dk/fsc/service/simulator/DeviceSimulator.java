package dk.fsc.service.simulator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a {@link SimulatedFleet} against an MQTT broker, QoS 1, the way device firmware must: a
 * message counts as sent when the broker acknowledged it (PUBACK); anything else is sent again
 * with the same messageId once the connection is back. Each acknowledged message gets one line in
 * the log ({@link SimulatorLog}), which the checks reconcile against the database.
 *
 * <p>Per patient: a baseline and a daily rhythm; a share of patients deteriorates at some point
 * of the run and stays red from then on (an alert is due); a share of devices starts offline with
 * a day of readings stored and sends them, plus what it measured while offline, in one burst when
 * it comes back; a share of messages is malformed or refused; cameras send a few wound photos;
 * devices send status reports now and then. The devices are split over {@code connections}
 * publishing connections (one thread each), at {@code rate} messages per second in all or as fast
 * as the broker takes them (rate 0).
 */
public final class DeviceSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceSimulator.class);

    /** How the fleet behaves; {@link #defaults()} are the demo's. */
    public record Options(String brokerUrl, String username, String password, double rate, long messages, Duration duration,
                          int connections, double badShare, double photoShare, double statusShare, double deteriorationShare,
                          double backlogShare, int backlogReadings, int window, Path log, long seed) {

        public static Options defaults(String brokerUrl) {
            return new Options(brokerUrl, null, null, 10, 0, null, 1, 0.01, 0.002, 0.01, 0.05, 0.05, 24, 500, null,
                    System.nanoTime());
        }

        public Options withCredentials(String user, String pass) {
            return new Options(brokerUrl, user, pass, rate, messages, duration, connections, badShare, photoShare, statusShare,
                    deteriorationShare, backlogShare, backlogReadings, window, log, seed);
        }

        public Options withLoad(double messagesPerSecond, long total, Duration runFor, int lanes) {
            return new Options(brokerUrl, username, password, messagesPerSecond, total, runFor, lanes, badShare, photoShare,
                    statusShare, deteriorationShare, backlogShare, backlogReadings, window, log, seed);
        }

        public Options withShares(double bad, double photos, double status, double deteriorating, double backlog) {
            return new Options(brokerUrl, username, password, rate, messages, duration, connections, bad, photos, status,
                    deteriorating, backlog, backlogReadings, window, log, seed);
        }

        public Options withLog(Path file) {
            return new Options(brokerUrl, username, password, rate, messages, duration, connections, badShare, photoShare,
                    statusShare, deteriorationShare, backlogShare, backlogReadings, window, file, seed);
        }

        public Options withSeed(long newSeed) {
            return new Options(brokerUrl, username, password, rate, messages, duration, connections, badShare, photoShare,
                    statusShare, deteriorationShare, backlogShare, backlogReadings, window, log, newSeed);
        }

        public Options withWindow(int messagesInFlight) {
            return new Options(brokerUrl, username, password, rate, messages, duration, connections, badShare, photoShare,
                    statusShare, deteriorationShare, backlogShare, backlogReadings, messagesInFlight, log, seed);
        }
    }

    private final Options options;
    private final List<Lane> lanes = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final BufferedWriter log;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong brokerRefused = new AtomicLong();
    private final long startedNanos = System.nanoTime();
    private volatile boolean running = true;
    private volatile long finishedNanos;
    private boolean closed;
    private boolean logClosed;
    private long lastFlushNanos = System.nanoTime();

    public DeviceSimulator(SimulatedFleet fleet, Options options) throws IOException {
        this.options = options;
        this.log = options.log() == null ? null : Files.newBufferedWriter(options.log(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (log != null && Files.size(options.log()) == 0) {
            log.write(SimulatorLog.HEADER);
            log.newLine();
        }
        String tag = Long.toString(System.currentTimeMillis(), 36);
        Map<Integer, Messages.Baseline> baselines = new HashMap<>();
        Map<Integer, Double> deteriorateAt = new HashMap<>();
        List<List<DeviceState>> perLane = new ArrayList<>();
        int laneCount = Math.max(1, Math.min(options.connections(), fleet.devices().size()));
        for (int i = 0; i < laneCount; i++) {
            perLane.add(new ArrayList<>());
        }
        Random setup = new Random(options.seed());
        for (int i = 0; i < fleet.devices().size(); i++) {
            SimulatedFleet.Device d = fleet.devices().get(i);
            Random patient = new Random(mix(options.seed(), d.patientNumber()));
            Messages.Baseline baseline = baselines.computeIfAbsent(d.patientNumber(), n -> Messages.Baseline.draw(patient));
            double worse = deteriorateAt.computeIfAbsent(d.patientNumber(),
                    n -> patient.nextDouble() < options.deteriorationShare() ? 0.1 + 0.7 * patient.nextDouble() : Double.MAX_VALUE);
            double online = setup.nextDouble() < options.backlogShare() && d.type() != Kit.Type.CAMERA ? 0.05 + 0.55 * setup.nextDouble() : 0;
            perLane.get(i % laneCount).add(new DeviceState(d, baseline, worse, online, d.id() + "-" + tag + "-"));
        }
        for (int i = 0; i < laneCount; i++) {
            lanes.add(new Lane(i, perLane.get(i), tag, laneCount));
        }
    }

    /** Starts publishing; returns at once. */
    public DeviceSimulator start() {
        for (Lane lane : lanes) {
            Thread t = new Thread(lane, "simulator-" + lane.index);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return this;
    }

    /** Waits until every lane has sent its share (or {@link #close} stopped them). */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            t.join(Math.max(1, left / 1_000_000));
            if (t.isAlive()) {
                return false;
            }
        }
        if (finishedNanos == 0) {
            finishedNanos = System.nanoTime();
        }
        flushLog();
        return true;
    }

    /** Messages the broker has acknowledged so far. */
    public long sent() {
        return sent.get();
    }

    /** Messages sent again because no acknowledgement came (connection lost). */
    public long resent() {
        return resent.get();
    }

    /** Messages the broker acknowledged with a failure reason code (not authorised, say): not sent, not logged. */
    public long refusedByBroker() {
        return brokerRefused.get();
    }

    /** Seconds from start to the last acknowledgement (or to now while running). */
    public double seconds() {
        long end = finishedNanos == 0 ? System.nanoTime() : finishedNanos;
        return (end - startedNanos) / 1e9;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        for (Thread t : threads) {
            try {
                t.join(20_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Lane lane : lanes) {
            lane.disconnect();
        }
        flushLog();
        if (log != null) {
            logClosed = true;
            try {
                log.close();
            } catch (IOException e) {
                LOG.warn("Closing the simulator log: {}", e.getMessage());
            }
        }
    }

    private synchronized void logAcknowledged(List<Messages.Message> window) {
        if (log == null || logClosed) {
            return; // a lane still waiting for acknowledgements when close() gave up on it
        }
        try {
            for (Messages.Message m : window) {
                log.write(m.logLine());
                log.newLine();
            }
            if (System.nanoTime() - lastFlushNanos > 1_000_000_000L) {
                log.flush(); // whole lines for whoever reads the log while the simulator runs
                lastFlushNanos = System.nanoTime();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the simulator log " + options.log(), e);
        }
    }

    private synchronized void flushLog() {
        if (log != null && !logClosed) {
            try {
                log.flush();
            } catch (IOException e) {
                LOG.warn("Flushing the simulator log: {}", e.getMessage());
            }
        }
    }

    private static final class DeviceState {
        final SimulatedFleet.Device device;
        final Messages.Baseline baseline;
        final double deteriorateAt;
        final double onlineAt;
        final String idPrefix;
        final ArrayDeque<Messages.Message> stored = new ArrayDeque<>();
        long next;

        DeviceState(SimulatedFleet.Device device, Messages.Baseline baseline, double deteriorateAt, double onlineAt, String idPrefix) {
            this.device = device;
            this.baseline = baseline;
            this.deteriorateAt = deteriorateAt;
            this.onlineAt = onlineAt;
            this.idPrefix = idPrefix;
        }

        String nextId() {
            return idPrefix + next++;
        }
    }

    /** One publishing connection and the devices it carries. */
    private final class Lane implements Runnable {
        final int index;
        final List<DeviceState> devices;
        final Random random;
        final MqttAsyncClient client;
        final MqttConnectionOptions connect = new MqttConnectionOptions();
        final long quota;
        final double rate;
        final long deadline;
        final ArrayDeque<Messages.Message> pending = new ArrayDeque<>();
        final double photoChance;
        long turns;
        long laneSent;
        int cursor;

        Lane(int index, List<DeviceState> devices, String tag, int laneCount) throws IOException {
            this.index = index;
            this.devices = devices;
            this.random = new Random(mix(options.seed(), -1 - index));
            this.quota = options.messages() > 0 ? options.messages() / laneCount + (index < options.messages() % laneCount ? 1 : 0)
                    : Long.MAX_VALUE;
            this.rate = options.rate() / laneCount;
            this.deadline = options.duration() == null ? Long.MAX_VALUE : System.nanoTime() + options.duration().toNanos();
            long cameras = devices.stream().filter(d -> d.device.type() == Kit.Type.CAMERA).count();
            this.photoChance = cameras == 0 ? 0 : Math.min(1, options.photoShare() * devices.size() / cameras);
            try {
                this.client = new MqttAsyncClient(options.brokerUrl(), "fsc-sim-" + tag + "-" + index, new MemoryPersistence());
            } catch (MqttException e) {
                throw new IOException("broker address " + options.brokerUrl() + ": " + e.getMessage(), e);
            }
            connect.setCleanStart(true);
            connect.setConnectionTimeout(5);
            connect.setKeepAliveInterval(30);
            if (options.username() != null) {
                connect.setUserName(options.username());
                connect.setPassword(options.password() == null ? new byte[0] : options.password().getBytes(StandardCharsets.UTF_8));
            }
            Instant now = Instant.now();
            for (DeviceState d : devices) {
                if (d.onlineAt > 0) {
                    for (int h = options.backlogReadings(); h >= 1; h--) {
                        d.stored.add(Messages.reading(d.device, d.nextId(), now.minus(Duration.ofMinutes(60L * h)), d.baseline, false, random));
                    }
                }
            }
        }

        /** Share of this lane's run done: by turns (also the offline devices' ones) or, when endless, by time (10 min). */
        double progress() {
            if (quota != Long.MAX_VALUE) {
                return (double) turns / quota;
            }
            if (deadline != Long.MAX_VALUE) {
                return 1 - Math.max(0, deadline - System.nanoTime()) / (double) options.duration().toNanos();
            }
            return Math.min(1, (System.nanoTime() - startedNanos) / 600e9);
        }

        Messages.Message next() {
            while (true) {
                if (!pending.isEmpty()) {
                    return pending.poll();
                }
                DeviceState d = devices.get(cursor++ % devices.size());
                turns++;
                double p = progress();
                Instant now = Instant.now();
                Messages.Message m;
                if (d.device.type() == Kit.Type.CAMERA) {
                    if (random.nextDouble() >= photoChance) {
                        continue;
                    }
                    m = Messages.photo(d.device, d.nextId(), now, random);
                } else {
                    double x = random.nextDouble();
                    if (x < options.badShare()) {
                        m = Messages.bad(d.device, d.nextId(), now, random);
                    } else if (x < options.badShare() + options.statusShare()) {
                        m = Messages.status(d.device, d.nextId(), now, random);
                    } else {
                        m = Messages.reading(d.device, d.nextId(), now, d.baseline, p >= d.deteriorateAt, random);
                    }
                }
                if (p < d.onlineAt) {
                    d.stored.add(m); // offline: measured and kept on the device
                    continue;
                }
                if (!d.stored.isEmpty()) {
                    pending.addAll(d.stored); // back online: the backlog first, in order
                    d.stored.clear();
                    pending.add(m);
                    continue;
                }
                return m;
            }
        }

        @Override
        public void run() {
            try {
                long start = System.nanoTime();
                while (running && laneSent < quota && System.nanoTime() < deadline) {
                    int size = (int) Math.min(options.window(), quota - laneSent);
                    if (rate > 0) {
                        size = (int) Math.max(1, Math.min(size, rate / 10));
                    }
                    List<Messages.Message> window = new ArrayList<>(size);
                    for (int i = 0; i < size; i++) {
                        window.add(next());
                    }
                    if (rate > 0) {
                        long due = start + (long) ((laneSent + window.size()) * 1e9 / rate);
                        while (running && System.nanoTime() < due) {
                            LockSupport.parkNanos(Math.min(due - System.nanoTime(), 100_000_000L));
                        }
                    }
                    sendUntilAcknowledged(window);
                }
                // What offline devices still hold is sent at the end, as when they come back.
                List<Messages.Message> rest = new ArrayList<>(pending);
                for (DeviceState d : devices) {
                    rest.addAll(d.stored);
                    d.stored.clear();
                }
                for (int i = 0; running && i < rest.size(); i += options.window()) {
                    sendUntilAcknowledged(rest.subList(i, Math.min(rest.size(), i + options.window())));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("Simulator lane {} stopped", index, e);
            }
        }

        void sendUntilAcknowledged(List<Messages.Message> window) throws InterruptedException {
            List<Messages.Message> todo = window;
            List<Messages.Message> refused = new ArrayList<>();
            boolean first = true;
            while (!todo.isEmpty() && running) {
                if (!first) {
                    resent.addAndGet(todo.size());
                    Thread.sleep(200);
                }
                first = false;
                todo = sendOnce(todo, refused);
            }
            if (todo.isEmpty()) {
                // Refused by the broker: never reached the system, so not in the log (and counted).
                List<Messages.Message> delivered = new ArrayList<>(window);
                delivered.removeAll(refused);
                logAcknowledged(delivered);
                laneSent += window.size();
                sent.addAndGet(delivered.size());
                if (!refused.isEmpty() && brokerRefused.getAndAdd(refused.size()) == 0) {
                    LOG.warn("The broker refused messages on {} (PUBACK with a failure reason code): check the simulator account's rights",
                            refused.get(0).topic());
                }
            }
        }

        /** Publishes the window and returns what the broker did not acknowledge. */
        List<Messages.Message> sendOnce(List<Messages.Message> window, List<Messages.Message> refused) throws InterruptedException {
            if (!ensureConnected()) {
                return window;
            }
            List<IMqttToken> tokens = new ArrayList<>(window.size());
            int waited = 0;
            for (Messages.Message m : window) {
                IMqttToken token = null;
                while (token == null) {
                    try {
                        token = client.publish(m.topic(), m.payload(), 1, false);
                    } catch (MqttException e) {
                        if (e.getReasonCode() != 32202 || !client.isConnected()) {
                            break;
                        }
                        // the broker's in-flight window is full: wait for the oldest, as a device would
                        if (waited < tokens.size()) {
                            waitQuietly(tokens.get(waited++));
                        } else {
                            Thread.sleep(1); // acknowledged, but Paho has not freed the slot yet
                        }
                    }
                }
                tokens.add(token);
            }
            List<Messages.Message> failed = new ArrayList<>();
            for (int i = 0; i < window.size(); i++) {
                IMqttToken token = tokens.get(i);
                if (token == null || !waitQuietly(token)) {
                    failed.add(window.get(i));
                } else if (refusedByBroker(token)) {
                    refused.add(window.get(i));
                }
            }
            return failed;
        }

        /** A PUBACK with a reason code of 0x80 or more: the broker took the message and dropped it (not authorised, say). */
        boolean refusedByBroker(IMqttToken token) {
            int[] codes = token.getReasonCodes();
            return codes != null && codes.length > 0 && codes[0] >= 0x80;
        }

        boolean waitQuietly(IMqttToken token) {
            if (token == null) {
                return false;
            }
            try {
                token.waitForCompletion(30_000);
                return token.isComplete() && token.getException() == null;
            } catch (MqttException e) {
                return false;
            }
        }

        boolean ensureConnected() throws InterruptedException {
            while (running && !client.isConnected()) {
                try {
                    client.connect(connect).waitForCompletion(10_000);
                } catch (MqttException e) {
                    LOG.debug("Simulator lane {} cannot connect yet: {}", index, e.getMessage());
                    Thread.sleep(250);
                }
            }
            return client.isConnected();
        }

        void disconnect() {
            try {
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion(5_000);
                }
                client.close();
            } catch (MqttException e) {
                LOG.debug("Simulator lane {} disconnect: {}", index, e.getMessage());
            }
        }
    }

    /**
     * A seed for the n-th patient or lane (SplitMix64's finaliser): java.util.Random's first draws
     * from neighbouring seeds are alike, which made most patients deteriorate together.
     */
    static long mix(long seed, long n) {
        long z = seed + (n + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
