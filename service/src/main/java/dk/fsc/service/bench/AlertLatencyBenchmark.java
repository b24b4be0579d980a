package dk.fsc.service.bench;

import dk.fsc.service.platform.Launcher;
import dk.fsc.service.platform.Settings;
import dk.fsc.service.platform.security.PasswordHasher;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * Alert latency at a given load: starts the whole system (embedded servers unless FSC_DB_URL /
 * FSC_MQTT_URL), streams normal readings at {@code --rate} per second from {@code --devices}
 * devices, and among them sends red readings for fresh patients ({@code --probes} per second).
 * For each probe it measures from the reading's database transaction (its {@code received_at},
 * taken at the start of the gateway's transaction, so never after the commit) to the moment its
 * alert arrives on the nurse's event stream. Prints a table and one JSON line. See
 * docs/benchmarks.md.
 */
public final class AlertLatencyBenchmark {
    private static final Pattern PATIENT = Pattern.compile("\"patientId\":\"([0-9a-f-]{36})\"");

    private final int rate;
    private final int seconds;
    private final int devices;
    private final int probesPerSecond;
    private final Map<UUID, Long> alertArrivedMillis = new ConcurrentHashMap<>();

    private AlertLatencyBenchmark(Map<String, String> args) {
        this.rate = Integer.parseInt(args.getOrDefault("rate", "2000"));
        this.seconds = Integer.parseInt(args.getOrDefault("seconds", "30"));
        this.devices = Integer.parseInt(args.getOrDefault("devices", "200"));
        this.probesPerSecond = Integer.parseInt(args.getOrDefault("probes", "5"));
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (String a : argv) {
            if (a.startsWith("--") && a.contains("=")) {
                args.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            }
        }
        new AlertLatencyBenchmark(args).run();
        System.exit(0);
    }

    private void run() throws Exception {
        Path dataDir = Files.createTempDirectory("fsc-bench");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("FSC_DATA_DIR", dataDir.toString());
        env.put("FSC_HTTP_PORT", String.valueOf(freePort()));
        env.put("FSC_DEMO_DATA", "false");
        if (!env.containsKey("FSC_MQTT_URL")) {
            env.put("FSC_MQTT_PORT", String.valueOf(freePort()));
        }
        Settings settings = Settings.fromEnvironment(env);
        // A session and share group of its own: on a shared broker no other gateway takes its messages.
        String run = UUID.randomUUID().toString().substring(0, 8);
        System.setProperty("fsc.gateway.client-id", "fsc-bench-" + run);
        System.setProperty("fsc.gateway.share-group", "fsc-bench-" + run);
        System.setProperty("fsc.gateway.session-expiry", "60s");
        System.err.println("Starting the system (data in " + dataDir + ") ...");
        try (Launcher system = Launcher.start(settings)) {
            String jdbc = system.context().getProperty("datasources.default.url", String.class).orElseThrow();
            String brokerUrl = system.context().getProperty("fsc.gateway.broker-url", String.class).orElseThrow();
            int probes = probesPerSecond * seconds;
            Fixture fixture = Fixture.create(jdbc, settings, devices, probes);
            try (var stream = openStream(settings.httpPort(), fixture.nurseUser(), fixture.nursePassword())) {
                Thread.sleep(1_000);
                List<MqttAsyncClient> clients = connect(brokerUrl, fixture);
                long started = System.nanoTime();
                long sent = publish(clients, fixture);
                double achieved = sent / ((System.nanoTime() - started) / 1e9);
                System.err.println("Sent " + sent + " readings; waiting for the last alerts ...");
                long deadline = System.currentTimeMillis() + 30_000;
                while (alertArrivedMillis.size() < probes && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
                for (MqttAsyncClient c : clients) {
                    c.disconnect().waitForCompletion(5_000);
                    c.close();
                }
                report(jdbc, settings, fixture, achieved, probes);
            }
        }
    }

    private record Fixture(String organisation, String nurseUser, String nursePassword, List<String> deviceIds,
                           List<String> probeDevices, List<UUID> probePatients) {

        static Fixture create(String jdbc, Settings s, int devices, int probes) throws Exception {
            String org = "bench-" + UUID.randomUUID().toString().substring(0, 8);
            String password = PasswordHasher.randomSecret(12);
            try (Connection c = DriverManager.getConnection(jdbc, s.dbUser(), s.dbPassword())) {
                c.setAutoCommit(false);
                exec(c, "INSERT INTO organisations (id, name, kind) VALUES (?, 'Benchmark Kommune', 'municipality')", org);
                exec(c, "INSERT INTO staff_users (username, password_hash, display_name, role, organisation_id) VALUES (?, ?, 'bench', 'nurse', ?)",
                        org + ".nurse", PasswordHasher.hash(password), org);
                String deviceHash = PasswordHasher.hash("bench");
                List<String> normal = new ArrayList<>();
                List<String> probeDevices = new ArrayList<>();
                List<UUID> probePatients = new ArrayList<>();
                for (int i = 0; i < devices + probes; i++) {
                    UUID patient = UUID.randomUUID();
                    byte[] hash = new byte[32];
                    new java.security.SecureRandom().nextBytes(hash);
                    exec(c, "INSERT INTO patients (id, organisation_id, display_name, cpr_encrypted, cpr_hash) VALUES (?, ?, 'bench', ?, ?)",
                            patient, org, new byte[] {1}, hash);
                    String device = (org + "-" + i).toUpperCase();
                    exec(c, "INSERT INTO devices (id, device_type, state, mqtt_username, mqtt_password_hash) VALUES (?, 'bench', 'on_loan', ?, ?)",
                            device, device, deviceHash);
                    exec(c, "INSERT INTO loans (device_id, patient_id, organisation_id, starts_at) VALUES (?, ?, ?, now() - interval '1 day')",
                            device, patient, org);
                    if (i < devices) {
                        normal.add(device);
                    } else {
                        probeDevices.add(device);
                        probePatients.add(patient);
                    }
                }
                c.commit();
                return new Fixture(org, org + ".nurse", password, normal, probeDevices, probePatients);
            }
        }
    }

    private List<MqttAsyncClient> connect(String brokerUrl, Fixture f) throws MqttException {
        List<MqttAsyncClient> clients = new ArrayList<>();
        for (String device : f.deviceIds()) {
            clients.add(connect(brokerUrl, device));
        }
        return clients;
    }

    private static MqttAsyncClient connect(String brokerUrl, String device) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(brokerUrl, "bench-" + device, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setUserName(device);
        o.setPassword("bench".getBytes(StandardCharsets.UTF_8));
        o.setReceiveMaximum(1000);
        client.connect(o).waitForCompletion(10_000);
        return client;
    }

    /** Normal readings round-robin at the rate; every 1/probes-per-second a red one for a fresh patient. */
    private long publish(List<MqttAsyncClient> clients, Fixture f) throws Exception {
        long total = (long) rate * seconds;
        long probeEvery = Math.max(1, rate / Math.max(1, probesPerSecond));
        int probe = 0;
        long start = System.nanoTime();
        List<MqttAsyncClient> normalClients = clients;
        for (long i = 0; i < total; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            if (i % probeEvery == 0 && probe < f.probeDevices().size()) {
                String device = f.probeDevices().get(probe++);
                MqttAsyncClient probeClient = connect(clients.get(0).getCurrentServerURI(), device);
                send(probeClient, device, "p-" + i, 140);
                probeClient.disconnect().waitForCompletion(5_000);
                probeClient.close();
                continue;
            }
            int d = (int) (i % normalClients.size());
            send(normalClients.get(d), f.deviceIds().get(d), "n-" + i, 70);
        }
        return total;
    }

    private static void send(MqttAsyncClient client, String device, String messageId, int pulse) throws Exception {
        byte[] body = ("{\"messageId\":\"" + messageId + "\",\"measuredAt\":\"" + OffsetDateTime.now(ZoneOffset.UTC)
                + "\",\"observations\":[{\"type\":\"pulse\",\"value\":" + pulse + ",\"unit\":\"/min\"}]}").getBytes(StandardCharsets.UTF_8);
        while (true) {
            try {
                client.publish("fsc/v1/devices/" + device + "/readings", body, 1, false);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != 32202 /* too many publishes in progress */) {
                    throw e;
                }
                Thread.sleep(1); // the broker's in-flight window is full: wait, as a device would
            }
        }
    }

    private AutoCloseable openStream(int httpPort, String user, String password) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String login = "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(login)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String token = body.replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
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
                // benchmark over
            }
        }, "bench-stream");
        reader.setDaemon(true);
        reader.start();
        return in;
    }

    private void report(String jdbc, Settings s, Fixture f, double achieved, int probes) throws Exception {
        List<Long> latencies = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbc, s.dbUser(), s.dbPassword());
             PreparedStatement q = c.prepareStatement("SELECT received_at FROM device_messages WHERE patient_id = ?")) {
            for (UUID patient : f.probePatients()) {
                Long arrived = alertArrivedMillis.get(patient);
                q.setObject(1, patient);
                try (ResultSet rs = q.executeQuery()) {
                    if (arrived != null && rs.next()) {
                        Instant committed = rs.getObject(1, OffsetDateTime.class).toInstant();
                        latencies.add(arrived - committed.toEpochMilli());
                    }
                }
            }
        }
        latencies.sort(Long::compare);
        long p50 = percentile(latencies, 50);
        long p99 = percentile(latencies, 99);
        long max = latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1);
        System.out.println();
        System.out.println("Alert latency: reading's transaction -> alert on the event stream");
        System.out.printf(Locale.ROOT, "| %-32s | %12s |%n", "figure", "value");
        System.out.printf(Locale.ROOT, "| %-32s | %12d |%n", "target rate (readings/s)", rate);
        System.out.printf(Locale.ROOT, "| %-32s | %12.0f |%n", "achieved publish rate (readings/s)", achieved);
        System.out.printf(Locale.ROOT, "| %-32s | %12d |%n", "duration (s)", seconds);
        System.out.printf(Locale.ROOT, "| %-32s | %12d |%n", "red probes sent", probes);
        System.out.printf(Locale.ROOT, "| %-32s | %12d |%n", "alerts seen on the stream", latencies.size());
        System.out.printf(Locale.ROOT, "| %-32s | %12d |%n", "alert latency p50 (ms)", p50);
        System.out.printf(Locale.ROOT, "| %-32s | %12d |%n", "alert latency p99 (ms)", p99);
        System.out.printf(Locale.ROOT, "| %-32s | %12d |%n", "alert latency max (ms)", max);
        System.out.printf(Locale.ROOT, "{\"benchmark\":\"alert-latency\",\"rate\":%d,\"achievedRate\":%.0f,\"seconds\":%d,\"probes\":%d,"
                + "\"alertsSeen\":%d,\"p50Ms\":%d,\"p99Ms\":%d,\"maxMs\":%d}%n", rate, achieved, seconds, probes, latencies.size(), p50, p99, max);
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static void exec(Connection c, String sql, Object... params) throws Exception {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
