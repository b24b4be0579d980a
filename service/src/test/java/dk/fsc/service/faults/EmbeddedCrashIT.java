package dk.fsc.service.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.bench.BenchProcesses;
import dk.fsc.service.simulator.DeviceSimulator;
import dk.fsc.service.simulator.Kit;
import dk.fsc.service.simulator.SimulatedFleet;
import dk.fsc.service.simulator.SimulatorLog;
import dk.fsc.service.testing.TestInfrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
        BenchProcesses.SystemProcess system = new BenchProcesses.SystemProcess(Path.of("target", "fsc-service.jar").toAbsolutePath(),
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
                awaitStored(data, MESSAGES / 4);
                system.kill();
                say("run command killed (SIGKILL) at " + stored(data) + " stored; its PostgreSQL left running");
                system.start();
                say("started again on the same folder");

                awaitStored(data, MESSAGES / 2);
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

                awaitStored(data, MESSAGES * 3 / 4);
                system.kill();
                say("run command killed (SIGKILL) at " + stored(data) + " stored");
                system.start();

                assertTrue(simulator.awaitFinished(Duration.ofMinutes(10)), "the simulator finished sending");
                assertEquals(0, simulator.refusedByBroker(), "the broker let the simulator publish");
                say("simulator: " + simulator.sent() + " acknowledged by the broker, " + simulator.resent() + " sent again after crashes");
            }
            SimulatorLog.Reconciliation r;
            try (Connection c = DriverManager.getConnection(jdbcUrl(data), "postgres", null)) {
                r = SimulatorLog.reconcile(log, c, Duration.ofMinutes(3));
            }
            Files.writeString(folder.resolve("embedded-crash-report.md"), r.table());
            Files.writeString(Path.of("target", "embedded-crash-report.md"), "Embedded crash suite: " + MESSAGES + " messages at " + RATE
                    + "/s; run command SIGKILL three times (once with its PostgreSQL)\n\n" + r.table());
            say("\n" + r.table());
            assertEquals(MESSAGES, r.get("messages in the log"), "the simulator logged every message it sent");
            assertEquals(0, r.get("accepted missing"), r::table);
            assertEquals(0, r.get("accepted doubled"), r::table);
            assertEquals(0, r.get("accepted stored wrong"), r::table);
            assertEquals(0, r.get("rejected missing from quarantine"), r::table);
            assertEquals(0, r.get("rejected but stored"), r::table);
            assertEquals(0, r.get("stored but never sent"), r::table);
            assertEquals(0, r.get("alerts missing"), r::table);
            assertEquals(0, r.get("alerts doubled"), r::table);
            assertEquals(0, r.get("alerts unexpected"), r::table);

            system.stop(); // SIGTERM, as Ctrl-C
            List<String> lines = Files.readAllLines(systemLog);
            int gateway = lines.lastIndexOf(lines.stream().filter(l -> l.contains("Gateway stopped")).reduce((a, b) -> b).orElse("?"));
            int broker = lines.lastIndexOf(lines.stream().filter(l -> l.contains("Embedded MQTT broker stopped")).reduce((a, b) -> b).orElse("?"));
            int database = lines.lastIndexOf(lines.stream().filter(l -> l.contains("Embedded PostgreSQL stopped")).reduce((a, b) -> b).orElse("?"));
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

    private static long stored(Path data) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(data), "postgres", null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM device_messages) + (SELECT count(*) FROM quarantine)")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException | IOException e) {
            return -1; // starting
        }
    }

    private static void awaitStored(Path data, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + STAGE.toNanos();
        long now = 0;
        while (System.nanoTime() < deadline) {
            now = stored(data);
            if (now >= atLeast) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("only " + now + " of " + atLeast + " messages stored after " + STAGE.toSeconds() + " s");
    }

    private static void say(String line) {
        System.out.println("[embedded-crash] " + line);
    }
}
