package dk.fsc.tools.bench;

import dk.fsc.service.platform.security.PasswordHasher;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The console as a nurse's browser asks it, signed in through the form: the worklist page with
 * 500 open alerts rendered by the server, and a patient's chart of one type over a year on the
 * history table the history phase loads (the same patients; run after it, or with it already
 * loaded): the charts' section the page's range buttons fetch, then the whole page with it. Each page is asked {@code queries} times after 50 to warm up; p50 and p99 of the whole
 * answer (server render plus transfer on localhost).
 */
final class ConsolePages {
    static final int OPEN_ALERTS = 500;
    private static final String ORG = "bench-history";

    private final String jdbc;
    private final int httpPort;
    private final int queries;

    ConsolePages(String jdbc, int httpPort, int queries) {
        this.jdbc = jdbc;
        this.httpPort = httpPort;
        this.queries = queries;
    }

    Map<String, Object> run() throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        String user = "bench-console.nurse-" + UUID.randomUUID().toString().substring(0, 6);
        String password = PasswordHasher.randomSecret(16);
        List<UUID> patients = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbc)) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM bench_history WHERE rows > 0 ORDER BY n")) {
                while (rs.next()) {
                    patients.add(rs.getObject(1, UUID.class));
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("the console phase uses the history phase's patients: run --only=history,console once", e);
            }
            if (patients.size() < OPEN_ALERTS) {
                throw new IllegalStateException("the console phase needs the history phase's patients (found " + patients.size() + ")");
            }
            try (PreparedStatement nurse = c.prepareStatement("""
                    INSERT INTO staff_users (username, password_hash, display_name, role, organisation_id)
                    VALUES (?, ?, 'bench', 'nurse', ?)""")) {
                nurse.setString(1, user);
                nurse.setString(2, PasswordHasher.hash(password));
                nurse.setString(3, ORG);
                nurse.executeUpdate();
            }
            openAlerts(c, patients);
        }
        HttpClient http = HttpClient.newHttpClient();
        ConsoleHttp.awaitHttp(http, httpPort);
        String cookie = ConsoleHttp.signIn(http, httpPort, user, password);
        Random random = new Random(2);
        Benchmark.say("Console: the worklist with " + OPEN_ALERTS + " open alerts, " + queries + " times (after 50 to warm up) ...");
        List<Long> worklist = time(http, cookie, i -> "/worklist", body -> {
            if (!body.contains(patientNameShown())) {
                throw new IllegalStateException("the worklist shows no benchmark patient");
            }
        });
        ConsoleHttp.report(r, "console worklist (500 open alerts)", worklist);
        String[] types = {"spo2", "pulse", "temperature"};
        Benchmark.say("Console: a random patient's chart of one type over a year (the charts' section, as the range buttons fetch it), "
                + queries + " times ...");
        List<Long> chart = time(http, cookie, i -> "/patients/" + patients.get(random.nextInt(patients.size())) + "/charts?range=1y&type="
                + types[random.nextInt(types.length)], body -> {
            if (!body.contains("chart-data") || !body.contains("buckets")) {
                throw new IllegalStateException("the charts' section has no reduced chart data");
            }
        });
        ConsoleHttp.report(r, "console chart, a year of one type", chart);
        Benchmark.say("Console: the whole chart page (header, early warning, alert history) with that chart, " + queries + " times ...");
        List<Long> page = time(http, cookie, i -> "/patients/" + patients.get(random.nextInt(patients.size())) + "?range=1y&type="
                + types[random.nextInt(types.length)], body -> {
            if (!body.contains("chart-data")) {
                throw new IllegalStateException("the chart page has no chart data");
            }
        });
        ConsoleHttp.report(r, "console chart page, a year of one type", page);
        return r;
    }

    private static String patientNameShown() {
        return "History ";
    }

    /** 500 open alerts of the benchmark organisation, as the evaluation writes them: a fifth red TOBS, the rest yellow and blue. */
    private static void openAlerts(Connection c, List<UUID> patients) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("UPDATE alerts SET status = 'resolved', resolved_at = now(), outcome = 'benchmark' WHERE organisation_id = '" + ORG
                    + "' AND status <> 'resolved'");
        }
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO alerts (patient_id, organisation_id, kind, severity, status, summary, details, opened_at, updated_at, escalation_level)
                VALUES (?, ?, ?, ?, 'open', ?, CAST(? AS jsonb), now() - make_interval(mins => ?), now(), 0)""")) {
            for (int i = 0; i < OPEN_ALERTS; i++) {
                boolean red = i % 5 == 0;
                boolean blue = i % 5 == 4;
                insert.setObject(1, patients.get(i));
                insert.setString(2, ORG);
                insert.setString(3, red ? "tobs" : blue ? "missing_measurement" : "threshold");
                insert.setString(4, red ? "red" : blue ? "blue" : "yellow");
                insert.setString(5, red ? "TOBS 7: SpO2 87 % (3), pulse 118 /min (2), temperature 38.6 Cel (1), respiration 24 /min (1)"
                        : blue ? "Missing measurement: 0 of 2 this week" : "Outside limits: SpO2 90 (yellow)");
                insert.setString(6, red
                        ? "{\"total\":7,\"partial\":false,\"items\":[{\"parameter\":\"spo2\",\"value\":87,\"scoredValue\":87,\"points\":3,\"measuredAt\":\"2026-12-01T10:00:00Z\"},"
                        + "{\"parameter\":\"pulse\",\"value\":118,\"scoredValue\":118,\"points\":2,\"measuredAt\":\"2026-12-01T10:00:00Z\"}],\"missing\":[],\"advice\":[]}"
                        : blue ? "{\"taken\":0,\"required\":2}" : "{\"values\":[{\"type\":\"spo2\",\"value\":90,\"state\":\"yellow\",\"measuredAt\":\"2026-12-01T10:00:00Z\"}]}");
                insert.setInt(7, 5 + i * 3);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private interface Path {
        String of(int i);
    }

    private interface Check {
        void body(String body);
    }

    private List<Long> time(HttpClient http, String cookie, Path path, Check check) throws Exception {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < queries + 50; i++) {
            HttpRequest request = HttpRequest.newBuilder(ConsoleHttp.url(httpPort, path.of(i))).header("Cookie", cookie).header("Accept", "text/html").GET().build();
            long t0 = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long took = (System.nanoTime() - t0) / 1000;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(request.uri().getPath() + " answered " + response.statusCode());
            }
            if (i >= 50) {
                micros.add(took);
            } else {
                check.body(response.body());
            }
        }
        micros.sort(Long::compare);
        return micros;
    }
}
