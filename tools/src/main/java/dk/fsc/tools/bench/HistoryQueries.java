package dk.fsc.tools.bench;

import dk.fsc.service.lifecycle.TimescaleMaintenance;
import dk.fsc.service.platform.security.PasswordHasher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * A patient's 90-day history of one type (the readings), and a year of one type for a chart
 * ({@code maxPoints=500}: the rollups), asked over HTTP as a nurse would, on a database with at
 * least {@code rows} readings. The history is loaded once into the benchmark database (and kept):
 * 10 000 patients of organisation {@code bench-history}, each with a year of readings, 5 000 per
 * patient (five types in turn, one every 105 minutes), written with {@code INSERT ... SELECT} in
 * chunks of 100 patients with progress; a later run only loads what is missing.
 */
final class HistoryQueries {
    private static final int PATIENTS = 10_000;
    private static final int CHUNK = 100;

    private final String jdbc;
    private final int httpPort;
    private final long rows;
    private final int queries;

    HistoryQueries(String jdbc, int httpPort, long rows, int queries) {
        this.jdbc = jdbc;
        this.httpPort = httpPort;
        this.rows = rows;
        this.queries = queries;
    }

    Map<String, Object> run() throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        int perPatient = (int) Math.max(500, (rows + PATIENTS - 1) / PATIENTS);
        try (Connection c = DriverManager.getConnection(jdbc)) {
            double loadSeconds = load(c, perPatient);
            if (timescale(c)) {
                settle(c, r);
            }
            r.put("history rows loaded in this run", loadedNow);
            r.put("history load time (s)", Math.round(loadSeconds));
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT sum(rows) FROM bench_history")) {
                rs.next();
                r.put("history readings in the database", rs.getLong(1));
            }
            String password = PasswordHasher.randomSecret(16);
            String user = "bench-history.nurse-" + UUID.randomUUID().toString().substring(0, 6);
            try (PreparedStatement nurse = c.prepareStatement("""
                    INSERT INTO staff_users (username, password_hash, display_name, role, organisation_id)
                    VALUES (?, ?, 'bench', 'nurse', 'bench-history')""")) {
                nurse.setString(1, user);
                nurse.setString(2, PasswordHasher.hash(password));
                nurse.executeUpdate();
            }
            List<UUID> patients = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM bench_history WHERE rows > 0")) {
                while (rs.next()) {
                    patients.add(rs.getObject(1, UUID.class));
                }
            }
            HttpClient http = HttpClient.newHttpClient();
            ConsoleHttp.awaitHttp(http, httpPort); // with the history already loaded, the system may still be starting
            String token = login(http, httpPort, user, password);
            String[] types = {"spo2", "pulse", "temperature", "systolic_bp", "diastolic_bp"};
            Benchmark.say("History: " + queries + " queries (after 100 to warm up) of a random patient's 90 days of one type ...");
            measure(r, "history query", http, token, patients, types, (patient, type, to) -> readings(patient, type)
                    + "&from=" + to.minus(90, ChronoUnit.DAYS) + "&to=" + to + "&limit=1000");
            Benchmark.say("History: " + queries + " queries (after 100 to warm up) of a random patient's year of one type for a chart (maxPoints=500) ...");
            measure(r, "history year at maxPoints=500", http, token, patients, types, (patient, type, to) -> readings(patient, type)
                    + "&from=" + to.minus(365, ChronoUnit.DAYS) + "&to=" + to + "&maxPoints=500");
            Benchmark.say("History: " + queries + " FHIR searches (after 100 to warm up) of a random patient's 90 days of one code, _count=100 ...");
            measure(r, "FHIR Observation search, 90 days of one code, _count=100", http, token, patients, types,
                    (patient, type, to) -> "/fhir/Observation?patient=" + patient + "&code=" + LOINC.get(type) + "&date=ge"
                            + to.minus(90, ChronoUnit.DAYS) + "&_count=100");
            Benchmark.say("History: " + queries + " FHIR searches (after 100 to warm up) of a random patient's newest 50 of all types ...");
            measure(r, "FHIR Observation search, newest 50 of all types", http, token, patients, types,
                    (patient, type, to) -> "/fhir/Observation?patient=" + patient + "&_count=50");
        }
        return r;
    }

    /** The LOINC code a FHIR search names a type by (URL-encoded system|code). */
    private static final Map<String, String> LOINC = Map.of("spo2", "http://loinc.org%7C2708-6", "pulse", "http://loinc.org%7C8867-4",
            "temperature", "http://loinc.org%7C8310-5", "systolic_bp", "http://loinc.org%7C8480-6", "diastolic_bp", "http://loinc.org%7C8462-4");

    /** The path and query of one question, for a patient, a type and the moment it is asked. */
    private interface Question {
        String path(UUID patient, String type, Instant to);
    }

    private static String readings(UUID patient, String type) {
        return "/api/patients/" + patient + "/readings?type=" + type;
    }

    /** {@code queries} answers (after 100 not counted) for random patients and types; p50, p99, points. */
    private void measure(Map<String, Object> r, String label, HttpClient http, String token, List<UUID> patients, String[] types,
                         Question question) throws Exception {
        Random random = new Random(1);
        List<Long> micros = new ArrayList<>();
        long pointsSeen = 0;
        double[] serverBefore = null;
        for (int i = 0; i < queries + 100; i++) {
            if (i == 100) {
                serverBefore = serverTime(http);
            }
            UUID patient = patients.get(random.nextInt(patients.size()));
            Instant to = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            String url = "http://127.0.0.1:" + httpPort + question.path(patient, types[random.nextInt(types.length)], to);
            long t0 = System.nanoTime();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                    .header("X-FSC-Purpose", "benchmark").GET().build(), HttpResponse.BodyHandlers.ofString());
            long took = (System.nanoTime() - t0) / 1000;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(label + " answered " + response.statusCode() + ": " + response.body());
            }
            if (i >= 100) {
                micros.add(took);
                // A reading has a measuredAt, a bucket a start, an Observation an effectiveDateTime.
                pointsSeen += response.body().split("\"measuredAt\"|\"start\"|\"effectiveDateTime\"", -1).length - 1;
            }
        }
        double[] serverAfter = serverTime(http);
        if (serverBefore == null) { // no questions after the warm-up
            serverBefore = serverAfter;
        }
        double clientMean = micros.stream().mapToLong(Long::longValue).average().orElse(0) / 1000.0;
        // The server records a request as its response completes, so one may land on either side of a reading.
        double answered = serverAfter[1] - serverBefore[1];
        double serverMean = Math.abs(answered - queries) <= Math.max(2, queries / 100.0)
                ? (serverAfter[0] - serverBefore[0]) * 1000.0 / answered
                : Double.NaN; // the timer is missing or counted other requests: not a figure to print as one
        micros.sort(Long::compare);
        double p50 = AlertLatency.percentile(micros, 50) / 1000.0;
        double p99 = AlertLatency.percentile(micros, 99) / 1000.0;
        long points = pointsSeen / Math.max(1, micros.size());
        r.put(label + " p50 (ms)", p50);
        r.put(label + " p99 (ms)", p99);
        r.put(label + " mean (ms)", clientMean);
        r.put(label + " mean in the system (ms)", serverMean);
        r.put(label + " points per answer (mean)", points);
        Benchmark.say(String.format(Locale.ROOT, "  p50 %.1f ms, p99 %.1f ms, mean %.1f ms of which %.1f ms in the system, %d points per answer",
                p50, p99, clientMean, serverMean, points));
    }

    /**
     * The system's own time for the requests it answered with 200 so far ({@code http_server_requests_seconds},
     * the HTTP server's timer from the request's arrival to its response, its metrics and log-in not counted):
     * seconds in all, and how many. Between two readings only this phase's questions are asked, so the
     * difference splits a request's time into the system's part and the rest (client, network, scheduling).
     */
    private double[] serverTime(HttpClient http) throws Exception {
        double sum = 0;
        double count = 0;
        for (Map.Entry<String, SystemTimers.Series> timer
                : SystemTimers.read(http, Benchmark.metricsUri(httpPort), "http_server_requests_seconds").series().entrySet()) {
            String tags = timer.getKey();
            if (tags.contains("status=\"200\"") && !tags.contains("uri=\"/prometheus\"") && !tags.contains("uri=\"/login\"")) {
                sum += timer.getValue().sum();
                count += timer.getValue().count();
            }
        }
        return new double[] {sum, count};
    }

    private long loadedNow;

    /** Loads the history until every patient has {@code perPatient} readings; returns the seconds it took. */
    private double load(Connection c, int perPatient) throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO organisations (id, name, kind) VALUES ('bench-history', 'Benchmark history', 'municipality') ON CONFLICT DO NOTHING");
            s.execute("CREATE TABLE IF NOT EXISTS bench_history (n integer PRIMARY KEY, id uuid NOT NULL, rows integer NOT NULL DEFAULT 0)");
            s.execute("""
                    INSERT INTO patients (id, organisation_id, display_name, cpr_encrypted, cpr_hash)
                    SELECT gen_random_uuid(), 'bench-history', 'History ' || n, '\\x00', decode(md5('bench-history-' || n), 'hex')
                      FROM generate_series(0, %d) n
                     WHERE NOT EXISTS (SELECT 1 FROM bench_history)""".formatted(PATIENTS - 1));
            s.execute("""
                    INSERT INTO bench_history (n, id)
                    SELECT substring(display_name FROM 9)::int, id FROM patients WHERE organisation_id = 'bench-history'
                    ON CONFLICT DO NOTHING""");
            // A device of its own per patient, registered (retired, no broker account), so its readings name it by
            // number as a device's do since V37 and the queries join for its id as they do for every device's.
            s.execute("""
                    INSERT INTO devices (id, device_type, state, mqtt_username, mqtt_password_hash)
                    SELECT 'HIST-' || n, 'pulse_oximeter', 'retired', 'HIST-' || n, 'bench' FROM bench_history
                    ON CONFLICT DO NOTHING""");
        }
        long missing;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM bench_history WHERE rows < " + perPatient)) {
            rs.next();
            missing = rs.getLong(1);
        }
        if (missing == 0) {
            Benchmark.say("History: already loaded (" + PATIENTS + " patients x " + perPatient + " readings)");
            return 0;
        }
        Benchmark.say(String.format(Locale.ROOT, "History: loading %,d readings (%d patients x %d) once; later runs reuse them ...",
                missing * perPatient, missing, perPatient));
        long start = System.nanoTime();
        try (PreparedStatement chunk = c.prepareStatement("""
                WITH p AS (SELECT b.n, b.id, d.device_number FROM bench_history b JOIN devices d ON d.id = 'HIST-' || b.n
                            WHERE b.rows < ? AND b.n >= ? AND b.n < ?),
                     ins AS (INSERT INTO readings (device_number, message_id, seq, measured_at, patient_id, type, value, received_at)
                             SELECT p.device_number, 'h-' || i, 0, now() - i * interval '105 minutes', p.id,
                                    (ARRAY['spo2','pulse','temperature','systolic_bp','diastolic_bp'])[1 + i % 5],
                                    (ARRAY[95, 72, 36.8, 130, 80])[1 + i % 5] + (i % 7) - 3, now() - i * interval '105 minutes'
                               FROM p, generate_series(0, ? - 1) i)
                UPDATE bench_history b SET rows = ? FROM p WHERE b.n = p.n""")) {
            for (int from = 0; from < PATIENTS; from += CHUNK) {
                chunk.setInt(1, perPatient);
                chunk.setInt(2, from);
                chunk.setInt(3, from + CHUNK);
                chunk.setInt(4, perPatient);
                chunk.setInt(5, perPatient);
                int patients = chunk.executeUpdate();
                loadedNow += (long) patients * perPatient;
                if (patients > 0 && (from / CHUNK) % 10 == 9) {
                    double s = (System.nanoTime() - start) / 1e9;
                    Benchmark.say(String.format(Locale.ROOT, "    %,d readings loaded in %.0f s (%,.0f/s); %d of %d patients done",
                            loadedNow, s, loadedNow / s, from + CHUNK, PATIENTS));
                }
            }
        }
        if (!timescale(c)) {
            try (Statement s = c.createStatement()) {
                // The rollup deltas of the load folded now, as the service would in steps of its own (V35), so the
                // queries meet rollups that hold every reading.
                long folded = 0;
                long step;
                do {
                    try (ResultSet rs = s.executeQuery("SELECT folded FROM fold_reading_rollup_deltas(500000, true)")) {
                        rs.next();
                        step = rs.getLong(1);
                    }
                    folded += step;
                } while (step == 500_000);
                Benchmark.say(String.format(Locale.ROOT, "    %,d rollup deltas folded; %.0f s since the load began", folded,
                        (System.nanoTime() - start) / 1e9));
                s.execute("VACUUM reading_rollup_deltas"); // the folded deltas' pages given back (this machine runs without autovacuum)
                // The daily rollups laid out as a live store lays them: the fold writes each day's rows for all
                // patients together, so one patient's year lies on up to 365 pages; loaded a patient at a time,
                // it would lie on 7 and flatter the year's chart (docs/benchmarks.md, "A year from the key alone").
                long laid = System.nanoTime();
                c.setAutoCommit(false); // all or nothing: the service's fold waits for it
                s.execute("CREATE TEMP TABLE bench_days ON COMMIT DROP AS SELECT * FROM reading_rollups_daily");
                s.execute("TRUNCATE reading_rollups_daily");
                s.execute("INSERT INTO reading_rollups_daily SELECT * FROM bench_days ORDER BY bucket, patient_id, type");
                c.commit();
                c.setAutoCommit(true);
                s.execute("VACUUM reading_rollups_daily");
                Benchmark.say(String.format(Locale.ROOT, "    daily rollups laid out day by day, as a live store has them, in %.0f s",
                        (System.nanoTime() - laid) / 1e9));
                s.execute("ANALYZE readings, reading_rollups_hourly, reading_rollups_daily");
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Whether the store is on TimescaleDB (the service converted it at start). */
    static boolean timescale(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
                   AND to_regclass('_timescaledb_catalog.hypertable') IS NOT NULL""")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return false;
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'readings')")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * On TimescaleDB, before the queries: what the service's job does within a minute of new
     * readings and over the following month, done at once, so the queries meet the store as it
     * settles: the continuous aggregates materialized, and the chunks older than the backlog
     * window (30 days) compressed. Under the service's job lock ({@link TimescaleMaintenance#LOCK}),
     * after its run if one is under way: two refreshes of one aggregate at once fail.
     * Timed apart; quick when there is nothing to do.
     */
    private static void settle(Connection c, Map<String, Object> r) throws SQLException {
        try (Statement s = c.createStatement()) {
            long waited = System.nanoTime();
            s.execute("SELECT pg_advisory_lock(" + TimescaleMaintenance.LOCK + ")");
            long t0 = System.nanoTime();
            s.execute("CALL refresh_continuous_aggregate('reading_rollups_hourly', NULL, NULL)");
            s.execute("CALL refresh_continuous_aggregate('reading_rollups_daily', NULL, NULL)");
            long t1 = System.nanoTime();
            try (ResultSet rs = s.executeQuery("""
                    SELECT count(compress_chunk(c, if_not_compressed => true))
                      FROM show_chunks('readings', older_than => now() - interval '30 days') c""")) {
                rs.next();
                Benchmark.say(String.format(Locale.ROOT, "History (TimescaleDB): waited %.0f s for the service's run; rollups materialized "
                        + "in %.0f s, %d chunks compressed in %.0f s", (t0 - waited) / 1e9, (t1 - t0) / 1e9, rs.getLong(1),
                        (System.nanoTime() - t1) / 1e9));
                r.put("TimescaleDB settle: waited for the service's run, refresh, compression (s)", String.format(Locale.ROOT,
                        "%.0f, %.0f, %.0f", (t0 - waited) / 1e9, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9));
            } finally {
                s.execute("SELECT pg_advisory_unlock(" + TimescaleMaintenance.LOCK + ")");
            }
            s.execute("ANALYZE readings");
        }
    }

    static String login(HttpClient http, int httpPort, String user, String password) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        if (!body.contains("access_token")) {
            throw new IllegalStateException("login refused: " + body);
        }
        return body.replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    }
}
