package dk.fsc.tools.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.embedded.EmbeddedDatabase;
import dk.fsc.service.simulator.DeviceSimulator;
import dk.fsc.service.simulator.Kit;
import dk.fsc.service.simulator.SimulatedFleet;
import dk.fsc.service.testing.LocalMosquitto;
import dk.fsc.service.testing.TestInfrastructure;
import dk.fsc.tools.bench.BenchProcesses;
import dk.fsc.tools.simulator.Reconciliation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fault suite (issue 7; `bin/fault-suite` runs it at full size): while the device simulator
 * streams COPD kits (bad payloads, photos, offline backlogs, deteriorating patients among them),
 * the gateway is killed with SIGKILL, PostgreSQL is restarted, the broker is restarted and the
 * database is paused (SIGSTOP) for a while. Afterwards the simulator's log is reconciled with the
 * database: every accepted message stored exactly once, every refused one in quarantine with its
 * code, one TOBS alert for each patient with red readings and none for the others.
 *
 * <p>Every part is real and separate: the gateway jar and the service jar (gateway off: it
 * evaluates and raises alerts) in their own processes, a PostgreSQL server and a Mosquitto broker
 * of the test's own so they can be restarted and paused. In the test suite it is reduced
 * (-Dfsc.faults.messages=30000, -Dfsc.faults.pause-seconds=10); the command runs 1 000 000
 * messages and a 30 s pause.
 */
class FaultSuiteIT {
    private static final int MESSAGES = Integer.getInteger("fsc.faults.messages", 30_000);
    private static final int RATE = Integer.getInteger("fsc.faults.rate", 1_500);
    private static final int PAUSE_SECONDS = Integer.getInteger("fsc.faults.pause-seconds", 10);
    private static final int DEVICES = Integer.getInteger("fsc.faults.devices", 140);
    /** Longest wait for one stage: a fault's recovery plus the stage's share of the stream, twice over. */
    private static final Duration STAGE = Duration.ofSeconds(Math.max(180, 2L * MESSAGES / 6 / Math.max(1, RATE) + 180));

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void everyMessageIsAccountedForAndEveryAlertRaisedOnceThroughCrashesRestartsAndAPause() throws Exception {
        Assumptions.assumeTrue(LocalMosquitto.unavailable().isEmpty(), () -> "skipped: " + LocalMosquitto.unavailable().get());
        Path folder = TestInfrastructure.scratch("fault-suite");
        int pgPort = TestInfrastructure.freePort();
        Path pgData = folder.resolve("postgres");
        EmbeddedDatabase db = EmbeddedDatabase.start(pgData, pgPort, EmbeddedDatabase.Durability.DURABLE);
        String url = db.jdbcUrl();
        StoredMessages.Database database = () -> DriverManager.getConnection(url);
        Flyway.configure().dataSource(url, null, null).load().migrate();
        SimulatedFleet fleet = SimulatedFleet.create(url, null, null, "fault-org", Kit.named("copd", true), DEVICES, null);
        Path log = folder.resolve("simulator-log.tsv");

        try (LocalMosquitto broker = LocalMosquitto.start();
             GatewayProcess gateway = new GatewayProcess(Map.of(
                     "FSC_DB_URL", url,
                     "FSC_MQTT_URL", broker.url(),
                     "FSC_MQTT_USERNAME", broker.gatewayUser,
                     "FSC_MQTT_PASSWORD", broker.gatewayPassword,
                     "FSC_GATEWAY_CLIENT_ID", "fault-gateway",
                     // One gateway, plain subscription: Mosquitto 2.0 restores it after a restart (not a shared one).
                     "FSC_GATEWAY_SHARE_GROUP", "",
                     "FSC_GATEWAY_HTTP_PORT", String.valueOf(TestInfrastructure.freePort()),
                     // simulated devices send about ten messages a second each, past a real device's limit
                     "FSC_DEVICE_RATE", "0",
                     "FSC_BLOB_DIR", folder.resolve("blobs").toString()), folder.resolve("gateway.log"));
             BenchProcesses.SystemProcess service = new BenchProcesses.SystemProcess(Jars.service(),
                     Map.of("FSC_DB_URL", url,
                             "FSC_MQTT_URL", broker.url(),
                             "FSC_GATEWAY_ENABLED", "false",
                             "FSC_HTTP_PORT", String.valueOf(TestInfrastructure.freePort()),
                             "FSC_DATA_DIR", folder.resolve("service-data").toString(),
                             "FSC_DEMO_DATA", "false"),
                     List.of("-Xmx512m"), folder.resolve("service.log"), "FSC is running")) {
            gateway.start();
            gateway.awaitSubscribed(Duration.ofMinutes(1));
            service.start();
            DeviceSimulator.Options options = DeviceSimulator.Options.defaults(broker.url())
                    .withCredentials(broker.simulatorUser, broker.simulatorPassword)
                    .withLoad(RATE, MESSAGES, null, 2)
                    .withShares(0.01, 0.002, 0.005, 0.15, 0.05)
                    .withLog(log)
                    .withSeed(7);
            try (DeviceSimulator simulator = new DeviceSimulator(fleet, options).start()) {
                StoredMessages.awaitAtLeast(database, MESSAGES / 6, STAGE);
                gateway.kill();
                say("gateway killed with SIGKILL at " + StoredMessages.count(database) + " stored");
                Thread.sleep(1_000);
                gateway.start();

                StoredMessages.awaitAtLeast(database, MESSAGES * 2 / 6, STAGE);
                db.close();
                say("PostgreSQL stopped");
                Thread.sleep(2_000);
                db = EmbeddedDatabase.start(pgData, pgPort, EmbeddedDatabase.Durability.DURABLE);
                say("PostgreSQL started again");

                StoredMessages.awaitAtLeast(database, MESSAGES * 3 / 6, STAGE);
                broker.restart();
                say("broker restarted (SIGTERM, persistence) at " + StoredMessages.count(database) + " stored");

                StoredMessages.awaitAtLeast(database, MESSAGES * 4 / 6, STAGE);
                long before = StoredMessages.count(database); // not while paused: that would wait for the connect timeout
                List<Long> paused = pause(pgData);
                say("PostgreSQL paused (SIGSTOP, " + paused.size() + " processes) for " + PAUSE_SECONDS + " s at " + before + " stored");
                Thread.sleep(PAUSE_SECONDS * 1000L);
                resume(paused);
                say("PostgreSQL resumed");

                assertTrue(simulator.awaitFinished(Duration.ofMinutes(20)), "the simulator finished sending");
                assertEquals(0, simulator.refusedByBroker(), "the broker let the simulator publish every kind of message");
                say("simulator: " + simulator.sent() + " messages acknowledged by the broker, " + simulator.resent() + " sent again after faults");
            }
            Reconciliation r;
            try (Connection c = DriverManager.getConnection(url)) {
                r = Reconciliation.of(log, c, Duration.ofMinutes(5));
            }
            Files.writeString(folder.resolve("fault-suite-report.md"), r.table());
            Files.writeString(Path.of("target", "fault-suite-report.md"), "Fault suite: " + MESSAGES + " messages at " + RATE
                    + "/s; gateway SIGKILL, PostgreSQL restart, broker restart, PostgreSQL paused " + PAUSE_SECONDS + " s\n\n" + r.table());
            say("\n" + r.table());
            assertEquals(MESSAGES, r.get("messages in the log"), "the simulator logged every message it sent");
            assertTrue(r.get("rejected expected") > 0 && r.get("patients with red readings") > 0 && r.get("photos stored") > 0,
                    "the run had refused messages, photos and deteriorating patients to check: " + r.counts());
            assertTrue(r.ok(), r::table); // nothing missing, doubled, stored wrong or unsent; alerts once each
        } finally {
            db.close();
        }
    }

    /**
     * SIGSTOP to the postmaster and every backend: the server is there but answers nothing. The
     * postmaster first, so no new backend starts after the list is taken; a backend that ended
     * meanwhile is no failure (the full-size run was stopped twice by one: issue 23).
     */
    private static List<Long> pause(Path pgData) throws Exception {
        long postmaster = Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).strip());
        List<Long> pids = new ArrayList<>();
        signal("-STOP", postmaster);
        pids.add(postmaster);
        ProcessHandle.of(postmaster).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        for (long pid : pids.subList(1, pids.size())) {
            signal("-STOP", pid);
        }
        return pids;
    }

    /** SIGCONT to the backends, then the postmaster. */
    private static void resume(List<Long> paused) throws Exception {
        for (int i = paused.size() - 1; i >= 0; i--) {
            signal("-CONT", paused.get(i));
        }
    }

    /** Sends a signal; a process that has ended meanwhile is no failure, any other refusal is. */
    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, String.valueOf(pid)).redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes());
        if (kill.waitFor() != 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            throw new AssertionError("kill " + signal + " " + pid + ": " + output);
        }
    }

    private static void say(String line) {
        System.out.println("[faults] " + line);
    }
}
