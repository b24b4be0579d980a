package dk.fsc.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dk.fsc.service.simulator.Kit;
import dk.fsc.service.simulator.Messages;
import dk.fsc.service.simulator.SimulatedFleet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fleet phase (issue #19): simulated devices, each with its own MQTT connection, account and
 * rhythm, against a Mosquitto with accounts (a password per device) and the production ACL
 * (ops/mosquitto/fsc-acl), with the system's gateway on its own account. Every device is one of a
 * COPD kit (oximeter: SpO2 with pulse; blood pressure with pulse; thermometer; scale; spirometer;
 * questionnaire tablet; wound camera) and measures as often a simulated day as such a device does,
 * with a day compressed to {@code daySeconds}; each device also sends a status report about once a
 * day. Like firmware, a device keeps each message until its reply comes and publishes it again
 * (same messageId) when none came in {@link #RESEND_AFTER}, waiting twice as long after each time it
 * sent again, up to {@link #RESEND_AT_MOST} (so a backlog the system is working through is not
 * offered again and again; docs/mqtt.md asks firmware to back off likewise).
 *
 * <p>Per fleet size: the time to connect every device; then {@code seconds} of steady sending:
 * messages and observations per second answered, and the acknowledgement latency (publish to the
 * gateway's reply, which comes after the commit) p50/p99; then the time until every message is
 * answered, and a reconciliation against the database (every reading message answered
 * accepted or duplicate is stored once, with all its observations, and nothing more). With
 * {@code storm}, the broker is restarted in the middle of the sending: every device reconnects
 * with back-off and sends what it kept; the time until all are connected again and until all that
 * was kept is answered.
 */
public final class FleetPhase implements AutoCloseable {
    static final Duration RESEND_AFTER = Duration.ofSeconds(20);
    static final Duration RESEND_AT_MOST = Duration.ofSeconds(160);
    /** The figure (after the run's name) that counts what went wrong: rejected, unanswered, missing or extra in the database. */
    public static final String ERRORS = ": errors (rejected, unanswered, missing or extra in the database)";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GATEWAY_ACCOUNT = "fsc-gateway";

    private final String jdbc;
    private final List<Device> devices = new ArrayList<>();
    private final BenchProcesses.Broker broker;
    private final String gatewayPassword;
    private final String runId = "fleet-" + Long.toString(System.currentTimeMillis(), 36);
    /** The message ids' prefix of the current run, to tell its rows in the database. */
    private volatile String runTag = runId;
    private int runs;
    private final AtomicLong messageCounter = new AtomicLong();
    private final AtomicInteger connected = new AtomicInteger();
    private volatile Tally tally = new Tally();

    /** Registers (or finds) {@code maxDevices} devices and starts the fleet's broker with an account for each. */
    public FleetPhase(String jdbc, Path folder, int maxDevices) throws Exception {
        this.jdbc = jdbc;
        Files.createDirectories(folder);
        long started = System.nanoTime();
        SimulatedFleet fleet = SimulatedFleet.create(jdbc, null, null, "bench-fleet", Kit.named("copd", true), maxDevices, null);
        inTheProgramme(jdbc, fleet);
        SecureRandom random = new SecureRandom();
        StringBuilder passwords = new StringBuilder();
        gatewayPassword = secret(random);
        passwords.append(GATEWAY_ACCOUNT).append(':').append(gatewayPassword).append('\n');
        for (SimulatedFleet.Device d : fleet.devices()) {
            Device device = new Device(d, secret(random), new Random(random.nextLong()));
            devices.add(device);
            passwords.append(d.id()).append(':').append(device.password).append('\n');
        }
        // Generated for this run only, hashed by mosquitto_passwd as an operator would.
        Path passwordFile = folder.resolve("passwords");
        Files.writeString(passwordFile, passwords);
        Process hash = new ProcessBuilder("mosquitto_passwd", "-U", passwordFile.toString()).redirectErrorStream(true)
                .redirectOutput(folder.resolve("mosquitto_passwd.out").toFile()).start();
        if (!hash.waitFor(5, TimeUnit.MINUTES) || hash.exitValue() != 0) {
            throw new IOException("mosquitto_passwd -U failed; see " + folder.resolve("mosquitto_passwd.out"));
        }
        broker = new BenchProcesses.Broker(folder.resolve("mosquitto"), passwordFile, acl());
        Benchmark.say(String.format(Locale.ROOT, "  fleet: %,d devices registered with accounts in %.0f s", maxDevices,
                (System.nanoTime() - started) / 1e9));
    }

    /**
     * The kits' patients are in the COPD programme, as a region's are: monitoring settings since
     * their loans began (which the evaluation reads, for one the CAT baseline's start), schedule
     * {@code none} (missing measurements are not this phase's business).
     */
    private static void inTheProgramme(String jdbc, SimulatedFleet fleet) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc);
             PreparedStatement s = c.prepareStatement("""
                     INSERT INTO patient_monitoring (patient_id, schedule, started_at, updated_by)
                     SELECT patient_id, 'none', min(starts_at), 'benchmark' FROM loans WHERE organisation_id = ? GROUP BY patient_id
                     ON CONFLICT (patient_id) DO NOTHING""")) {
            s.setString(1, fleet.organisation());
            s.executeUpdate();
        }
    }

    private static String secret(SecureRandom random) {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The production ACL, from the repository (the benchmark runs from its root, the tools' tests from tools/). */
    private static Path acl() throws IOException {
        for (Path root : List.of(Path.of(""), Path.of(".."))) {
            Path acl = root.resolve("ops/mosquitto/fsc-acl").toAbsolutePath().normalize();
            if (Files.isRegularFile(acl)) {
                return acl;
            }
        }
        throw new IOException("no ops/mosquitto/fsc-acl here or one folder up: run the benchmark from the repository's root (bin/benchmark)");
    }

    long brokerPid() {
        Process p = broker.process;
        return p == null || !p.isAlive() ? -1 : p.pid();
    }

    /** What the system (or a gateway) needs to reach the fleet's broker: its gateway's account. */
    public Map<String, String> systemEnvironment() {
        return Map.of("FSC_MQTT_URL", broker.url(), "FSC_MQTT_USERNAME", GATEWAY_ACCOUNT, "FSC_MQTT_PASSWORD", gatewayPassword);
    }

    /** One simulated device: its account, its client, what it sent and has no reply for yet. */
    private final class Device {
        final SimulatedFleet.Device d;
        final String password;
        final Random random;
        final Messages.Baseline baseline;
        final Map<String, Pending> pending = new ConcurrentHashMap<>();
        volatile Mqtt5AsyncClient client;
        volatile boolean up;

        Device(SimulatedFleet.Device d, String password, Random random) {
            this.d = d;
            this.password = password;
            this.random = random;
            this.baseline = Messages.Baseline.draw(random);
        }

        /** How many times a simulated day this device measures (a camera: a wound photo every few days). */
        double perDay() {
            return switch (d.type()) {
                case PULSE_OXIMETER -> 3;
                case BLOOD_PRESSURE, THERMOMETER -> 2;
                case CAMERA -> 0.3;
                default -> 1;
            };
        }

        CompletableFuture<?> connect() {
            Mqtt5AsyncClient c = MqttClient.builder().useMqttVersion5()
                    .identifier(d.id())
                    .serverHost("127.0.0.1").serverPort(broker.port)
                    .simpleAuth().username(d.id()).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                    .automaticReconnect().initialDelay(500, TimeUnit.MILLISECONDS).maxDelay(20, TimeUnit.SECONDS).applyAutomaticReconnect()
                    .addConnectedListener(ctx -> {
                        up = true;
                        connected.incrementAndGet();
                    })
                    .addDisconnectedListener(ctx -> {
                        if (up) {
                            up = false;
                            connected.decrementAndGet();
                        }
                    })
                    .buildAsync();
            client = c;
            c.publishes(MqttGlobalPublishFilter.ALL, this::reply);
            // A session the broker keeps (and persists) for an hour: replies sent while the device reconnects wait for it.
            return c.connectWith().cleanStart(false).sessionExpiryInterval(3600).keepAlive(60).send()
                    .thenCompose(ack -> c.subscribeWith().topicFilter("fsc/v1/devices/" + d.id() + "/replies").qos(MqttQos.AT_LEAST_ONCE).send());
        }

        void send(long now) {
            String id = runTag + "-" + messageCounter.incrementAndGet();
            Instant at = Instant.now().minusSeconds(1);
            Messages.Message m;
            if (random.nextDouble() < 1 / (perDay() + 1)) {
                m = Messages.status(d, id, at, random);
            } else if (d.type() == Kit.Type.CAMERA) {
                m = Messages.photo(d, id, at, random);
            } else {
                m = Messages.reading(d, id, at, baseline, false, random);
            }
            Pending p = new Pending(m, now, now, RESEND_AFTER.toNanos());
            pending.put(id, p);
            tally.sent.incrementAndGet();
            publish(p);
        }

        void publish(Pending p) {
            // Not waited for: a message not taken stays in pending and is sent again when no reply comes.
            client.publishWith().topic(p.message().topic()).qos(MqttQos.AT_LEAST_ONCE).payload(p.message().payload()).send();
        }

        void reply(Mqtt5Publish publish) {
            long now = System.nanoTime();
            JsonNode reply;
            try {
                reply = JSON.readTree(publish.getPayloadAsBytes());
            } catch (IOException e) {
                tally.errors.incrementAndGet();
                return;
            }
            Pending p = pending.remove(reply.path("messageId").asText(""));
            if (p == null) {
                return; // a second reply (to a message sent again): already counted
            }
            Tally t = tally;
            String status = reply.path("status").asText();
            if (status.equals("accepted") || status.equals("duplicate")) {
                t.answered(now - p.firstSent(), p.message());
            } else {
                t.errors.incrementAndGet();
                if (t.firstError == null) {
                    t.firstError = d.id() + ": " + reply;
                }
            }
        }

        void resendOverdue(long now) {
            if (!up) {
                return;
            }
            for (Map.Entry<String, Pending> e : pending.entrySet()) {
                Pending p = e.getValue();
                if (now - p.lastSent() > p.waitNanos()) {
                    Pending again = new Pending(p.message(), p.firstSent(), now, Math.min(2 * p.waitNanos(), RESEND_AT_MOST.toNanos()));
                    if (pending.replace(e.getKey(), p, again)) {
                        tally.resent.incrementAndGet();
                        publish(again);
                    }
                }
            }
        }

        void disconnect() {
            Mqtt5AsyncClient c = client;
            if (c != null) {
                c.disconnect().exceptionally(e -> null).join();
            }
        }
    }

    /** A message waiting for its reply; sent again when none came {@code waitNanos} after it was last sent. */
    private record Pending(Messages.Message message, long firstSent, long lastSent, long waitNanos) {
    }

    /** What one stretch of the phase counted. */
    private static final class Tally {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong answered = new AtomicLong();
        final AtomicLong observations = new AtomicLong();
        final AtomicLong readingMessages = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong resent = new AtomicLong();
        final List<Long> latencies = new ArrayList<>();
        final Map<String, Integer> observationsByReading = new ConcurrentHashMap<>();
        volatile String firstError;

        void answered(long latencyNanos, Messages.Message m) {
            answered.incrementAndGet();
            if (m.kind().equals("reading")) {
                readingMessages.incrementAndGet();
                observations.addAndGet(m.observations());
                observationsByReading.put(m.messageId(), m.observations());
            }
            synchronized (latencies) {
                latencies.add(latencyNanos);
            }
        }

        double percentileMs(double p) {
            synchronized (latencies) {
                if (latencies.isEmpty()) {
                    return Double.NaN;
                }
                long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
            }
        }
    }

    /**
     * One run at {@code size} devices (the first of those registered): connect, send for
     * {@code seconds} (restarting the broker a third into it with {@code storm}), wait for every reply,
     * reconcile. Figures are named with the size.
     */
    public Map<String, Object> run(int size, int seconds, double daySeconds, boolean storm) throws Exception {
        try (ProcessStats stats = new ProcessStats()) {
            stats.watch("fleet broker", () -> brokerPid() < 0 ? List.of() : List.of(brokerPid()));
            return run(size, seconds, daySeconds, storm, stats);
        }
    }

    /** What the figures of a run at {@code size} devices are named with. */
    static String name(int size, boolean storm) {
        return String.format(Locale.ROOT, "fleet %,d%s", size, storm ? " with a broker restart" : "");
    }

    Map<String, Object> run(int size, int seconds, double daySeconds, boolean storm, ProcessStats stats) throws Exception {
        List<Device> fleet = devices.subList(0, size);
        runTag = runId + "-" + ++runs;
        Map<String, Object> results = new LinkedHashMap<>();
        String name = name(size, storm);
        Benchmark.say(String.format(Locale.ROOT, "Fleet: %,d devices, each with its own connection and account; a day lasts %.0f s ...",
                size, daySeconds));
        long t0 = System.nanoTime();
        Semaphore connecting = new Semaphore(500); // at most 500 connections being set up at once, as devices switched on over minutes
        List<CompletableFuture<?>> connects = new ArrayList<>();
        for (Device d : fleet) {
            connecting.acquire();
            connects.add(d.connect().whenComplete((r, e) -> connecting.release()));
        }
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        results.put(name + ": time to connect every device (s)", round1(connectSeconds));
        Benchmark.say(String.format(Locale.ROOT, "  %,d connected in %.1f s", connected.get(), connectSeconds));

        Tally steady = new Tally();
        tally = steady;
        stats.begin();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        PriorityQueue<long[]> schedule = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 0; i < fleet.size(); i++) {
            Device d = fleet.get(i);
            schedule.add(new long[] {start + (long) (d.random.nextDouble() * daySeconds / d.perDay() * 1e9), i});
        }
        long stormAt = storm ? start + (end - start) / 3 : Long.MAX_VALUE; // a third into the sending
        CompletableFuture<Long> restart = null;
        StormClock clock = null;
        long outageStart = 0;
        long lastResendCheck = start;
        long lastReport = start;
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            while (!schedule.isEmpty() && schedule.peek()[0] <= now) {
                long[] next = schedule.poll();
                Device d = fleet.get((int) next[1]);
                d.send(now);
                double meanGap = daySeconds / d.perDay() * 1e9;
                next[0] = now + (long) (-Math.log(1 - d.random.nextDouble()) * meanGap);
                schedule.add(next);
            }
            if (now >= stormAt) {
                // Restarted beside the sending: devices go on measuring while it is down and keep what they cannot send.
                stormAt = Long.MAX_VALUE;
                outageStart = now;
                restart = CompletableFuture.supplyAsync(() -> {
                    try {
                        Benchmark.say("  storm: restarting the broker (every device and the gateway lose their connection) ...");
                        broker.close();
                        Thread.sleep(5000);
                        broker.start();
                        return System.nanoTime();
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException("the broker did not start again", e);
                    }
                });
            }
            if (restart != null && clock == null && restart.isDone()) {
                clock = new StormClock(restart.join(), size);
                Benchmark.say(String.format(Locale.ROOT, "  storm: broker back after %.1f s; devices reconnecting with back-off",
                        (clock.back - outageStart) / 1e9));
            }
            if (now - lastResendCheck > 1_000_000_000L) {
                for (Device d : fleet) {
                    d.resendOverdue(now);
                }
                lastResendCheck = now;
                if (clock != null) {
                    clock.check(fleet, now);
                }
            }
            if (now - lastReport > 10_000_000_000L) {
                Benchmark.say(String.format(Locale.ROOT, "    %,d sent, %,d answered, %,d connected", steady.sent.get(), steady.answered.get(),
                        connected.get()));
                lastReport = now;
            }
            Thread.sleep(2);
        }
        if (restart != null && clock == null) {
            clock = new StormClock(restart.get(1, TimeUnit.MINUTES), size);
        }
        Map<String, ProcessStats.Usage> usage = stats.end();
        double window = (System.nanoTime() - start) / 1e9;
        long answeredInWindow = steady.answered.get();
        long observationsInWindow = steady.observations.get();

        // Every message answered (a device sends again what got no reply), then the database reconciled.
        long settleStart = System.nanoTime();
        long deadline = settleStart + Duration.ofMinutes(5).toNanos();
        while ((fleet.stream().anyMatch(d -> !d.pending.isEmpty()) || connected.get() < size) && System.nanoTime() < deadline) {
            long now = System.nanoTime();
            for (Device d : fleet) {
                d.resendOverdue(now);
            }
            if (clock != null) {
                clock.check(fleet, now);
            }
            Thread.sleep(100);
        }
        if (clock != null) {
            clock.check(fleet, System.nanoTime()); // the loop may have ended on the very reply or connection it waited for
        }
        // What is still unanswered counts as an error of this run and is forgotten (the next run starts clean).
        Set<String> unansweredIds = new HashSet<>();
        for (Device d : fleet) {
            unansweredIds.addAll(d.pending.keySet());
            d.pending.clear();
        }
        long unanswered = unansweredIds.size();
        double settleSeconds = (System.nanoTime() - settleStart) / 1e9;

        results.put(name + ": messages sent per second", Math.round(steady.sent.get() / window));
        results.put(name + ": messages answered per second", Math.round(answeredInWindow / window));
        results.put(name + ": observations answered per second", Math.round(observationsInWindow / window));
        results.put(name + ": acknowledgement latency p50 (ms)", round1(steady.percentileMs(0.50)));
        results.put(name + ": acknowledgement latency p99 (ms)", round1(steady.percentileMs(0.99)));
        usage.forEach((process, u) -> {
            results.put(name + ": CPU " + process + " (% of one core)", Math.round(u.cpuPercent()));
            results.put(name + ": peak memory " + process + " (MB)", Math.round(u.peakMemoryMb()));
        });
        if (storm) {
            results.put(name + ": storm: all devices connected again after the broker came back (s)", round1(clock.allConnected));
            results.put(name + ": storm: broker down (s)", round1((clock.back - outageStart) / 1e9));
            results.put(name + ": storm: every message kept through the restart answered after the broker came back (s)",
                    round1(clock.keptAnswered));
        }
        results.put(name + ": after the sending, until every message was answered (s)", round1(settleSeconds));
        results.put(name + ": messages sent again (no reply in " + RESEND_AFTER.toSeconds() + " s, then twice as long each time)", steady.resent.get());
        Reconciled r = reconcile(fleet, steady, unansweredIds);
        results.put(name + ERRORS,
                steady.errors.get() + unanswered + r.missing() + r.extra());
        Benchmark.say(String.format(Locale.ROOT,
                "  %s: %,.0f messages/s, %,.0f observations/s answered; ack p50 %.0f ms, p99 %.0f ms; %,d messages sent, %,d sent again, "
                        + "%,d rejected, %,d unanswered; database: %,d reading messages and %,d observations stored of %,d and %,d (%,d missing, %,d extra)%s",
                name, answeredInWindow / window, observationsInWindow / window, steady.percentileMs(0.5), steady.percentileMs(0.99),
                steady.sent.get(), steady.resent.get(), steady.errors.get(), unanswered, r.storedMessages(), r.storedObservations(),
                steady.readingMessages.get(), steady.observations.get(), r.missing(), r.extra(),
                steady.firstError == null ? "" : "; first error: " + steady.firstError));
        for (Device d : fleet) {
            d.disconnect();
        }
        return results;
    }

    /** After a broker restart: when every device was connected again, and everything kept through it answered (s after it was back). */
    private final class StormClock {
        final long back;
        final int size;
        double allConnected = Double.NaN;
        double keptAnswered = Double.NaN;

        StormClock(long back, int size) {
            this.back = back;
            this.size = size;
        }

        void check(List<Device> fleet, long now) {
            if (Double.isNaN(allConnected) && connected.get() == size) {
                allConnected = (now - back) / 1e9;
                Benchmark.say(String.format(Locale.ROOT, "  storm: all %,d devices connected again %.1f s after the broker came back",
                        size, allConnected));
            }
            if (Double.isNaN(keptAnswered) && !keptSince(fleet, back)) {
                keptAnswered = (now - back) / 1e9;
                Benchmark.say(String.format(Locale.ROOT, "  storm: everything the devices kept through the restart answered %.1f s "
                        + "after the broker came back", keptAnswered));
            }
        }
    }

    /** Whether a device still keeps a message it first sent before {@code since} (System.nanoTime). */
    private static boolean keptSince(List<Device> fleet, long since) {
        return fleet.stream().anyMatch(d -> d.pending.values().stream().anyMatch(p -> p.firstSent() <= since));
    }

    private record Reconciled(long storedMessages, long storedObservations, long missing, long extra) {
    }

    /**
     * The fleet's messages of this run in the database against the replies: each reading message
     * answered is stored once with all its observations (readings' key holds the message id and
     * the observation's place); any other message of this run there is extra, but for those still
     * unanswered (counted as such).
     */
    private Reconciled reconcile(List<Device> fleet, Tally t, Set<String> unanswered) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc);
             PreparedStatement s = c.prepareStatement("""
                     SELECT r.message_id, count(*) FROM readings r JOIN devices d ON d.device_number = r.device_number
                      WHERE d.id = ANY(?) AND r.message_id LIKE ? AND r.measured_at > now() - interval '1 day'
                      GROUP BY r.message_id""")) {
            s.setArray(1, c.createArrayOf("text", fleet.stream().map(d -> d.d.id()).toArray()));
            s.setString(2, runTag + "-%");
            Map<String, Integer> expected = new ConcurrentHashMap<>(t.observationsByReading);
            long messages = 0;
            long observations = 0;
            long extra = 0;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    messages++;
                    observations += rs.getLong(2);
                    Integer want = expected.remove(rs.getString(1));
                    if (want == null && unanswered.contains(rs.getString(1))) {
                        continue; // stored, its reply lost: counted once, as unanswered
                    }
                    if (want == null || want != rs.getLong(2)) {
                        extra++; // stored but never answered, or not with the observations it was sent with
                    }
                }
            }
            return new Reconciled(messages, observations, expected.size(), extra);
        }
    }

    private static double round1(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 10) / 10.0;
    }

    @Override
    public void close() throws InterruptedException {
        for (Device d : devices) {
            if (d.client != null && d.up) {
                d.disconnect();
            }
        }
        broker.close();
    }
}
