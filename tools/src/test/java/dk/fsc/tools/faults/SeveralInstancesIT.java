package dk.fsc.tools.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.embedded.EmbeddedDatabase;
import dk.fsc.service.platform.security.CprCipher;
import dk.fsc.service.platform.security.PasswordHasher;
import dk.fsc.service.simulator.DeviceSimulator;
import dk.fsc.service.simulator.Kit;
import dk.fsc.service.simulator.SimulatedFleet;
import dk.fsc.service.testing.LocalMosquitto;
import dk.fsc.service.testing.TestInfrastructure;
import dk.fsc.tools.bench.BenchProcesses;
import dk.fsc.tools.simulator.Reconciliation;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 21, items 1 and 2, as far as this machine can run them: <b>two service processes and three
 * gateway processes</b> over one database and one broker, as a site runs them behind a load
 * balancer and a clustered broker. The gateways share one subscription; one is killed with
 * SIGKILL in the middle of the stream and started again under its client id (as the StatefulSet
 * in ops/k8s does); another is stopped with SIGTERM, commits what it holds before it exits
 * (the drain) and is started again. Both services evaluate readings and run every timer, each
 * timer fast (escalation, missing measurements and SLA clocks every second), and both start
 * while CPR numbers sealed with a retired key wait to be re-encrypted.
 *
 * <p>Afterwards: every device message stored exactly once and one TOBS alert per deteriorating
 * patient (the simulator's log reconciled with the database); a nurse's event stream on either
 * instance showed every event raised by either, and a stream moved from one instance to the other
 * with {@code Last-Event-ID} resumed without a gap or a repeat; each escalation level, each
 * missing-measurement period and each SLA warning and breach recorded once; every CPR number
 * re-encrypted, once, and readable with the new key.
 */
class SeveralInstancesIT {
    private static final int MESSAGES = Integer.getInteger("fsc.cluster.messages", 8_000);
    private static final int RATE = Integer.getInteger("fsc.cluster.rate", 400);
    private static final int DEVICES = 60;
    private static final String ORG = "cluster-org";
    private static final int QUIET_PATIENTS = 10;
    private static final int SEALED_PATIENTS = 1_200;
    private static final int TICKETS = 10;

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void twoServicesAndThreeGatewaysDoEachThingOnceAndANurseMissesNothing() throws Exception {
        Assumptions.assumeTrue(LocalMosquitto.unavailable().isEmpty(), () -> "skipped: " + LocalMosquitto.unavailable().get());
        Path folder = TestInfrastructure.scratch("several-instances");
        String url;
        try (EmbeddedDatabase db = EmbeddedDatabase.start(folder.resolve("postgres"), TestInfrastructure.freePort(),
                EmbeddedDatabase.Durability.DURABLE);
             LocalMosquitto broker = LocalMosquitto.start()) {
            url = db.jdbcUrl();
            Flyway.configure().dataSource(url, null, null).load().migrate();

            // What the instances will find: patients sealed with a key being retired, quiet patients
            // whose weekly measurement is missing, tickets past both SLA clocks, and a nurse.
            String oldKey = key();
            String newKey = key();
            CprCipher old = new CprCipher(oldKey, "");
            SimulatedFleet sealed = SimulatedFleet.create(url, null, null, "cluster-sealed", Kit.named("single", false), SEALED_PATIENTS, old);
            Map<UUID, String> cprBefore = cprNumbers(url, old, "cluster-sealed");
            assertEquals(SEALED_PATIENTS, cprBefore.size(), "every sealed patient readable with the old key");
            SimulatedFleet quiet = SimulatedFleet.create(url, null, null, "cluster-quiet", Kit.named("single", false), QUIET_PATIENTS, null);
            SimulatedFleet fleet = SimulatedFleet.create(url, null, null, ORG, Kit.named("copd", true), DEVICES, null);
            String nursePassword = PasswordHasher.randomSecret(16);
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO staff_users (username, password_hash, display_name, role, organisation_id) VALUES ('cluster.nurse', '"
                        + PasswordHasher.hash(nursePassword) + "', 'Cluster nurse', 'nurse', '" + ORG + "')");
                for (SimulatedFleet.Device d : quiet.devices()) {
                    s.executeUpdate("INSERT INTO patient_monitoring (patient_id, schedule, started_at, updated_by) VALUES ('"
                            + d.patientId() + "', 'weekly', now() - interval '30 days', 'test')");
                }
                for (int i = 0; i < TICKETS; i++) {
                    s.executeUpdate("""
                            INSERT INTO tickets (title, urgency, impact, priority, organisation_id, calendar, own_target_s, resolve_target_s,
                                                 clock_since, created_by)
                            VALUES ('late ticket', 3, 3, 4, 'cluster-quiet', '24/7', 60, 120, now() - interval '1 hour', 'test')""");
                }
            }

            Path log = folder.resolve("simulator-log.tsv");
            Map<String, String> serviceEnv = new HashMap<>(Map.of(
                    "FSC_DB_URL", url,
                    "FSC_MQTT_URL", broker.url(),
                    "FSC_GATEWAY_ENABLED", "false",
                    "FSC_DEMO_DATA", "false",
                    "FSC_JWT_SECRET", PasswordHasher.randomSecret(48),
                    "FSC_CPR_KEY", newKey,
                    "FSC_CPR_PREVIOUS_KEYS", oldKey,
                    "FSC_ALERTS_ESCALATION_CHECK", "1s",
                    "FSC_ALERTS_RED_ESCALATION_DELAY", "3s",
                    "FSC_ALERTS_MISSING_CHECK", "1s"));
            serviceEnv.put("FSC_TICKETS_SLA_CHECK", "1s");
            int portA = TestInfrastructure.freePort();
            int portB = TestInfrastructure.freePort();
            List<GatewayProcess> gateways = new ArrayList<>();
            try (BenchProcesses.SystemProcess a = service(serviceEnv, portA, folder, "a");
                 BenchProcesses.SystemProcess b = service(serviceEnv, portB, folder, "b")) {
                for (int i = 1; i <= 3; i++) {
                    gateways.add(new GatewayProcess(Map.of(
                            "FSC_DB_URL", url,
                            "FSC_MQTT_URL", broker.url(),
                            "FSC_MQTT_USERNAME", broker.gatewayUser,
                            "FSC_MQTT_PASSWORD", broker.gatewayPassword,
                            "FSC_GATEWAY_CLIENT_ID", "cluster-gateway-" + i,
                            "FSC_GATEWAY_SHARE_GROUP", "fsc-gateways",
                            "FSC_GATEWAY_HTTP_PORT", String.valueOf(TestInfrastructure.freePort()),
                            "FSC_DEVICE_RATE", "0",
                            "FSC_BLOB_DIR", folder.resolve("blobs").toString()), folder.resolve("gateway-" + i + ".log")));
                }
                // Both services start together, so both re-encrypt CPR numbers at the same time.
                ExecutorService starting = Executors.newFixedThreadPool(2);
                List<Future<Long>> started = List.of(starting.submit(a::start), starting.submit(b::start));
                for (GatewayProcess g : gateways) {
                    g.start();
                }
                for (Future<Long> f : started) {
                    f.get(4, TimeUnit.MINUTES);
                }
                starting.shutdown();
                for (GatewayProcess g : gateways) {
                    g.awaitSubscribed(Duration.ofMinutes(2));
                }

                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                String token = login(http, portA, "cluster.nurse", nursePassword);
                Stream onA = Stream.open(http, portA, token, null);
                Stream onB = Stream.open(http, portB, token, null);
                say("services on " + portA + " and " + portB + ", three gateways subscribed, streams open on both");

                DeviceSimulator.Options options = DeviceSimulator.Options.defaults(broker.url())
                        .withCredentials(broker.simulatorUser, broker.simulatorPassword)
                        .withLoad(RATE, MESSAGES, null, 2)
                        .withShares(0.01, 0.002, 0.005, 0.2, 0.05)
                        .withLog(log)
                        .withSeed(21);
                StoredMessages.Database database = () -> DriverManager.getConnection(url);
                Stream movedToB;
                try (DeviceSimulator simulator = new DeviceSimulator(fleet, options).start()) {
                    StoredMessages.awaitAtLeast(database, MESSAGES / 3, Duration.ofMinutes(3));
                    GatewayProcess second = gateways.get(1);
                    second.kill();
                    long atKill = StoredMessages.count(database);
                    say("gateway 2 killed with SIGKILL at " + atKill + " stored");
                    // The other two go on taking the stream while the third is away.
                    StoredMessages.awaitAtLeast(database, atKill + MESSAGES / 10, Duration.ofMinutes(3));
                    say("the other two stored " + (StoredMessages.count(database) - atKill) + " while gateway 2 was away");
                    // While gateway 2 is away, gateway 3 is stopped as an orchestrator stops it (SIGTERM) while
                    // it holds messages: the writers are held up by a lock for 2 s so messages wait in the
                    // gateways' hands, the stop comes, the lock goes 2 s later, and the stopping gateway must
                    // commit what it held before it exits.
                    GatewayProcess third = gateways.get(2);
                    try (Connection lock = DriverManager.getConnection(url)) {
                        lock.setAutoCommit(false);
                        try (Statement s = lock.createStatement()) {
                            s.execute("LOCK TABLE device_messages IN SHARE MODE");
                        }
                        Thread.sleep(2_000);
                        Thread release = new Thread(() -> {
                            try {
                                Thread.sleep(2_000);
                                lock.rollback();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        release.start();
                        third.stop();
                        release.join();
                    }
                    String stopped = Files.readAllLines(third.log()).stream().filter(l -> l.contains("Gateway stopped: drained"))
                            .reduce((x, y) -> y).orElseThrow(() -> new AssertionError("gateway 3 logged no drain; see " + third.log()));
                    say("gateway 3 stopped with SIGTERM: " + stopped.replaceAll(".*Gateway stopped: ", ""));
                    assertTrue(stopped.contains(", 0 left unacknowledged") && !stopped.contains("drained 0 "),
                            "a stop commits what the gateway holds: " + stopped);
                    // Both come back under their client ids (as the StatefulSet's pods do).
                    second.start();
                    third.start();
                    second.awaitSubscribed(Duration.ofMinutes(2));
                    third.awaitSubscribed(Duration.ofMinutes(2));
                    say("gateways 2 and 3 back under their client ids");

                    // The nurse's stream moves from A to B, resuming after the last event A gave her.
                    List<Long> seenOnA = onA.closeAndList();
                    long resumeAfter = seenOnA.isEmpty() ? 0 : seenOnA.get(seenOnA.size() - 1);
                    movedToB = Stream.open(http, portB, token, seenOnA.isEmpty() ? null : resumeAfter);
                    say("stream moved from A (" + seenOnA.size() + " events) to B after event " + resumeAfter);
                    onA = new Stream(seenOnA);

                    assertTrue(simulator.awaitFinished(Duration.ofMinutes(10)), "the simulator finished sending");
                    assertEquals(0, simulator.refusedByBroker(), "the broker let the simulator publish every kind of message");
                }

                Reconciliation r;
                try (Connection c = DriverManager.getConnection(url)) {
                    r = Reconciliation.of(log, c, Duration.ofMinutes(5));
                }
                say("\n" + r.table());
                assertEquals(MESSAGES, r.get("messages in the log"));
                assertTrue(r.get("patients with red readings") > 0, "the run had deteriorating patients: " + r.counts());
                assertTrue(r.ok(), r::table); // with three gateways (one killed) and two evaluating services

                // Every event of the nurse's organisation, raised by either instance, on both streams.
                List<Long> events = eventIds(url);
                assertTrue(events.size() > r.get("patients with red readings"), "alerts opened and escalated: " + events.size());
                Stream a2 = onA;
                await("every event on the stream that stayed on B", Duration.ofSeconds(60), () -> onB.ids().containsAll(events));
                await("every event on the moved stream", Duration.ofSeconds(60), () -> union(a2.ids(), movedToB.ids()).containsAll(events));
                List<Long> afterwards = eventIds(url);
                for (Stream s : List.of(onA, onB, movedToB)) {
                    List<Long> ids = s.ids();
                    assertTrue(increasing(ids), "a stream sends each event once, in order: " + ids);
                    assertTrue(afterwards.containsAll(ids), "a stream sends only the organisation's events");
                }
                Set<Long> overlap = new HashSet<>(onA.ids());
                overlap.retainAll(movedToB.ids());
                assertEquals(Set.of(), overlap, "the moved stream repeats nothing A had sent");
                say(events.size() + " events on B's stream and on the stream moved from A to B");

                try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                    assertEquals(0, count(s, """
                            SELECT count(*) FROM (SELECT alert_id, note FROM alert_events WHERE type = 'escalated'
                                                   GROUP BY 1, 2 HAVING count(*) > 1) twice"""), "each escalation level once per alert");
                    long escalated = count(s, "SELECT count(DISTINCT alert_id) FROM alert_events WHERE type = 'escalated' AND note LIKE '%level 2%'");
                    assertTrue(escalated > 0, "red alerts escalated twice or more while both instances ran the escalation timer");

                    await("a missing-measurement alert for each quiet patient", Duration.ofSeconds(60), () -> count(url, """
                            SELECT count(DISTINCT patient_id) FROM alerts WHERE kind = 'missing_measurement' AND organisation_id = 'cluster-quiet'""")
                            == QUIET_PATIENTS);
                    Thread.sleep(3_000); // three more rounds of both timers
                    assertEquals(QUIET_PATIENTS, count(s, "SELECT count(*) FROM alerts WHERE kind = 'missing_measurement' AND organisation_id = 'cluster-quiet'"),
                            "one missing-measurement alert per patient and period, not one per instance");

                    await("SLA warnings and breaches of every ticket", Duration.ofSeconds(60), () -> count(url,
                            "SELECT count(*) FROM ticket_events WHERE kind = 'sla_breach' AND username = 'sla'") == 2L * TICKETS);
                    assertEquals(0, count(s, """
                            SELECT count(*) FROM (SELECT ticket_id, kind, clock FROM ticket_events WHERE kind IN ('sla_warning', 'sla_breach')
                                                   GROUP BY 1, 2, 3 HAVING count(*) > 1) twice"""), "each SLA warning and breach once");
                }

                // Both instances re-encrypted CPR numbers; each patient once, all readable with the new key only.
                CprCipher current = new CprCipher(newKey, "");
                await("every CPR number under the new key", Duration.ofSeconds(60), () -> count(url,
                        "SELECT count(*) FROM patients WHERE organisation_id = 'cluster-sealed' AND substring(cpr_encrypted from 1 for 5) = '\\x"
                                + java.util.HexFormat.of().formatHex(current.currentPrefix()) + "'::bytea") == SEALED_PATIENTS);
                assertEquals(cprBefore, cprNumbers(url, current, "cluster-sealed"), "the same CPR numbers, now under the new key");
                long movedByA = reencrypted(a.log());
                long movedByB = reencrypted(b.log());
                say("CPR numbers re-encrypted: " + movedByA + " by A, " + movedByB + " by B");
                assertEquals(SEALED_PATIENTS, movedByA + movedByB, "each CPR number re-encrypted by one instance");
                onB.close();
                movedToB.close();
            } finally {
                for (GatewayProcess g : gateways) {
                    g.close();
                }
            }
        }
    }

    private static BenchProcesses.SystemProcess service(Map<String, String> env, int port, Path folder, String name) {
        Map<String, String> own = new HashMap<>(env);
        own.put("FSC_HTTP_PORT", String.valueOf(port));
        own.put("FSC_DATA_DIR", folder.resolve("service-" + name).toString());
        return new BenchProcesses.SystemProcess(Jars.service(), own, List.of("-Xmx512m"), folder.resolve("service-" + name + ".log"),
                "FSC is running");
    }

    /** A nurse's alert event stream ({@code GET /api/alerts/stream}): the event ids in the order they came. */
    private static final class Stream implements AutoCloseable {
        private final List<Long> ids = new CopyOnWriteArrayList<>();
        private final InputStream body;
        private volatile boolean closed;

        private Stream(List<Long> finished) {
            ids.addAll(finished);
            body = InputStream.nullInputStream();
            closed = true;
        }

        private Stream(InputStream body) {
            this.body = body;
        }

        static Stream open(HttpClient http, int port, String token, Long lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/alerts/stream"))
                    .header("Authorization", "Bearer " + token).GET();
            if (lastEventId != null) {
                request.header("Last-Event-ID", String.valueOf(lastEventId));
            }
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode(), "the stream opens");
            Stream stream = new Stream(response.body());
            Thread reader = new Thread(stream::read, "stream-" + port);
            reader.setDaemon(true);
            reader.start();
            return stream;
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null && !closed) {
                    if (line.startsWith("id:")) {
                        ids.add(Long.parseLong(line.substring(3).strip()));
                    }
                }
            } catch (Exception e) {
                // closed
            }
        }

        List<Long> ids() {
            return List.copyOf(ids);
        }

        /** Stops taking events and answers those taken. */
        List<Long> closeAndList() throws Exception {
            closed = true;
            List<Long> taken = ids();
            body.close();
            return taken;
        }

        @Override
        public void close() throws Exception {
            closed = true;
            body.close();
        }
    }

    private static String login(HttpClient http, int port, String user, String password) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer::body);
        return answer.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    }

    private static List<Long> eventIds(String url) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM alert_events WHERE organisation_id = '" + ORG + "' ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static Map<UUID, String> cprNumbers(String url, CprCipher cipher, String organisation) throws Exception {
        Map<UUID, String> numbers = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement q = c.prepareStatement("SELECT id, cpr_encrypted FROM patients WHERE organisation_id = ?")) {
            q.setString(1, organisation);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    numbers.put(rs.getObject(1, UUID.class), cipher.decrypt(rs.getBytes(2)));
                }
            }
        }
        return numbers;
    }

    /** The CPR numbers an instance says it re-encrypted (its last "CPR key rotation: N of M re-encrypted"). */
    private static long reencrypted(Path log) throws Exception {
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.matches(".*CPR key rotation: \\d+ of \\d+ re-encrypted.*"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll(".*CPR key rotation: (\\d+) of .*", "$1"))).max().orElse(0);
        }
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long count(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            return count(s, sql);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(250);
        }
    }

    private static Set<Long> union(List<Long> first, List<Long> second) {
        Set<Long> all = new HashSet<>(first);
        all.addAll(second);
        return all;
    }

    private static boolean increasing(List<Long> ids) {
        for (int i = 1; i < ids.size(); i++) {
            if (ids.get(i) <= ids.get(i - 1)) {
                return false;
            }
        }
        return true;
    }

    private static String key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static void say(String line) {
        System.out.println("[several instances] " + line);
    }
}
