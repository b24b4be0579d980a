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
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * FSC support's console as a browser asks it, signed in through the form (issue #17): the device
 * list filtered over {@value #DEVICES} devices (a text search, type and state, a problem) and the
 * ticket board over {@value #TICKETS} open tickets, each page rendered by the server. The devices
 * (spread over the catalogue's types and models, the states, {@value #ORGANISATIONS}
 * municipalities; some on loan, some with a low battery or a fault, some silent) and the tickets
 * are loaded once and kept in the benchmark database. After 100 rounds of every page to warm the
 * server up, each page is asked {@code queries} times after 50 more; p50 and p99 of the whole
 * answer (server render plus transfer on localhost).
 */
final class SupportPages {
    static final int DEVICES = 50_000;
    static final int TICKETS = 10_000;
    static final int ORGANISATIONS = 20;
    private static final int PATIENTS = 5_000;
    private static final String FSC = "bench-support-fsc";
    private static final String[] STATES = {"ready", "on_loan", "cleaning", "returned", "in_repair", "shipped"};
    private static final int WARM_UP_ROUNDS = 100;

    private final String jdbc;
    private final int httpPort;
    private final int queries;

    SupportPages(String jdbc, int httpPort, int queries) {
        this.jdbc = jdbc;
        this.httpPort = httpPort;
        this.queries = queries;
    }

    Map<String, Object> run() throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        String user = "bench-support-" + UUID.randomUUID().toString().substring(0, 6);
        String password = PasswordHasher.randomSecret(16);
        List<String> types = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbc)) {
            c.setAutoCommit(true);
            load(c);
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO staff_users (username, password_hash, display_name, role, organisation_id)
                    VALUES (?, ?, 'bench', 'fsc_support', ?)""")) {
                s.setString(1, user);
                s.setString(2, PasswordHasher.hash(password));
                s.setString(3, FSC);
                s.executeUpdate();
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT code FROM device_types ORDER BY code")) {
                while (rs.next()) {
                    types.add(rs.getString(1));
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                    SELECT (SELECT count(*) FROM devices), (SELECT count(*) FROM tickets WHERE state NOT IN ('solved', 'closed'))""")) {
                rs.next();
                r.put("support devices in the database", rs.getLong(1));
                r.put("support open tickets in the database", rs.getLong(2));
                Benchmark.say(String.format(Locale.ROOT, "Support: %,d devices and %,d open tickets in the database", rs.getLong(1), rs.getLong(2)));
            }
        }
        HttpClient http = HttpClient.newHttpClient();
        ConsoleHttp.awaitHttp(http, httpPort);
        String cookie = ConsoleHttp.signIn(http, httpPort, user, password);
        Random random = new Random(17);
        List<Page> pagesToTime = List.of(
                new Page("support devices, text search", "the device list, a text search (4 digits of an id, serial number or asset tag)",
                        () -> "/devices?q=" + String.format("%04d", random.nextInt(10_000)),
                        body -> require(body, "devices-table", "a text search found no device")),
                new Page("support devices, type and state", "the device list by type and state",
                        () -> "/devices?type=" + types.get(random.nextInt(types.size())) + "&state=" + STATES[random.nextInt(STATES.length)],
                        body -> require(body, "device-count", "no device list")),
                new Page("support devices, battery low", "the device list by a problem (battery low)", () -> "/devices?problem=battery_low",
                        body -> require(body, "devices-table", "no device has a low battery")),
                new Page("support devices, silent", "the device list by a problem (silent)", () -> "/devices?problem=silent",
                        body -> require(body, "devices-table", "no device is silent")),
                new Page("support devices, no filter", "the device list unfiltered (its first page and the count)", () -> "/devices",
                        body -> require(body, "devices-table", "no devices")),
                new Page("support ticket board", "the ticket board", () -> "/tickets", body -> require(body, "class=\"card", "an empty board")));
        // The server's code is compiled while it runs: warm all of it before timing any page, so the first page timed pays no more.
        Benchmark.say("Support: warming up, " + WARM_UP_ROUNDS + " rounds of every page (not counted) ...");
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            for (Page p : pagesToTime) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(ConsoleHttp.url(httpPort, p.path().next())).header("Cookie", cookie)
                        .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
                if (i == 0 && answer.statusCode() == 200) {
                    p.check().body(answer.body());
                }
            }
        }
        for (Page p : pagesToTime) {
            Benchmark.say("Support: " + p.what() + ", " + queries + " times ...");
            ConsoleHttp.report(r, p.name(), time(http, cookie, p.path(), p.check()));
        }
        return r;
    }

    private static void require(String body, String text, String otherwise) {
        if (!body.contains(text)) {
            throw new IllegalStateException(otherwise);
        }
    }

    /** Loads what is missing: the organisations, models, patients, devices, loans, device health and tickets. */
    private static void load(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO organisations (id, name, kind) VALUES ('" + FSC + "', 'Benchmark FSC', 'fsc') ON CONFLICT DO NOTHING");
            s.execute("""
                    INSERT INTO organisations (id, name, kind)
                    SELECT 'bench-org-' || lpad(n::text, 2, '0'), 'Benchmark kommune ' || n, 'municipality' FROM generate_series(1, %d) n
                    ON CONFLICT DO NOTHING""".formatted(ORGANISATIONS));
            s.execute("""
                    INSERT INTO device_models (id, device_type, manufacturer, name)
                    SELECT 'bench-' || replace(code, '_', '-') || '-' || m, code, 'Bench', code || ' mk ' || m
                      FROM device_types, generate_series(1, 2) m
                    ON CONFLICT DO NOTHING""");
            long have = count(s, "SELECT count(*) FROM devices WHERE id LIKE 'BS-%'");
            if (have < DEVICES) {
                Benchmark.say("Support: loading " + DEVICES + " devices, their loans and health, and " + TICKETS + " tickets (once) ...");
                long t0 = System.nanoTime();
                s.execute("""
                        INSERT INTO patients (id, organisation_id, display_name, cpr_encrypted, cpr_hash)
                        SELECT gen_random_uuid(), 'bench-org-' || lpad((1 + n %% %d)::text, 2, '0'), 'Support ' || lpad(n::text, 5, '0'), '\\x00',
                               decode(md5('bench-support-' || n), 'hex')
                          FROM generate_series(0, %d) n
                        ON CONFLICT DO NOTHING""".formatted(ORGANISATIONS, PATIENTS - 1));
                // What each citizen is monitored for decides when their device counts as silent.
                s.execute("""
                        INSERT INTO patient_monitoring (patient_id, schedule, started_at, updated_by)
                        SELECT id, CASE WHEN get_byte(cpr_hash, 0) % 2 = 0 THEN 'copd_standard' ELSE 'weekly' END, now() - interval '3 days', 'bench'
                          FROM patients WHERE display_name LIKE 'Support %'
                        ON CONFLICT DO NOTHING""");
                // States: 40 % on loan, 20 % ready, 10 % cleaning, 10 % returned, the rest shipped, in repair, reserved,
                // asked back, retired and lost. Types round the catalogue, two models each.
                s.execute("""
                        INSERT INTO devices (id, device_type, model_id, serial_number, asset_tag, state, mqtt_username, mqtt_password_hash,
                                             next_calibration_on, next_cleaning_on, purchased_on)
                        SELECT 'BS-' || lpad(n::text, 6, '0'), t.code, 'bench-' || replace(t.code, '_', '-') || '-' || (1 + n / 7 % 2),
                               'SN' || lpad((n * 7919 %% 1000000)::text, 7, '0'), 'FSC-' || lpad(n::text, 6, '0'),
                               CASE WHEN n %% 10 < 4 THEN 'on_loan' WHEN n %% 10 < 6 THEN 'ready' WHEN n %% 10 = 6 THEN 'cleaning'
                                    WHEN n %% 10 = 7 THEN 'returned'
                                    WHEN n %% 10 = 8 THEN (ARRAY['shipped', 'in_repair', 'reserved', 'return_requested'])[1 + n / 10 %% 4]
                                    ELSE (ARRAY['retired', 'lost', 'ready'])[1 + n / 10 %% 3] END,
                               'BS-' || lpad(n::text, 6, '0'), 'bench', current_date + n %% 700, current_date + n %% 90, current_date - n %% 1500
                          FROM generate_series(1, %d) n
                          JOIN (SELECT code, row_number() OVER (ORDER BY code) - 1 AS i, count(*) OVER () AS k FROM device_types) t ON t.i = n %% t.k
                        ON CONFLICT (id) DO NOTHING""".replace("%%", "%").replace("%d", Integer.toString(DEVICES)));
                s.execute("""
                        WITH p AS (SELECT id, organisation_id, row_number() OVER (ORDER BY display_name) - 1 AS i
                                     FROM patients WHERE display_name LIKE 'Support %')
                        INSERT INTO loans (device_id, patient_id, organisation_id, starts_at, status, due_on)
                        SELECT d.id, p.id, p.organisation_id,
                               CASE WHEN d.state = 'reserved' THEN now() + interval '5 days' ELSE now() - interval '30 days' END,
                               CASE WHEN d.state = 'reserved' THEN 'reserved' ELSE 'active' END,
                               current_date + (substring(d.id FROM 4)::int % 120) - 20
                          FROM devices d JOIN p ON p.i = substring(d.id FROM 4)::int % """ + PATIENTS + """

                         WHERE d.id LIKE 'BS-%' AND d.state IN ('on_loan', 'shipped', 'return_requested', 'reserved')
                           AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.device_id = d.id)""");
                // Heard from: most within the last day; 2 % with a low battery, 1 % with a fault, one in 50 of those on loan silent for a week.
                s.execute("""
                        INSERT INTO device_status (device_id, last_seen_at, reported_at, battery_percent, firmware, signal_dbm, faults)
                        SELECT id, now() - make_interval(mins => CASE WHEN n % 50 = 3 THEN 10080 ELSE n % 1440 END), now() - interval '1 hour',
                               CASE WHEN n % 50 = 1 THEN 5 + n % 10 ELSE 40 + n % 60 END, '2.1.' || n % 4, -60 - n % 30,
                               CASE WHEN n % 100 = 7 THEN ARRAY['sensor_error'] ELSE '{}'::text[] END
                          FROM (SELECT id, substring(id FROM 4)::int AS n FROM devices WHERE id LIKE 'BS-%' AND state <> 'retired') d
                        ON CONFLICT (device_id) DO NOTHING""");
                Benchmark.say(String.format(Locale.ROOT, "  devices loaded in %.0f s", (System.nanoTime() - t0) / 1e9));
            }
            if (count(s, "SELECT count(*) FROM tickets WHERE created_by = 'bench-support'") < TICKETS) {
                long t0 = System.nanoTime();
                // Open tickets in the four columns; priorities 1-5; a fifth about a citizen; some clocks breached.
                s.execute("""
                        WITH p AS (SELECT id, row_number() OVER (ORDER BY display_name) - 1 AS i FROM patients WHERE display_name LIKE 'Support %')
                        INSERT INTO tickets (title, urgency, impact, priority, organisation_id, device_id, patient_id, calendar, own_target_s,
                                             resolve_target_s, own_consumed_s, resolve_consumed_s, clock_since, state, assignee, created_by,
                                             created_at, adverse_event, adverse_reported_at, analysis_due_at)
                        SELECT 'Benchmark ticket ' || n || (ARRAY[': battery low', ': silent', ': no data', ': pairing'])[1 + n % 4],
                               1 + n % 5, 1 + n / 5 % 5, 1 + n % 5, 'bench-org-' || lpad((1 + n % 20)::text, 2, '0'),
                               'BS-' || lpad((1 + n * 5 % 50000)::text, 6, '0'), p.id, CASE WHEN n % 3 = 0 THEN 'business' ELSE '24/7' END,
                               14400, 172800, n % 20000, n % 100000,
                               CASE WHEN n % 4 = 3 THEN NULL ELSE now() - make_interval(mins => n % 600) END,
                               (ARRAY['new', 'assigned', 'planned', 'pending'])[1 + n % 4], CASE WHEN n % 4 > 0 THEN 'support.bench' END,
                               'bench-support', now() - make_interval(mins => n), n % 200 = 0,
                               CASE WHEN n % 200 = 0 THEN now() END, CASE WHEN n % 200 = 0 THEN now() + interval '80 days' END
                          FROM generate_series(1, """ + TICKETS + """
                        ) n
                          LEFT JOIN p ON n % 5 = 0 AND p.i = n % """ + PATIENTS);
                s.execute("""
                        INSERT INTO ticket_events (ticket_id, username, kind, clock, at)
                        SELECT id, 'sla', 'sla_breach', 'own', created_at + interval '4 hours' FROM tickets
                         WHERE created_by = 'bench-support' AND own_consumed_s > 14400
                        ON CONFLICT DO NOTHING""");
                Benchmark.say(String.format(Locale.ROOT, "  tickets loaded in %.0f s", (System.nanoTime() - t0) / 1e9));
            }
            // VACUUM, not only ANALYZE: a bulk load leaves the trigram indexes' entries in their GIN
            // pending list, which every search then reads whole (text search p50 72 ms instead of 9)
            // until autovacuum gets to it. A fleet registered device by device has no such list.
            s.execute("VACUUM ANALYZE");
        }
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }


    private interface Path {
        String next();
    }

    private record Page(String name, String what, Path path, Check check) {
    }

    private interface Check {
        void body(String body);
    }

    /** A scanner's exact hit answers 303 to the device; that is a whole answer too (the list is not rendered). */
    private List<Long> time(HttpClient http, String cookie, Path path, Check check) throws Exception {
        List<Long> micros = new ArrayList<>();
        boolean checked = false;
        for (int i = 0; i < queries + 50; i++) {
            HttpRequest request = HttpRequest.newBuilder(ConsoleHttp.url(httpPort, path.next())).header("Cookie", cookie).header("Accept", "text/html").GET().build();
            long t0 = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long took = (System.nanoTime() - t0) / 1000;
            if (response.statusCode() != 200 && response.statusCode() != 303) {
                throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
            }
            if (i >= 50) {
                micros.add(took);
            } else if (!checked && response.statusCode() == 200) {
                check.body(response.body());
                checked = true;
            }
        }
        micros.sort(Long::compare);
        return micros;
    }
}
