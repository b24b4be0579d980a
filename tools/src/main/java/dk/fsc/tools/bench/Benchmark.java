package dk.fsc.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dk.fsc.service.simulator.DeviceSimulator;
import dk.fsc.service.simulator.Kit;
import dk.fsc.service.simulator.SimulatedFleet;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code bin/benchmark}: the system's speed on this machine, with the real PostgreSQL and a
 * Mosquitto broker (docs/benchmarks.md). Phases, each optional with {@code --only}:
 * <ol>
 * <li>ceiling: the same messages through the broker into a bare Paho consumer writing with COPY;</li>
 * <li>ingest: the system's sustained ingest, publish to commit, with CPU and memory per process;
 * both after a warm-up that lasts until the JIT compilers are nearly done ({@link #warmUp});</li>
 * <li>drain: a backlog of {@code --drain-messages} queued while the system was down;</li>
 * <li>alerts: latency from a red reading's commit to its alert on the nurse's event stream under load;</li>
 * <li>history: a patient's 90-day history of one type over HTTP (the API and FHIR) on a table of at least
 * {@code --history-rows} readings (loaded once, kept in the benchmark database);</li>
 * <li>console: the nurse's console over HTTP, signed in through its form: the worklist with 500 open
 * alerts, and a patient's chart of one type over a year on the history phase's table;</li>
 * <li>support: FSC support's console over HTTP, signed in through its form: the device list filtered
 * over 50 000 devices and the ticket board over 10 000 open tickets (loaded once, kept);</li>
 * <li>storage: bytes per reading, table plus indexes;</li>
 * <li>fleet: {@code --fleet-sizes} devices (1 000, 5 000 and 10 000), each with its own MQTT connection and account, sending
 * kits on their own rhythm for {@code --fleet-seconds} each, a day lasting {@code --fleet-day-seconds}; then the largest
 * again with the broker restarted a third into it (the reconnect storm). See {@link FleetPhase}.</li>
 * </ol>
 * Prints each phase's figures as it goes, then all of them as a table, as Markdown rows for
 * docs/benchmarks.md and as JSON.
 */
public final class Benchmark {
    /** Readings per warm-up round after the first. */
    private static final long WARM_UP_ROUND = 50_000;
    /** The JIT compilers' CPU in a round (% of one core) under which a JVM counts as warm. */
    private static final int WARM_UP_QUIET_PERCENT = 5;
    /** The longest warm-up: a JVM that compiles on past this is measured as it is. */
    private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(150);
    private static final Set<String> PHASES = Set.of("ceiling", "ingest", "drain", "alerts", "history", "console", "support",
            "storage", "fleet");
    private static final Set<String> OPTIONS = Set.of("db", "only", "devices", "connections", "ingest-messages", "drain-messages",
            "alert-rate", "alert-seconds", "probes", "history-rows", "history-queries", "console-queries", "support-queries", "profile", "json",
            "fleet-sizes", "fleet-seconds", "fleet-day-seconds", "system-java");

    private final Map<String, String> args;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final Set<String> phases;
    private final String jdbc;
    private final Path folder;
    private final ProcessStats stats = new ProcessStats();
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private BenchProcesses.Broker broker;
    private BenchProcesses.SystemProcess system;
    private int httpPort;

    private Benchmark(Map<String, String> args) throws Exception {
        this.args = args;
        this.phases = args.containsKey("only") ? Set.of(args.get("only").split(",")) : PHASES;
        for (String p : phases) {
            if (!PHASES.contains(p)) {
                throw new IllegalArgumentException("unknown phase '" + p + "'; phases: " + PHASES);
            }
        }
        this.jdbc = args.getOrDefault("db", env("FSC_BENCH_DB_URL", "jdbc:postgresql://127.0.0.1:5432/fsc_bench?user=postgres"));
        this.folder = Files.createTempDirectory("fsc-benchmark");
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : argv) {
            int eq = arg.indexOf('=');
            String key = arg.startsWith("--") ? (eq < 0 ? arg.substring(2) : arg.substring(2, eq)) : "";
            if (!OPTIONS.contains(key)) {
                System.err.println("Unknown argument '" + arg + "'. Options: --" + String.join(" --", new java.util.TreeSet<>(OPTIONS))
                        + " (docs/benchmarks.md)");
                System.exit(2);
            }
            a.put(key, eq < 0 ? "true" : arg.substring(eq + 1));
        }
        int exit;
        try {
            exit = new Benchmark(a).run();
        } catch (Exception e) {
            System.err.println("Benchmark failed: " + e.getMessage());
            e.printStackTrace();
            exit = 1;
        }
        System.exit(exit);
    }

    private int run() throws Exception {
        say("Benchmark on " + Runtime.getRuntime().availableProcessors() + " cores; database " + jdbc.replaceAll("password=[^&]*", "password=…")
                + "; working folder " + folder);
        BenchDatabase.ensure(jdbc);
        String settings = BenchDatabase.settings(jdbc);
        say("Database settings: " + settings);
        if (settings.contains("autovacuum=off")) {
            // Neither Debian's default nor production's (ops/postgres/postgresql.conf): the queue tables
            // then keep every dead row of the run, and the figures understate (docs/benchmarks.md).
            say("  note: autovacuum is off on this server (Debian's default and production's setting is on):"
                    + " the evaluation queue and the keys keep their dead rows, so the figures will be lower");
        }
        results.put("date", LocalDate.now().toString());
        results.put("database settings", settings);
        results.put("cores", Runtime.getRuntime().availableProcessors());
        broker = new BenchProcesses.Broker(folder.resolve("mosquitto"));
        long self = ProcessHandle.current().pid();
        stats.watch("system", () -> system == null || system.pid() < 0 ? List.of() : List.of(system.pid()));
        stats.watch("postgres", () -> ProcessStats.byCommand("postgres"));
        stats.watch("mosquitto", () -> List.of(broker.process.pid()));
        stats.watch("load generator", () -> List.of(self));
        try {
            if (phases.contains("ceiling")) {
                ceiling();
            }
            system = new BenchProcesses.SystemProcess(BenchProcesses.SystemProcess.serviceJar(), systemEnvironment(), jvmOptions(),
                    folder.resolve("system.log"), "Gateway subscribed");
            system.start();
            awaitHttp();
            if (phases.contains("ingest")) {
                ingest();
            }
            if (phases.contains("drain")) {
                drain();
            }
            if (phases.contains("alerts")) {
                results.putAll(new AlertLatency(jdbc, broker.url(), httpPort, intArg("alert-rate", 2000), intArg("alert-seconds", 30),
                        intArg("probes", 5), stats).run());
            }
            if (phases.contains("history")) {
                results.putAll(new HistoryQueries(jdbc, httpPort, longArg("history-rows", 50_000_000), intArg("history-queries", 1000)).run());
            }
            if (phases.contains("console")) {
                results.putAll(new ConsolePages(jdbc, httpPort, intArg("console-queries", 1000)).run());
            }
            if (phases.contains("support")) {
                results.putAll(new SupportPages(jdbc, httpPort, intArg("support-queries", 500)).run());
            }
            if (phases.contains("storage")) {
                storage();
            }
            if (phases.contains("fleet")) {
                fleet();
            }
        } finally {
            if (system != null) {
                system.close();
            }
            broker.close();
            stats.close();
        }
        if (args.containsKey("profile") && Files.exists(folder.resolve("system.jfr"))) {
            Profile.print(folder.resolve("system.jfr"), 25);
        }
        report();
        return 0;
    }

    private Map<String, String> systemEnvironment() throws Exception {
        httpPort = BenchProcesses.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("FSC_DB_URL", jdbc);
        env.put("FSC_MQTT_URL", broker.url());
        env.put("FSC_HTTP_PORT", String.valueOf(httpPort));
        env.put("FSC_DATA_DIR", folder.resolve("system-data").toString());
        env.put("FSC_DEMO_DATA", "false");
        env.put("FSC_DEVICE_RATE", "0"); // thousands of simulated messages per device: far past a real device's limit
        env.put("FSC_GATEWAY_SHARE_GROUP", ""); // one gateway
        env.put("FSC_GATEWAY_CLIENT_ID", "fsc-bench-gateway");
        env.put("FSC_RATE_LIMIT", "100000"); // the history phase asks as fast as it can with one account
        env.put("FSC_RATE_LIMIT_BURST", "100000");
        return env;
    }

    private List<String> jvmOptions() {
        // The collector's pauses, to set beside a phase's tail latency (cheap: a line per collection).
        List<String> o = new ArrayList<>(List.of("-Xmx2g", "-Xlog:gc:file=" + folder.resolve("system-gc.log") + ":uptime"));
        if (args.containsKey("system-java")) {
            o.addAll(List.of(args.get("system-java").trim().split("\\s+"))); // to compare the collector's settings
        }
        if (args.containsKey("profile")) {
            // Written when the system stops (after the drain phase, or at the end).
            o.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + folder.resolve("system.jfr"));
        }
        return o;
    }

    /** Readings as fast as the broker takes them, from {@code --devices} devices over {@code --connections} connections. */
    private DeviceSimulator.Options load(long messages) {
        return DeviceSimulator.Options.defaults(broker.url())
                .withShares(0, 0, 0, 0, 0)
                .withLoad(0, messages, null, intArg("connections", 4))
                .withWindow(2000);
    }

    /**
     * A fleet of its own for each phase and run: progress is counted by the fleet's devices, and
     * earlier runs' rows would make every count slower (and the load less alike between runs).
     */
    private SimulatedFleet fleet(String phase) throws SQLException {
        return SimulatedFleet.create(jdbc, null, null, "bench-" + phase + "-" + runId, Kit.named("single", false), intArg("devices", 2000), null);
    }

    private void ceiling() throws Exception {
        long messages = longArg("ingest-messages", 300_000);
        say("Ceiling: " + messages + " readings through the broker into a bare Paho consumer writing with COPY ...");
        SimulatedFleet fleet = fleet("ceiling");
        long self = ProcessHandle.current().pid();
        try (BareCeiling bare = new BareCeiling(broker.url(), jdbc, null, null)) {
            // The consumer runs in this JVM: it warms up as the system does before its phase.
            warmUp("ceiling", self, messages, readings -> {
                long target = bare.committed() + readings;
                try (DeviceSimulator sim = new DeviceSimulator(fleet, load(readings)).start()) {
                    awaitCount(bare::committed, target, Duration.ofMinutes(10), bare::failure);
                }
            });
            long warmed = bare.committed();
            double jitBefore = ProcessStats.compilerSeconds(self);
            stats.begin();
            long start = System.nanoTime();
            try (DeviceSimulator sim = new DeviceSimulator(fleet, load(messages)).start()) {
                awaitCount(() -> bare.committed() - warmed, messages, Duration.ofMinutes(10), bare::failure);
            }
            double seconds = (bare.lastCommitNanos() - start) / 1e9;
            putJitShare("ceiling", self, jitBefore, start);
            putRate("ceiling", "bare ceiling (readings/s)", messages / seconds, stats.end());
        }
    }

    /** Sends a round of readings and returns when they are stored. */
    private interface WarmUpRound {
        void send(long readings) throws Exception;
    }

    /**
     * Warms a JVM up until its JIT compilers are nearly done: a first round of 50 000 readings (a
     * fifth of the phase's {@code messages} when fewer), then rounds of {@value #WARM_UP_ROUND} until the compiler threads of process
     * {@code pid} used under {@value #WARM_UP_QUIET_PERCENT} % of a core in the last round, for at
     * most {@link #WARM_UP_LIMIT}. A fixed 50 000 readings was too short on two cores: the
     * system's compilers still took 0.3–0.6 of a core through the measured phase, about the first
     * minute of a run (docs/benchmarks.md, "Warm until the compilers are done"), so "sustained"
     * measured the warm-up. Returns the readings it sent.
     */
    private long warmUp(String phase, long pid, long messages, WarmUpRound round) throws Exception {
        long started = System.nanoTime();
        long sent = 0;
        long next = Math.min(50_000, messages / 5);
        double percent;
        while (true) {
            double jitBefore = ProcessStats.compilerSeconds(pid);
            long roundStart = System.nanoTime();
            round.send(next);
            sent += next;
            percent = Math.max(0, ProcessStats.compilerSeconds(pid) - jitBefore) / ((System.nanoTime() - roundStart) / 1e9) * 100;
            if (percent < WARM_UP_QUIET_PERCENT || System.nanoTime() - started > WARM_UP_LIMIT.toNanos()) {
                break;
            }
            next = WARM_UP_ROUND;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        say(String.format(Locale.ROOT, "  warmed up with %,d readings in %.0f s; the JIT compilers used %.0f %% of a core in the last round%s",
                sent, seconds, percent, percent < WARM_UP_QUIET_PERCENT ? "" : " (stopped at the limit)"));
        results.put(phase + " warm-up (readings)", sent);
        results.put(phase + " warm-up (s)", Math.round(seconds));
        results.put(phase + " warm-up's last round: JIT compilers (% of one core)", Math.round(percent));
        return sent;
    }

    /** The JIT compilers' CPU over a measured phase, to show whether it ran warm. */
    private void putJitShare(String phase, long pid, double secondsBefore, long phaseStart) {
        double percent = Math.max(0, ProcessStats.compilerSeconds(pid) - secondsBefore) / ((System.nanoTime() - phaseStart) / 1e9) * 100;
        results.put(phase + " CPU JIT compilers (% of one core)", Math.round(percent));
        say(String.format(Locale.ROOT, "  the JIT compilers used %.0f %% of a core during the phase", percent));
    }

    private void ingest() throws Exception {
        long messages = longArg("ingest-messages", 300_000);
        SimulatedFleet fleet = fleet("ingest");
        try (StoredInDatabase check = new StoredInDatabase(jdbc, fleet)) {
            say("Sustained ingest: warming up until the system's JIT compilers are nearly done (not counted) ...");
            long warmedUp = warmUp("ingest", system.pid(), messages, readings -> {
                StoredCounter warm = new StoredCounter(httpPort, false);
                try (DeviceSimulator sim = new DeviceSimulator(fleet, load(readings)).start()) {
                    awaitCount(warm::count, readings, Duration.ofMinutes(10), () -> null);
                }
            });
            say("Sustained ingest: " + messages + " single-observation readings, publish to commit ...");
            StoredCounter stored = new StoredCounter(httpPort, false);
            double jitBefore = ProcessStats.compilerSeconds(system.pid());
            GatewayBatches batchesBefore = GatewayBatches.read(httpPort);
            stats.begin();
            long start = System.nanoTime();
            long done;
            try (DeviceSimulator sim = new DeviceSimulator(fleet, load(messages)).start()) {
                done = awaitCount(stored::count, messages, Duration.ofMinutes(15), () -> null);
            }
            putJitShare("ingest", system.pid(), jitBefore, start);
            putBatches("ingest", batchesBefore, start, results);
            putRate("ingest", "sustained ingest (readings/s)", messages / ((done - start) / 1e9), stats.end());
            check.expect(warmedUp + messages);
            evaluationsCaughtUp("ingest", done);
        }
        results.put("sustained ingest (observations/s)", results.get("sustained ingest (readings/s)"));
        if (results.containsKey("bare ceiling (readings/s)")) {
            double ratio = ((Number) results.get("sustained ingest (readings/s)")).doubleValue()
                    / ((Number) results.get("bare ceiling (readings/s)")).doubleValue();
            results.put("ratio to bare ceiling", Math.round(ratio * 100) / 100.0);
            say(String.format(Locale.ROOT, "  ratio to the bare ceiling: %.2f", ratio));
        }
    }

    private void drain() throws Exception {
        long messages = longArg("drain-messages", 1_000_000);
        SimulatedFleet fleet = fleet("drain");
        try (StoredInDatabase check = new StoredInDatabase(jdbc, fleet)) {
            say("Drain: system stopped; queueing " + messages + " readings in its broker session ...");
            system.stop();
            try (DeviceSimulator sim = new DeviceSimulator(fleet, load(messages)).start()) {
                sim.awaitFinished(Duration.ofMinutes(30));
                say(String.format(Locale.ROOT, "  queued %,d in %.0f s (%,.0f/s into the broker)", sim.sent(), sim.seconds(), sim.sent() / sim.seconds()));
                results.put("broker intake while the system is down (messages/s)", Math.round(sim.sent() / sim.seconds()));
            }
            say("  starting the system ...");
            stats.begin();
            long subscribed = system.start();
            double jitBefore = ProcessStats.compilerSeconds(system.pid()); // a cold JVM: a drain follows a restart
            StoredCounter stored = new StoredCounter(httpPort, true); // a new process: its counter starts at zero
            long done = awaitCount(stored::count, messages, Duration.ofMinutes(30), () -> null);
            putJitShare("drain", system.pid(), jitBefore, subscribed);
            putRate("drain", "drain (readings/s)", messages / ((done - subscribed) / 1e9), stats.end());
            check.expect(messages);
            evaluationsCaughtUp("drain", done);
        }
    }

    /**
     * How long after the phase's last commit the evaluation workers had evaluated every patient of
     * it: the phase's rate counts storing only, and evaluations the system leaves for later
     * (docs/operations.md, "Evaluations during a flood") must show somewhere. Polled five times a
     * second after the clock stopped, for at most five minutes.
     */
    private void evaluationsCaughtUp(String phase, long lastCommitNanos) throws Exception {
        long waiting = BenchDatabase.awaitNoEvaluationsWaiting(jdbc, Duration.ofMinutes(5), 200);
        double seconds = (System.nanoTime() - lastCommitNanos) / 1e9;
        if (waiting == 0) {
            results.put(phase + " evaluations caught up (s after its last commit)", Math.round(seconds * 10) / 10.0);
            say(String.format(Locale.ROOT, "  every patient evaluated %.1f s after the last commit", seconds));
        } else {
            say(String.format(Locale.ROOT, "  %d patients still waiting for evaluation %.0f s after the last commit", waiting, seconds));
        }
    }

    /**
     * The fleet phase on a broker of its own, with accounts: the system is started again with its
     * gateway on that broker (the other phases' broker is anonymous).
     */
    private void fleet() throws Exception {
        List<Integer> sizes = java.util.Arrays.stream(args.getOrDefault("fleet-sizes", "1000,5000,10000").split(","))
                .map(String::strip).map(Integer::parseInt).toList();
        int largest = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        int seconds = intArg("fleet-seconds", 60);
        double daySeconds = Double.parseDouble(args.getOrDefault("fleet-day-seconds", "10"));
        say("Fleet: registering " + largest + " devices with broker accounts ...");
        try (FleetPhase fleet = new FleetPhase(jdbc, folder.resolve("fleet"), largest)) {
            stats.watch("fleet broker", () -> fleet.brokerPid() < 0 ? List.of() : List.of(fleet.brokerPid()));
            system.stop();
            Map<String, String> env = systemEnvironment();
            env.putAll(fleet.systemEnvironment());
            env.put("FSC_DEVICE_RATE", "10"); // a real device's limit: each sends a few messages a (compressed) day
            system = new BenchProcesses.SystemProcess(BenchProcesses.SystemProcess.serviceJar(), env, jvmOptions(),
                    folder.resolve("system-fleet.log"), "Gateway subscribed");
            system.start();
            awaitHttp();
            for (int size : sizes) {
                results.putAll(fleetRun(fleet, size, seconds, daySeconds, false));
            }
            results.putAll(fleetRun(fleet, largest, seconds, daySeconds, true));
        }
    }

    /**
     * One fleet run, with what the system's gateway did during it (from connecting to the last
     * reply): its batches, how many messages each took and how long each took to write and
     * commit, the part of a device's wait for its reply that is the database's.
     */
    private Map<String, Object> fleetRun(FleetPhase fleet, int size, int seconds, double daySeconds, boolean storm) throws Exception {
        GatewayBatches before = GatewayBatches.read(httpPort);
        long start = System.nanoTime();
        Map<String, Object> r = new LinkedHashMap<>(fleet.run(size, seconds, daySeconds, storm, stats));
        putBatches(FleetPhase.name(size, storm), before, start, r);
        return r;
    }

    /** The gateway's batch timer and sizes at a moment, to report what it did between two. */
    private record GatewayBatches(HttpClient http, URI metrics, SystemTimers commit, double[] sizes) {
        static GatewayBatches read(int httpPort) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            URI metrics = metricsUri(httpPort);
            return new GatewayBatches(http, metrics, SystemTimers.read(http, metrics, "fsc_gateway_batch_commit"), batchSizes(http, metrics));
        }
    }

    /**
     * What the gateway's batch writer did since {@code before}: its batches, how many messages
     * each took, how long each took to write and commit, and the share of the time since
     * {@code startNanos} it spent doing so (near 100 % when the one writer is what limits).
     */
    private static void putBatches(String name, GatewayBatches before, long startNanos, Map<String, Object> r) throws Exception {
        double[] sizesAfter = batchSizes(before.http(), before.metrics());
        double elapsedMillis = (System.nanoTime() - startNanos) / 1e6;
        SystemTimers.read(before.http(), before.metrics(), "fsc_gateway_batch_commit").since(before.commit()).values().stream().findFirst().ifPresent(commit -> {
            double batches = sizesAfter[1] - before.sizes()[1];
            double perBatch = batches == 0 ? 0 : (sizesAfter[0] - before.sizes()[0]) / batches;
            double busy = batches * commit.meanMillis() / elapsedMillis * 100;
            r.put(name + ": gateway batches", Math.round(batches));
            r.put(name + ": gateway messages per batch, mean", Math.round(perBatch * 10) / 10.0);
            r.put(name + ": gateway batch written and committed, mean (ms)", Math.round(commit.meanMillis() * 10) / 10.0);
            r.put(name + ": gateway batch written and committed, p99 bucket (ms)", Math.round(commit.percentileBoundMillis(99) * 10) / 10.0);
            r.put(name + ": gateway batch writer writing and committing (% of the time)", Math.round(busy));
            say(String.format(Locale.ROOT, "  %s: the gateway wrote %,.0f batches of %.1f messages on average, each written and "
                    + "committed in %.1f ms on average (p99 ≤ %.0f ms): %.0f %% of the time", name, batches, perBatch, commit.meanMillis(),
                    commit.percentileBoundMillis(99), busy));
        });
    }

    /** The gateway's batch sizes so far: messages in all, and batches. */
    private static double[] batchSizes(HttpClient http, URI metrics) throws Exception {
        double[] sumAndCount = new double[2];
        for (String line : systemMetrics(http, metrics)) {
            if (line.startsWith("fsc_gateway_batch_size_sum")) {
                sumAndCount[0] += metricValue(line);
            } else if (line.startsWith("fsc_gateway_batch_size_count")) {
                sumAndCount[1] += metricValue(line);
            }
        }
        return sumAndCount;
    }

    private void storage() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            if (HistoryQueries.timescale(c)) {
                timescaleStorage(s);
                return;
            }
            s.execute("ANALYZE readings, device_messages, reading_rollups_hourly, reading_rollups_daily");
            // Partitioned tables hold no bytes themselves: each sums its partitions (pg_partition_tree).
            try (ResultSet rs = s.executeQuery("""
                    SELECT (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('readings')),
                           (SELECT count(*) FROM readings),
                           (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('device_messages')),
                           (SELECT count(*) FROM device_messages),
                           (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('reading_rollups_hourly'))
                             + pg_total_relation_size('reading_rollups_daily')""")) {
                rs.next();
                RowBytes measured = storageFigures(rs.getDouble(1), rs.getLong(2), rs.getDouble(3), rs.getLong(4), rs.getDouble(5));
                double closed = closedMonthBytes(s, rs.getDouble(1), rs.getLong(2));
                steadyState(closed * (READINGS_KEPT_DAYS - OPEN_DAYS) / READINGS_KEPT_DAYS
                        + measured.perObservation() * OPEN_DAYS / READINGS_KEPT_DAYS, measured.perMessage());
            }
        }
    }

    /**
     * Bytes per observation row once its month is closed and its index packed (PartitionMaintenance.packClosedMonths), as a
     * region stores all but its newest months: the readings' partitions with the index as it would be packed, measured on
     * a packed copy built beside it and dropped again (the database is left as the ingest wrote it).
     */
    private double closedMonthBytes(Statement s, double readingBytes, long readings) throws SQLException {
        double indexes = 0;
        double packed = 0;
        List<String> partitions = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("""
                SELECT quote_ident(c.relname), pg_indexes_size(c.oid) FROM pg_partition_tree('readings') t JOIN pg_class c ON c.oid = t.relid
                 WHERE t.isleaf AND pg_relation_size(c.oid) > 0""")) {
            while (rs.next()) {
                partitions.add(rs.getString(1));
                indexes += rs.getDouble(2);
            }
        }
        for (String partition : partitions) {
            s.execute("CREATE INDEX fsc_benchmark_packed ON " + partition + " (patient_id, type, measured_at) WITH (fillfactor = 100)");
            try (ResultSet rs = s.executeQuery("SELECT pg_relation_size('fsc_benchmark_packed')")) {
                rs.next();
                packed += rs.getDouble(1);
            } finally {
                s.execute("DROP INDEX fsc_benchmark_packed");
            }
        }
        double perRow = (readingBytes - indexes + packed) / Math.max(1, readings);
        results.put("bytes per observation row in a closed month (index packed; computed from a packed copy)", Math.round(perRow));
        say(String.format(Locale.ROOT, "Storage: %,.0f bytes per observation row once its month is closed (index %,.0f bytes a row "
                + "as written, %,.0f packed)", perRow, indexes / Math.max(1, readings), packed / Math.max(1, readings)));
        return perRow;
    }

    /**
     * On TimescaleDB: the hypertable's bytes (compressed chunks and the newest, not compressed
     * ones) and, apart, what a reading costs in the compressed chunks, where all but the last
     * month of ten years are; rollups are the continuous aggregates' materializations.
     */
    private void timescaleStorage(Statement s) throws SQLException {
        s.execute("ANALYZE readings, device_messages");
        double hypertableBytes;
        long readingCount;
        RowBytes measured;
        try (ResultSet rs = s.executeQuery("""
                SELECT hypertable_size('readings'), (SELECT count(*) FROM readings),
                       (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('device_messages')),
                       (SELECT count(*) FROM device_messages),
                       (SELECT sum(hypertable_size(CAST(format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name)
                                                        AS regclass)))
                          FROM timescaledb_information.continuous_aggregates)""")) {
            rs.next();
            hypertableBytes = rs.getDouble(1);
            readingCount = rs.getLong(2);
            measured = storageFigures(rs.getDouble(1), rs.getLong(2), rs.getDouble(3), rs.getLong(4), rs.getDouble(5));
        }
        try (ResultSet rs = s.executeQuery("""
                WITH z AS (SELECT max(range_end) AS until FROM timescaledb_information.chunks
                            WHERE hypertable_name = 'readings' AND is_compressed)
                SELECT (SELECT sum(after_compression_total_bytes) FROM chunk_compression_stats('readings')),
                       (SELECT sum(before_compression_total_bytes) FROM chunk_compression_stats('readings')),
                       (SELECT count(*) FROM readings, z WHERE measured_at < z.until),
                       (SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'readings' AND is_compressed),
                       (SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'readings')""")) {
            rs.next();
            long compressedRows = rs.getLong(3);
            double after = rs.getDouble(1) / Math.max(1, compressedRows);
            double before = rs.getDouble(2) / Math.max(1, compressedRows);
            results.put("TimescaleDB: chunks compressed / all", rs.getLong(4) + " / " + rs.getLong(5));
            results.put("TimescaleDB: readings in compressed chunks", compressedRows);
            results.put("TimescaleDB: bytes per observation row in compressed chunks (before compression)",
                    Math.round(after) + " (" + Math.round(before) + ")");
            // At steady state all but the newest COMPRESS_AFTER_DAYS of the readings are compressed. A store with few of its
            // readings compressed (a short history) gives no such figure: a few small compressed chunks weigh their overhead.
            if (compressedRows >= readingCount / 2 && compressedRows < readingCount) {
                double uncompressed = (hypertableBytes - rs.getDouble(1)) / (readingCount - compressedRows);
                steadyState(after * (READINGS_KEPT_DAYS - COMPRESS_AFTER_DAYS) / READINGS_KEPT_DAYS
                        + uncompressed * COMPRESS_AFTER_DAYS / READINGS_KEPT_DAYS, measured.perMessage());
            } else {
                say("Storage at steady state: no figure (fewer than half of the readings are in compressed chunks: load a year of "
                        + "history, --history-rows=50000000)");
            }
            say(String.format(Locale.ROOT, "Storage (TimescaleDB): %,.0f bytes per reading in the %d compressed chunks (%,.0f before "
                    + "compression), %,d readings in them", after, rs.getLong(4), before, compressedRows));
        }
    }

    /** The readings' retention (fsc.retention.readings) and TimescaleDB's compress-after, the defaults: what a region keeps. */
    static final double READINGS_KEPT_DAYS = 3650;
    static final double COMPRESS_AFTER_DAYS = 30;
    /**
     * On plain PostgreSQL, the days of readings in months not packed yet: the current month and the one before until the backlog
     * window (30 days) and a day have passed since it ended; on average about a month and a half.
     */
    static final double OPEN_DAYS = 46;
    /**
     * How long an idempotency key is kept at most: its retention (fsc.retention.device-messages, 62 days) plus the month
     * its partition spans, since keys go by whole monthly partitions.
     */
    static final double KEYS_KEPT_DAYS = 62 + 31;

    /** Bytes per observation row (readings with their index) and per message (its idempotency key with its index). */
    private record RowBytes(double perObservation, double perMessage) {
    }

    private RowBytes storageFigures(double readingBytes, long readings, double messageBytes, long messages, double rollupBytes) {
        double perObservation = readingBytes / Math.max(1, readings);
        // Without message rows (a database loaded only with history) the keys' empty partitions are no figure per message.
        double perMessage = messages == 0 ? 0 : messageBytes / messages;
        double rollups = rollupBytes / Math.max(1, readings);
        results.put("readings in the database", readings);
        results.put("bytes per observation row (readings, with indexes)", Math.round(perObservation));
        results.put("bytes per message row (device_messages, with indexes)", messages == 0 ? "no message rows" : Math.round(perMessage));
        results.put("bytes per reading", Math.round(perObservation + perMessage));
        results.put("rollup bytes per reading (hourly and daily, with indexes; not in bytes per reading)", Math.round(rollups));
        say(String.format(Locale.ROOT, "Storage: %,.0f bytes per single-observation reading (%,.0f observation row + %,.0f idempotency row), "
                + "plus %,.0f in rollups, over %,d rows", perObservation + perMessage, perObservation, perMessage, rollups, readings));
        return new RowBytes(perObservation, perMessage);
    }

    /**
     * Bytes per reading in a region's store at steady state, computed from the figures measured: ten years of readings at
     * {@code perObservation} each, and only the keys of the last {@link #KEYS_KEPT_DAYS} (retention), one message per reading
     * (the worst case: a kit's message carries several readings under one key). No figure without message rows.
     */
    private void steadyState(double perObservation, double perMessage) {
        if (perMessage == 0) {
            say("Storage at steady state: no figure (no idempotency keys measured: run the ingest phase too)");
            return;
        }
        double bytes = perObservation + perMessage * KEYS_KEPT_DAYS / READINGS_KEPT_DAYS;
        results.put("bytes per reading at steady state (10 years of readings, keys of the last 93 days; computed)", Math.round(bytes));
        say(String.format(Locale.ROOT, "Storage at steady state: %,.0f bytes per reading (%,.0f a reading + %,.0f a key x %.0f / %.0f days)",
                bytes, perObservation, perMessage, KEYS_KEPT_DAYS, READINGS_KEPT_DAYS));
    }

    private void putRate(String phase, String name, double rate, Map<String, ProcessStats.Usage> usage) {
        results.put(name, Math.round(rate));
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %s: %,.0f", name, rate));
        usage.forEach((process, u) -> {
            results.put(phase + " CPU " + process + " (% of one core)", Math.round(u.cpuPercent()));
            results.put(phase + " peak memory " + process + " (MB)", Math.round(u.peakMemoryMb()));
            line.append(String.format(Locale.ROOT, "; %s %.0f%% CPU, %.0f MB", process, u.cpuPercent(), u.peakMemoryMb()));
        });
        say(line.toString());
    }

    /**
     * Waits until the counter reaches the target; returns System.nanoTime() of the first poll that
     * saw it. Polls once a second while the target is more than two seconds away at the rate seen
     * since the last poll, then ten times a second (four while nothing moves): a poll of the system
     * renders its whole {@code /prometheus} (about 40 KB), and four a second throughout took about
     * a tenth of the system's CPU in the ingest it measured (docs/benchmarks.md, "Evaluations
     * planned once").
     */
    private static long awaitCount(LongSupplier count, long target, Duration timeout, java.util.function.Supplier<Exception> failure) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastReport = System.nanoTime();
        long lastCount = -1;
        long lastPoll = 0;
        boolean near = false;
        while (true) {
            long now = count.getAsLong();
            long polled = System.nanoTime();
            if (now >= target) {
                return polled;
            }
            if (failure.get() != null) {
                throw failure.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + now + " of " + target + " stored after " + timeout.toMinutes() + " min");
            }
            if (System.nanoTime() - lastReport > 10_000_000_000L) {
                say(String.format(Locale.ROOT, "    %,d of %,d stored", now, target));
                lastReport = System.nanoTime();
            }
            long pause;
            if (lastCount < 0) {
                pause = 250;
            } else if (now == lastCount) {
                pause = near ? 100 : 250; // a stall (a start, a checkpoint): no rate to go by
            } else {
                double perSecond = (now - lastCount) * 1e9 / (polled - lastPoll);
                near = near || (target - now) / perSecond <= 2;
                pause = near ? 100 : 1_000;
            }
            Thread.sleep(pause);
            lastCount = now;
            lastPoll = polled;
        }
    }

    /** Where the system on {@code httpPort} shows its metrics. */
    static URI metricsUri(int httpPort) {
        return URI.create("http://127.0.0.1:" + httpPort + "/prometheus");
    }

    /** The lines of the system's metrics ({@code /prometheus}, Prometheus' text format). */
    static List<String> systemMetrics(HttpClient http, URI metrics) throws IOException, InterruptedException {
        return List.of(http.send(HttpRequest.newBuilder(metrics).GET().build(), HttpResponse.BodyHandlers.ofString()).body().split("\n"));
    }

    /**
     * Until the system's HTTP server answers: it starts after the gateway has subscribed (the
     * start's ready line), and a phase that begins by signing in (alerts or history alone) was
     * refused its connection on a large database.
     */
    private void awaitHttp() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long giveUp = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            try {
                systemMetrics(http, metricsUri(httpPort));
                return;
            } catch (ConnectException e) {
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("the system's HTTP server did not answer in 2 minutes; see system.log", e);
                }
                Thread.sleep(200);
            }
        }
    }

    /** The value of a metric's line: what follows its last space. */
    static double metricValue(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    /**
     * Reading messages the system has committed since this counter was made, as its gateway counts
     * them after each commit ({@code fsc_gateway_readings_stored_total} on {@code /prometheus}). Not
     * a count in the database: polled ten times a second, {@code count(*)} over the fleet's keys
     * took 150 ms each once the keys of earlier runs were there, and cost PostgreSQL more than half
     * a core of the very ingest it measured (docs/benchmarks.md, 2026-12-03). The database is asked
     * once at the end instead ({@link StoredInDatabase}).
     */
    private static final class StoredCounter {
        private static final HttpClient HTTP = HttpClient.newHttpClient();
        private final URI metrics;
        private final long before;

        StoredCounter(int httpPort, boolean fromProcessStart) {
            metrics = metricsUri(httpPort);
            before = fromProcessStart ? 0 : raw();
        }

        private long raw() {
            // The gateway subscribes before the HTTP server listens: right after a start, wait for it.
            long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    for (String line : systemMetrics(HTTP, metrics)) {
                        if (line.startsWith("fsc_gateway_readings_stored_total")) {
                            return (long) metricValue(line);
                        }
                    }
                    // Registered when the gateway starts: missing means the name changed, not "none yet".
                    throw new IllegalStateException("the system's metrics at " + metrics + " have no fsc_gateway_readings_stored_total");
                } catch (ConnectException e) {
                    if (System.nanoTime() > giveUp) {
                        throw new IllegalStateException("the system's metrics at " + metrics + " did not answer in 60 s", e);
                    }
                    pause();
                } catch (IOException e) {
                    throw new IllegalStateException("the system's metrics at " + metrics + " cannot be read: " + e, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }

        private static void pause() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        long count() {
            return raw() - before;
        }
    }

    /**
     * The fleet's idempotency keys in the database, counted when made and again by {@link #expect}
     * after the phase's clock has stopped: the phase fails unless exactly the expected number of
     * messages was stored, so the gateway's counter cannot claim what the database does not hold.
     */
    private static final class StoredInDatabase implements AutoCloseable {
        private final Connection c;
        private final PreparedStatement count;
        private final long before;

        StoredInDatabase(String jdbc, SimulatedFleet fleet) throws SQLException {
            c = DriverManager.getConnection(jdbc);
            count = c.prepareStatement("SELECT count(*) FROM device_messages WHERE device_id = ANY(?)");
            count.setArray(1, c.createArrayOf("text", fleet.devices().stream().map(SimulatedFleet.Device::id).toArray()));
            before = raw();
        }

        private long raw() throws SQLException {
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }

        void expect(long messages) throws SQLException {
            long stored = raw() - before;
            if (stored != messages) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "the database holds %,d new messages of this fleet, not the %,d sent and counted as stored", stored, messages));
            }
        }

        @Override
        public void close() throws SQLException {
            c.close();
        }
    }

    private void report() throws Exception {
        System.out.println();
        System.out.println("| figure | value |");
        System.out.println("|---|---|");
        results.forEach((k, v) -> System.out.println("| " + k + " | " + v + " |"));
        System.out.println();
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String text = json.writeValueAsString(results);
        System.out.println(text);
        if (args.containsKey("json")) {
            Files.writeString(Path.of(args.get("json")), text);
        }
    }

    static void say(String line) {
        System.err.println(line);
    }

    private int intArg(String name, int fallback) {
        return Integer.parseInt(args.getOrDefault(name, String.valueOf(fallback)));
    }

    private long longArg(String name, long fallback) {
        return Long.parseLong(args.getOrDefault(name, String.valueOf(fallback)).replace("_", ""));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
