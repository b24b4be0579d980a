package dk.fsc.tools.simulator;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * A simulator log (written by the service's {@code DeviceSimulator}, format in {@code SimulatorLog})
 * compared with what the system stored: every accepted message exactly once, every refused one in
 * quarantine with its code and nowhere else, and for each patient exactly one TOBS alert if a red
 * reading of theirs was accepted, none otherwise; and on plain PostgreSQL the hourly rollups
 * counting every stored reading once. {@link #ok()} when nothing is missing, doubled or
 * unexpected. Used by {@code bin/simulate --check} and the fault suites.
 */
public record Reconciliation(Map<String, Long> counts) {
    public long get(String name) {
        return counts.getOrDefault(name, 0L);
    }

    public boolean ok() {
        return get("accepted missing") == 0 && get("accepted doubled") == 0 && get("accepted stored wrong") == 0
                && get("rejected missing from quarantine") == 0 && get("rejected but stored") == 0
                && get("stored but never sent") == 0 && get("alerts missing") == 0 && get("alerts doubled") == 0
                && get("alerts unexpected") == 0 && get("readings missing from their hourly rollups") == 0
                && get("readings counted twice in their hourly rollups") == 0;
    }

    public String table() {
        StringBuilder b = new StringBuilder("| check | count |\n|---|---|\n");
        counts.forEach((k, v) -> b.append(String.format(Locale.ROOT, "| %s | %d |%n", k, v)));
        return b.append("| result | ").append(ok() ? "OK" : "FAILED").append(" |\n").toString();
    }

    /**
     * Waits until the system has stored and evaluated what it got (at most {@code evaluationWait}),
     * then reconciles the log with the database.
     */
    public static Reconciliation of(Path log, Connection c, Duration evaluationWait) throws SQLException, IOException, InterruptedException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS pg_temp.sim_log");
            s.execute("DROP TABLE IF EXISTS pg_temp.sim_rows");
            s.execute("""
                    CREATE TEMP TABLE sim_log (device_id text, message_id text, kind text, expect text, code text,
                                               observations int, patient_id uuid, red text)""");
        }
        try (Reader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY sim_log FROM STDIN WITH (FORMAT text)", new SkipComments(in));
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE INDEX ON sim_log (device_id, message_id)");
            s.execute("ANALYZE sim_log");
            awaitQuiet(s, evaluationWait);
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("messages in the log", one(s, "SELECT count(*) FROM sim_log"));
            counts.put("readings expected accepted", one(s, "SELECT count(*) FROM sim_log WHERE kind = 'reading' AND expect = 'accepted'"));
            counts.put("observations expected", one(s, "SELECT coalesce(sum(observations), 0) FROM sim_log WHERE kind = 'reading' AND expect = 'accepted'"));
            // The log's observation rows counted in one pass: readings have no index by device and
            // message (V30), so a count per log line would read the table once per message. A
            // device's readings name it by number (V37).
            s.execute("""
                    CREATE TEMP TABLE sim_rows AS
                    SELECT d.id AS device_id, r.message_id, count(*) AS rows
                      FROM readings r JOIN devices d ON d.device_number = r.device_number
                     WHERE d.id IN (SELECT DISTINCT device_id FROM sim_log) GROUP BY 1, 2""");
            s.execute("CREATE INDEX ON sim_rows (device_id, message_id)");
            s.execute("ANALYZE sim_rows");
            s.execute("""
                    CREATE TEMP TABLE sim_stored AS
                    SELECT l.device_id, l.message_id, l.kind, l.observations,
                           CASE l.kind WHEN 'reading' THEN (SELECT count(*) FROM device_messages m WHERE m.device_id = l.device_id AND m.message_id = l.message_id)
                                       WHEN 'photo' THEN (SELECT count(*) FROM photos p WHERE p.device_id = l.device_id AND p.message_id = l.message_id)
                                       ELSE (SELECT count(*) FROM device_status_reports r WHERE r.device_id = l.device_id AND r.message_id = l.message_id) END AS stored,
                           CASE l.kind WHEN 'reading' THEN coalesce((SELECT x.rows FROM sim_rows x WHERE x.device_id = l.device_id
                                                                     AND x.message_id = l.message_id), 0) END AS rows
                      FROM sim_log l WHERE l.expect = 'accepted'""");
            counts.put("accepted stored once", one(s, "SELECT count(*) FROM sim_stored WHERE stored = 1 AND (kind <> 'reading' OR rows = observations)"));
            counts.put("accepted missing", one(s, "SELECT count(*) FROM sim_stored WHERE stored = 0"));
            counts.put("accepted doubled", one(s, "SELECT count(*) FROM sim_stored WHERE stored > 1 OR rows > observations"));
            counts.put("accepted stored wrong", one(s, "SELECT count(*) FROM sim_stored WHERE stored = 1 AND kind = 'reading' AND rows < observations"));
            counts.put("photos stored", one(s, "SELECT count(*) FROM sim_stored WHERE kind = 'photo' AND stored = 1"));
            counts.put("status reports stored", one(s, "SELECT count(*) FROM sim_stored WHERE kind = 'status' AND stored = 1"));
            counts.put("stored but never sent", one(s, """
                    SELECT count(*) FROM device_messages m WHERE m.device_id IN (SELECT DISTINCT device_id FROM sim_log)
                       AND NOT EXISTS (SELECT 1 FROM sim_log l WHERE l.device_id = m.device_id AND l.message_id = m.message_id)"""));
            // Refused messages: per device and code, as many quarantine rows as the log has (a
            // malformed payload has no readable messageId, so rows are matched by device and code).
            counts.put("rejected expected", one(s, "SELECT count(*) FROM sim_log WHERE expect = 'rejected'"));
            counts.put("rejected in quarantine with their code", one(s, """
                    SELECT coalesce(sum(least(e.n, coalesce(q.n, 0))), 0) FROM
                      (SELECT device_id, code, count(*) n FROM sim_log WHERE expect = 'rejected' GROUP BY 1, 2) e
                      LEFT JOIN (SELECT device_id, code, count(*) n FROM quarantine
                                  WHERE device_id IN (SELECT DISTINCT device_id FROM sim_log) GROUP BY 1, 2) q
                        ON q.device_id = e.device_id AND q.code = e.code"""));
            counts.put("rejected missing from quarantine", counts.get("rejected expected") - counts.get("rejected in quarantine with their code"));
            counts.put("quarantined other", one(s, """
                    SELECT count(*) FROM quarantine q WHERE q.device_id IN (SELECT DISTINCT device_id FROM sim_log)
                       AND NOT EXISTS (SELECT 1 FROM sim_log l WHERE l.device_id = q.device_id AND l.code = q.code AND l.expect = 'rejected')"""));
            counts.put("rejected but stored", one(s, """
                    SELECT count(*) FROM sim_log l WHERE l.expect = 'rejected'
                       AND EXISTS (SELECT 1 FROM device_messages m WHERE m.device_id = l.device_id AND m.message_id = l.message_id)"""));
            s.execute("""
                    CREATE TEMP TABLE sim_patients AS
                    SELECT patient_id, bool_or(red = 'red' AND expect = 'accepted') AS red,
                           (SELECT count(*) FROM alerts a WHERE a.patient_id = l.patient_id AND a.kind = 'tobs') AS tobs_alerts
                      FROM sim_log l GROUP BY patient_id""");
            counts.put("patients", one(s, "SELECT count(*) FROM sim_patients"));
            counts.put("patients with red readings", one(s, "SELECT count(*) FROM sim_patients WHERE red"));
            counts.put("patients with the TOBS alerts expected", one(s, "SELECT count(*) FROM sim_patients WHERE (red AND tobs_alerts = 1) OR (NOT red AND tobs_alerts = 0)"));
            counts.put("alerts missing", one(s, "SELECT count(*) FROM sim_patients WHERE red AND tobs_alerts = 0"));
            counts.put("alerts doubled", one(s, "SELECT count(*) FROM sim_patients WHERE tobs_alerts > 1"));
            counts.put("alerts unexpected", one(s, "SELECT count(*) FROM sim_patients WHERE NOT red AND tobs_alerts > 0"));
            rollups(s, counts, evaluationWait);
            s.execute("DROP TABLE sim_patients; DROP TABLE sim_stored; DROP TABLE sim_rows; DROP TABLE sim_log");
            return new Reconciliation(counts);
        }
    }

    /**
     * On plain PostgreSQL (V35): once the system has folded the patients' rollup deltas (it does
     * every few seconds; waited for, at most {@code wait}), each patient's hourly rollups count
     * exactly their stored readings of each type, through whatever the faults did to the folds.
     * On TimescaleDB the rollups are continuous aggregates, refreshed on their own schedule: not
     * checked here (TimescaleIT does).
     */
    private static void rollups(Statement s, Map<String, Long> counts, Duration wait) throws SQLException, InterruptedException {
        if (one(s, "SELECT count(*) FROM pg_trigger WHERE tgname = 'readings_roll_up' AND tgrelid = CAST('readings' AS regclass)") == 0) {
            return;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        String pending = "SELECT count(*) FROM reading_rollup_deltas WHERE patient_id IN (SELECT patient_id FROM sim_patients)";
        while (one(s, pending) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        counts.put("rollup deltas not folded", one(s, pending));
        s.execute("""
                CREATE TEMP TABLE sim_rollups AS
                SELECT coalesce(r.patient_id, h.patient_id) AS patient_id, coalesce(r.n, 0) AS readings, coalesce(h.n, 0) AS counted
                  FROM (SELECT patient_id, type, count(*) AS n FROM readings WHERE patient_id IN (SELECT patient_id FROM sim_patients)
                         GROUP BY 1, 2) r
                  FULL JOIN (SELECT patient_id, type, sum(count) AS n FROM reading_rollups_hourly
                              WHERE patient_id IN (SELECT patient_id FROM sim_patients) GROUP BY 1, 2) h
                    ON h.patient_id = r.patient_id AND h.type = r.type""");
        counts.put("readings missing from their hourly rollups", one(s, "SELECT coalesce(sum(greatest(readings - counted, 0)), 0) FROM sim_rollups"));
        counts.put("readings counted twice in their hourly rollups", one(s, "SELECT coalesce(sum(greatest(counted - readings, 0)), 0) FROM sim_rollups"));
        s.execute("DROP TABLE sim_rollups");
    }

    /**
     * Waits (at most {@code wait}) until the system is done with the simulated devices: nothing
     * new stored or quarantined for 3 s and no evaluation of their patients pending.
     */
    private static void awaitQuiet(Statement s, Duration wait) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        String progress = """
                SELECT (SELECT count(*) FROM device_messages WHERE device_id IN (SELECT DISTINCT device_id FROM sim_log))
                     + (SELECT count(*) FROM quarantine WHERE device_id IN (SELECT DISTINCT device_id FROM sim_log))
                     + (SELECT count(*) FROM photos WHERE device_id IN (SELECT DISTINCT device_id FROM sim_log))""";
        String evaluating = "SELECT count(*) FROM evaluation_requests WHERE patient_id IN (SELECT DISTINCT patient_id FROM sim_log)";
        long last = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = one(s, progress);
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > 3_000_000_000L && one(s, evaluating) == 0) {
                return;
            }
            Thread.sleep(250);
        }
    }

    private static long one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The log without its comment lines, for COPY. */
    private static final class SkipComments extends Reader {
        private final java.io.BufferedReader in;
        private String line = "";
        private int pos;

        SkipComments(Reader in) {
            this.in = new java.io.BufferedReader(in);
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            while (pos >= line.length()) {
                String next = in.readLine();
                if (next == null) {
                    return -1;
                }
                if (next.startsWith("#") || next.isBlank()) {
                    continue;
                }
                line = next + "\n";
                pos = 0;
            }
            int n = Math.min(len, line.length() - pos);
            line.getChars(pos, pos + n, buf, off);
            pos += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
