package dk.fsc.tools.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.simulator.DeviceSimulator;
import dk.fsc.service.simulator.Kit;
import dk.fsc.service.simulator.SimulatedFleet;
import dk.fsc.service.testing.TestInfrastructure;
import dk.fsc.tools.bench.BenchProcesses;
import dk.fsc.tools.simulator.Reconciliation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The run command's embedded set-up under crashes (issue 23): simulated home devices stream
 * through the embedded broker while the run command's process is killed with SIGKILL three times
 * and started again on the same data folder, once with its PostgreSQL killed too (as a power cut
 * would); each start must succeed with no hand on the folder, and afterwards every message the
 * broker acknowledged to a device is stored exactly once (or quarantined with its code), and every
 * red patient has one alert. A last SIGTERM (Ctrl-C) must stop gateway, broker and database in
 * that order. Reduced here; {@code bin/fault-suite} runs it larger (-Dfsc.crash.messages).
 */
class EmbeddedCrashIT {
    private static final int MESSAGES = Integer.getInteger("fsc.crash.messages", 4_000);
    private static final int RATE = Integer.getInteger("fsc.crash.rate", 200);
    private static final int DEVICES = 40;
    private static final Duration STAGE = Duration.ofSeconds(Math.max(180, 2L * MESSAGES / Math.max(1, RATE)));

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void everyAcknowledgedMessageSurvivesKillsOfTheRunCommandOnceEach() throws Exception {
        Path folder = TestInfrastructure.scratch("embedded-crash");
        Path data = folder.resolve("fsc-data");
        int mqttPort = TestInfrastructure.freePort();
        String simulatorPassword = "crash-sim-" + System.nanoTime();
        Path log = folder.resolve("simulator-log.tsv");
        Path systemLog = folder.resolve("system.log");
        StoredMessages.Database db = () -> DriverManager.getConnection(jdbcUrl(data), "postgres", null);
        BenchProcesses.SystemProcess system = new BenchProcesses.SystemProcess(Jars.service(),
                Map.of("FSC_DATA_DIR", data.toString(),
                        "FSC_HTTP_PORT", String.valueOf(TestInfrastructure.freePort()),
                        "FSC_MQTT_PORT", String.valueOf(mqttPort),
                        "FSC_DEMO_DATA", "false",
                        // simulated devices send faster than a real device may
                        "FSC_DEVICE_RATE", "0",
                        "FSC_SIMULATOR_MQTT_USERNAME", "crash-simulator",
                        "FSC_SIMULATOR_MQTT_PASSWORD", simulatorPassword),
                List.of("-Xmx512m"), systemLog, "FSC is running");
        try {
            system.start();
            SimulatedFleet fleet = SimulatedFleet.create(jdbcUrl(data), "postgres", null, "crash-org", Kit.named("copd", true), DEVICES, null);
            DeviceSimulator.Options options = DeviceSimulator.Options.defaults("tcp://127.0.0.1:" + mqttPort)
                    .withCredentials("crash-simulator", simulatorPassword)
                    .withLoad(RATE, MESSAGES, null, 2)
                    .withShares(0.01, 0.002, 0.005, 0.15, 0.05)
                    .withLog(log)
                    .withSeed(23);
            try (DeviceSimulator simulator = new DeviceSimulator(fleet, options).start()) {
                StoredMessages.awaitAtLeast(db, MESSAGES / 4, STAGE);
                system.kill();
                say("run command killed (SIGKILL) at " + StoredMessages.count(db) + " stored; its PostgreSQL left running");
                system.start();
                say("started again on the same folder");

                StoredMessages.awaitAtLeast(db, MESSAGES / 2, STAGE);
                List<Long> database = databaseProcesses(data);
                system.kill();
                for (long pid : database) {
                    ProcessHandle.of(pid).ifPresent(h -> {
                        h.destroyForcibly();
                        h.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> null).join();
                    });
                }
                say("run command and its PostgreSQL (" + database.size() + " processes) killed (SIGKILL), as in a power cut");
                system.start();
                say("started again; PostgreSQL recovered from its WAL");

                StoredMessages.awaitAtLeast(db, MESSAGES * 3 / 4, STAGE);
                system.kill();
                say("run command killed (SIGKILL) at " + StoredMessages.count(db) + " stored");
                system.start();

                assertTrue(simulator.awaitFinished(Duration.ofMinutes(10)), "the simulator finished sending");
                assertEquals(0, simulator.refusedByBroker(), "the broker let the simulator publish");
                say("simulator: " + simulator.sent() + " acknowledged by the broker, " + simulator.resent() + " sent again after crashes");
            }
            Reconciliation r;
            try (Connection c = DriverManager.getConnection(jdbcUrl(data), "postgres", null)) {
                r = Reconciliation.of(log, c, Duration.ofMinutes(3));
            }
            Files.writeString(folder.resolve("embedded-crash-report.md"), r.table());
            Files.writeString(Path.of("target", "embedded-crash-report.md"), "Embedded crash suite: " + MESSAGES + " messages at " + RATE
                    + "/s; run command SIGKILL three times (once with its PostgreSQL)\n\n" + r.table());
            say("\n" + r.table());
            assertEquals(MESSAGES, r.get("messages in the log"), "the simulator logged every message it sent");
            assertTrue(r.get("rejected expected") > 0 && r.get("patients with red readings") > 0,
                    "the run had refused messages and deteriorating patients to check: " + r.counts());
            assertTrue(r.ok(), r::table); // nothing missing, doubled, stored wrong or unsent; alerts once each

            system.stop(); // SIGTERM, as Ctrl-C
            List<String> lines = Files.readAllLines(systemLog);
            int gateway = lastLineWith(lines, "Gateway stopped");
            int broker = lastLineWith(lines, "Embedded MQTT broker stopped");
            int database = lastLineWith(lines, "Embedded PostgreSQL stopped");
            assertTrue(gateway >= 0 && gateway < broker && broker < database,
                    "on Ctrl-C the gateway stops first, then the broker, then the database; see " + systemLog);
        } finally {
            system.kill();
            for (long pid : databaseProcesses(data)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            }
        }
    }

    /** The embedded PostgreSQL's address, from the postmaster.pid of its folder (its port is chosen at each start). */
    private static String jdbcUrl(Path data) throws IOException {
        List<String> pid = Files.readAllLines(data.resolve("postgres").resolve("postmaster.pid"));
        return "jdbc:postgresql://127.0.0.1:" + pid.get(3).strip() + "/fsc";
    }

    /** The postmaster and its backends. */
    private static List<Long> databaseProcesses(Path data) {
        List<Long> pids = new ArrayList<>();
        try {
            long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postgres").resolve("postmaster.pid")).get(0).strip());
            Optional<ProcessHandle> p = ProcessHandle.of(postmaster);
            p.ifPresent(h -> {
                pids.add(h.pid());
                h.descendants().forEach(d -> pids.add(d.pid()));
            });
        } catch (IOException | RuntimeException e) {
            // not running
        }
        return pids;
    }

    private static int lastLineWith(List<String> lines, String text) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private static void say(String line) {
        System.out.println("[embedded-crash] " + line);
    }
}
