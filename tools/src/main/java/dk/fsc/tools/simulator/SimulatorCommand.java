package dk.fsc.tools.simulator;

import dk.fsc.service.simulator.DeviceSimulator;
import dk.fsc.service.simulator.Kit;
import dk.fsc.service.simulator.SimulatedFleet;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code bin/simulate}: plays home devices against a running system (docs/simulator.md), or with
 * {@code --check} reconciles a simulator log against the database.
 */
public final class SimulatorCommand {
    private static final Set<String> KNOWN = Set.of("db", "db-user", "db-password", "broker", "username", "password", "org",
            "devices", "kit", "rate", "messages", "seconds", "connections", "bad", "photos", "status", "deteriorate", "backlog",
            "log", "seed", "check", "wait");

    private SimulatorCommand() {
    }

    /** Wrong options and numbers are answered in one line, exit code 2, without a stack trace. */
    public static void main(String[] argv) throws Exception {
        if (argv.length == 1 && (argv[0].equals("--help") || argv[0].equals("-h"))) {
            System.out.println("bin/simulate " + options() + "; bin/simulate --check --log=FILE reconciles a run (docs/simulator.md)");
            return;
        }
        try {
            run(argv);
        } catch (IllegalArgumentException e) { // NumberFormatException too
            System.err.println("bin/simulate: " + e.getMessage() + (e instanceof NumberFormatException ? "; " + options() : ""));
            System.exit(2);
        }
    }

    private static void run(String[] argv) throws Exception {
        Map<String, String> a = parse(argv);
        String db = a.getOrDefault("db", env("FSC_DB_URL", "jdbc:postgresql://127.0.0.1:5432/fsc"));
        String dbUser = a.getOrDefault("db-user", System.getenv("FSC_DB_USER"));
        String dbPassword = a.getOrDefault("db-password", System.getenv("FSC_DB_PASSWORD"));
        Path log = Path.of(a.getOrDefault("log", "simulator-log.tsv")).toAbsolutePath();
        if (a.containsKey("check")) {
            try (Connection c = DriverManager.getConnection(db, dbUser, dbPassword)) {
                Reconciliation r = Reconciliation.of(log, c, Duration.ofSeconds(Long.parseLong(a.getOrDefault("wait", "60"))));
                System.out.print(r.table());
                System.exit(r.ok() ? 0 : 1);
            }
        }
        Kit kit = Kit.named(a.getOrDefault("kit", "copd"), Double.parseDouble(a.getOrDefault("photos", "0.002")) > 0);
        int devices = Integer.parseInt(a.getOrDefault("devices", "60"));
        String org = a.getOrDefault("org", "sim");
        SimulatedFleet fleet = SimulatedFleet.create(db, dbUser, dbPassword, org, kit, devices, null);
        long seconds = Long.parseLong(a.getOrDefault("seconds", "0"));
        // The same account variables as the service's simulator (README), so one export serves both.
        String username = a.getOrDefault("username", System.getenv("FSC_SIMULATOR_MQTT_USERNAME"));
        DeviceSimulator.Options o = DeviceSimulator.Options.defaults(a.getOrDefault("broker", env("FSC_MQTT_URL", "tcp://127.0.0.1:1883")))
                .withCredentials(username, username == null ? null : a.getOrDefault("password", System.getenv("FSC_SIMULATOR_MQTT_PASSWORD")))
                .withLoad(Double.parseDouble(a.getOrDefault("rate", "10")), Long.parseLong(a.getOrDefault("messages", "0")),
                        seconds > 0 ? Duration.ofSeconds(seconds) : null, Integer.parseInt(a.getOrDefault("connections", "1")))
                .withShares(Double.parseDouble(a.getOrDefault("bad", "0.01")), Double.parseDouble(a.getOrDefault("photos", "0.002")),
                        Double.parseDouble(a.getOrDefault("status", "0.01")), Double.parseDouble(a.getOrDefault("deteriorate", "0.05")),
                        Double.parseDouble(a.getOrDefault("backlog", "0.05")))
                .withLog(log);
        if (a.containsKey("seed")) {
            o = o.withSeed(Long.parseLong(a.get("seed")));
        }
        System.err.printf(Locale.ROOT, "Simulating %d devices (%s kit) of organisation %s against %s; log: %s%n",
                fleet.devices().size(), kit.name(), org, o.brokerUrl(), log);
        try (DeviceSimulator sim = new DeviceSimulator(fleet, o).start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
            long last = 0;
            while (!sim.awaitFinished(Duration.ofSeconds(5))) {
                long now = sim.sent();
                System.err.printf(Locale.ROOT, "  %,d messages acknowledged (%,.0f/s in the last 5 s), %,d resent%n", now, (now - last) / 5.0, sim.resent());
                last = now;
            }
            System.err.printf(Locale.ROOT, "Done: %,d messages in %.1f s (%,.0f/s), %,d resent, %,d refused by the broker. Check with: "
                    + "bin/simulate --check --log=%s%n", sim.sent(), sim.seconds(), sim.sent() / sim.seconds(), sim.resent(), sim.refusedByBroker(), log);
        }
        System.exit(0);
    }

    static Map<String, String> parse(String[] argv) {
        Map<String, String> a = new HashMap<>();
        for (String arg : argv) {
            if (!arg.startsWith("--")) {
                throw usage("unexpected argument '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            String key = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            if (!KNOWN.contains(key)) {
                throw usage("unknown option --" + key);
            }
            a.put(key, eq < 0 ? "true" : arg.substring(eq + 1));
        }
        return a;
    }

    private static IllegalArgumentException usage(String problem) {
        return new IllegalArgumentException(problem + "; " + options());
    }

    private static String options() {
        return "options: --" + String.join(" --", new java.util.TreeSet<>(KNOWN)) + " (docs/simulator.md)";
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
