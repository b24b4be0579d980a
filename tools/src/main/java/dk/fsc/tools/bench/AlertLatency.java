package dk.fsc.tools.bench;

import dk.fsc.service.platform.security.PasswordHasher;
import dk.fsc.service.simulator.DeviceSimulator;
import dk.fsc.service.simulator.Kit;
import dk.fsc.service.simulator.SimulatedFleet;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;

/**
 * Alert latency under load: the simulator sends normal readings at {@code rate} per second, and
 * {@code probes} times a second a red reading (pulse 140) arrives for a fresh patient. For each
 * probe: from the reading's transaction ({@code device_messages.received_at}, taken at the start
 * of the gateway's transaction, so at or before its commit: slightly pessimistic) to the arrival
 * of its {@code opened} TOBS event on the nurse's event stream, on the same machine's clock.
 */
final class AlertLatency {
    private static final Pattern PATIENT = Pattern.compile("\"patientId\":\"([0-9a-f-]{36})\"");

    private final String jdbc;
    private final String brokerUrl;
    private final int httpPort;
    private final int rate;
    private final int seconds;
    private final int probesPerSecond;
    private final ProcessStats stats;
    private final Map<UUID, Long> alertArrivedMillis = new ConcurrentHashMap<>();

    AlertLatency(String jdbc, String brokerUrl, int httpPort, int rate, int seconds, int probesPerSecond, ProcessStats stats) {
        this.jdbc = jdbc;
        this.brokerUrl = brokerUrl;
        this.httpPort = httpPort;
        this.rate = rate;
        this.seconds = seconds;
        this.probesPerSecond = probesPerSecond;
        this.stats = stats;
    }

    Map<String, Object> run() throws Exception {
        Benchmark.say("Alert latency: " + rate + " readings/s for " + seconds + " s, " + probesPerSecond + " red probes a second ...");
        String org = "bench-alerts-" + UUID.randomUUID().toString().substring(0, 8);
        int probes = probesPerSecond * seconds;
        String nursePassword = PasswordHasher.randomSecret(16);
        SimulatedFleet background = SimulatedFleet.create(jdbc, null, null, "bench-alert-load", Kit.named("single", false), 200, null);
        SimulatedFleet probeFleet = SimulatedFleet.create(jdbc, null, null, org, Kit.named("single", false), probes, null);
        try (Connection c = DriverManager.getConnection(jdbc);
             PreparedStatement nurse = c.prepareStatement("""
                     INSERT INTO staff_users (username, password_hash, display_name, role, organisation_id) VALUES (?, ?, 'bench', 'nurse', ?)""")) {
            nurse.setString(1, org + ".nurse");
            nurse.setString(2, PasswordHasher.hash(nursePassword));
            nurse.setString(3, org);
            nurse.executeUpdate();
        }
        awaitNoEvaluationsWaiting();
        AutoCloseable stream = openStream(org + ".nurse", nursePassword);
        MqttAsyncClient probeClient = new MqttAsyncClient(brokerUrl, "fsc-bench-probes", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        probeClient.connect(o).waitForCompletion(10_000);
        Thread.sleep(1_000);
        HttpClient http = HttpClient.newHttpClient();
        URI metrics = Benchmark.metricsUri(httpPort);
        SystemTimers timersBefore = SystemTimers.read(http, metrics, "fsc_");
        stats.begin();
        DeviceSimulator.Options load = DeviceSimulator.Options.defaults(brokerUrl).withShares(0, 0, 0, 0, 0)
                .withLoad(rate, 0, Duration.ofSeconds(seconds), 2);
        long achievedRate;
        try (DeviceSimulator sim = new DeviceSimulator(background, load).start()) {
            long start = System.nanoTime();
            for (int i = 0; i < probes; i++) {
                long due = start + (long) (i * 1e9 / probesPerSecond);
                LockSupport.parkNanos(due - System.nanoTime());
                SimulatedFleet.Device d = probeFleet.devices().get(i);
                String body = "{\"messageId\":\"probe-" + i + "\",\"measuredAt\":\"" + OffsetDateTime.now(ZoneOffset.UTC)
                        + "\",\"observations\":[{\"type\":\"pulse\",\"value\":140,\"unit\":\"/min\"}]}";
                probeClient.publish("fsc/v1/devices/" + d.id() + "/readings", body.getBytes(StandardCharsets.UTF_8), 1, false);
            }
            sim.awaitFinished(Duration.ofSeconds(seconds + 60L));
            achievedRate = Math.round(sim.sent() / sim.seconds());
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (alertArrivedMillis.size() < probes && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        Map<String, ProcessStats.Usage> usage = stats.end();
        Map<String, SystemTimers.Series> timed = SystemTimers.read(http, metrics, "fsc_").since(timersBefore);
        probeClient.disconnect().waitForCompletion(5_000);
        probeClient.close();
        stream.close();
        List<Long> latencies = latencies(probeFleet);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("alert load, asked (readings/s)", rate);
        r.put("alert load, achieved (readings/s)", achievedRate);
        r.put("red probes sent / alerts seen", probes + " / " + latencies.size());
        r.put("alert latency p50 (ms)", percentile(latencies, 50));
        r.put("alert latency p99 (ms)", percentile(latencies, 99));
        r.put("alert latency max (ms)", latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1));
        usage.forEach((process, u) -> r.put("alerts CPU " + process + " (% of one core)", Math.round(u.cpuPercent())));
        Benchmark.say(String.format(Locale.ROOT, "  %d of %d alerts seen; p50 %d ms, p99 %d ms, max %s ms at %d readings/s",
                latencies.size(), probes, percentile(latencies, 50), percentile(latencies, 99), r.get("alert latency max (ms)"), achievedRate));
        split(timed, r);
        return r;
    }

    /**
     * Where the alerts' time went, as the system timed them during the phase: from the reading's
     * commit to the alert's commit in four consecutive parts (their means add up to the whole's),
     * and the wait for the events' order lock inside "evaluating". A request's time is taken at
     * the start of the gateway's transaction, so "waiting" holds the rest of that batch's write and
     * commit (the gateway's batches, timed apart). What the stream and the client add is the
     * probes' mean above less the system's. Percentiles are the upper bounds of the
     * histograms' buckets. Alerts of the background load, if any, are timed too.
     */
    private static void split(Map<String, SystemTimers.Series> timed, Map<String, Object> r) {
        List<String> said = new ArrayList<>();
        String[][] parts = {{"fsc_alert_latency_seconds{", "in the system (commit to commit)"},
                {"part=\"waiting\"", "waiting to be claimed"}, {"part=\"behind\"", "behind the claim's others"},
                {"part=\"evaluating\"", "its own evaluation"}, {"part=\"committing\"", "until the commit"},
                {"fsc_alert_event_lock_wait_seconds{", "event lock wait (each event)"},
                {"fsc_gateway_batch_commit_seconds{", "gateway batch written and committed (each batch)"}};
        for (String[] part : parts) {
            timed.entrySet().stream().filter(e -> e.getKey().contains(part[0])).findFirst().ifPresent(e -> {
                SystemTimers.Series s = e.getValue();
                r.put("alert " + part[1] + ": timed", (long) s.count());
                r.put("alert " + part[1] + ": mean (ms)", Math.round(s.meanMillis() * 10) / 10.0);
                r.put("alert " + part[1] + ": p50 bucket (ms)", Math.round(s.percentileBoundMillis(50) * 10) / 10.0);
                r.put("alert " + part[1] + ": p99 bucket (ms)", Math.round(s.percentileBoundMillis(99) * 10) / 10.0);
                said.add(String.format(Locale.ROOT, "%s %.1f (p99 ≤ %.0f)", part[1], s.meanMillis(), s.percentileBoundMillis(99)));
            });
        }
        Benchmark.say("  means in ms (" + (timed.isEmpty() ? "the system has no such timers" : String.join("; ", said)) + ")");
    }

    /**
     * The phase measures latency at its own load: evaluations still waiting from earlier phases
     * (a drained backlog asks for thousands) are let finish first.
     */
    private void awaitNoEvaluationsWaiting() throws Exception {
        long start = System.nanoTime();
        long waiting = BenchDatabase.awaitNoEvaluationsWaiting(jdbc, Duration.ofMinutes(10), 500);
        Benchmark.say(String.format(Locale.ROOT, "  %s after %.0f s", waiting == 0 ? "no evaluations waiting" : waiting + " evaluations still waiting",
                (System.nanoTime() - start) / 1e9));
    }

    private List<Long> latencies(SimulatedFleet probes) throws Exception {
        List<Long> latencies = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbc);
             // by the probe's device (the key's index), not its patient (no index: 125 ms a probe on a large table)
             PreparedStatement q = c.prepareStatement("SELECT received_at FROM device_messages WHERE device_id = ?")) {
            for (SimulatedFleet.Device d : probes.devices()) {
                Long arrived = alertArrivedMillis.get(d.patientId());
                q.setString(1, d.id());
                try (ResultSet rs = q.executeQuery()) {
                    if (arrived != null && rs.next()) {
                        Instant committed = rs.getObject(1, OffsetDateTime.class).toInstant();
                        latencies.add(arrived - committed.toEpochMilli());
                    }
                }
            }
        }
        latencies.sort(Long::compare);
        return latencies;
    }

    private AutoCloseable openStream(String user, String password) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String token = HistoryQueries.login(http, httpPort, user, password);
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/alerts/stream"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = response.body();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("data:") && line.contains("\"type\":\"opened\"") && line.contains("\"kind\":\"tobs\"")) {
                        Matcher m = PATIENT.matcher(line);
                        if (m.find()) {
                            alertArrivedMillis.putIfAbsent(UUID.fromString(m.group(1)), System.currentTimeMillis());
                        }
                    }
                }
            } catch (Exception closed) {
                // phase over
            }
        }, "bench-stream");
        reader.setDaemon(true);
        reader.start();
        return in;
    }

    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
