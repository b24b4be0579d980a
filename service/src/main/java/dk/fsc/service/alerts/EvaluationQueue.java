package dk.fsc.service.alerts;

import dk.fsc.service.alerts.EvaluationBatch.Claim;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The patients waiting for evaluation ({@code evaluation_requests}): claims on a lease in
 * autocommit on a connection of their own, the rest on the evaluation's transaction. Requests
 * are made by {@link EvaluationRequests} (the gateway's way too); see {@link EvaluationBatch} for the order.
 */
@Singleton
class EvaluationQueue {
    private final Database db;

    EvaluationQueue(Database db) {
        this.db = db;
    }

    /** Patients waiting, and of them those set aside after their evaluation failed (one scan for both gauges). */
    long[] waitingAndFailing() {
        return autocommit(sql -> sql.one("SELECT count(*), count(*) FILTER (WHERE attempts > 0) FROM evaluation_requests",
                rs -> new long[] {rs.getLong(1), rs.getLong(2)}).orElse(new long[2]));
    }

    /**
     * The claim's pick: the first {@code %d} waiting patients, urgent first, then the longest
     * waiting, of those {@code %s} lets through ({@link #deferred}). Its ORDER BY is the order of
     * evaluation_requests_queue_idx (V31), so a claim reads the first few index entries instead of
     * sorting the whole queue; keep the two alike ({@code EvaluationQueueIT} checks the plan).
     */
    static final String PICK = """
            SELECT patient_id FROM evaluation_requests
             WHERE not_before <= now() AND (claimed_until IS NULL OR claimed_until < now())%s
             ORDER BY urgent_version IS NULL, requested_at LIMIT %d FOR UPDATE SKIP LOCKED""";

    /**
     * The pick's condition when patients that are not urgent wait {@code defer} before they are
     * taken (none when it is zero). Those that waited less stay in the index's order, after the
     * others: a claim that finds none reads past them (a few thousand entries in a flood, well
     * under a millisecond).
     */
    static String deferred(Duration defer) {
        return defer.isZero() ? "" : "\n   AND (urgent_version IS NOT NULL OR requested_at <= now() - make_interval(secs => %s))"
                .formatted(defer.toMillis() / 1000.0);
    }

    /**
     * Takes up to {@code limit} waiting patients on a lease of {@code lease}, urgent first, then
     * the longest waiting; patients not urgent only once they waited {@code defer}. All three go
     * into the statement as numbers, not parameters: a statement without parameters is planned
     * once per connection, where one with its LIMIT as a parameter was planned anew at most calls
     * (0.12 ms of planning a claim; docs/benchmarks.md, "The idempotency claim's look bounded").
     * They are the worker's constants, so two statements: with and without the defer.
     */
    List<Claim> claim(int limit, Duration lease, Duration defer) {
        // The pick is materialised: as an IN (subquery) the planner may run it again per row,
        // and with SKIP LOCKED each run can pick others (11 claimed of 10 was seen).
        return autocommit(sql -> sql.list("WITH picked AS MATERIALIZED (" + PICK.formatted(deferred(defer), limit) + ")\n" + """
                UPDATE evaluation_requests r SET claimed_until = now() + make_interval(secs => %d)
                  FROM picked WHERE r.patient_id = picked.patient_id
                RETURNING r.patient_id, r.version, r.requested_at, r.urgent_version IS NOT NULL AS urgent""".formatted(lease.toSeconds()),
                rs -> new Claim(rs.getObject(1, UUID.class), rs.getLong(2), Sql.instant(rs, "requested_at"), rs.getBoolean("urgent"))));
    }

    /**
     * Whether an urgent patient is waiting unclaimed, as committed now (on the evaluation's
     * transaction: each statement sees what has committed). The head of the claim's order, as
     * V32's notification asks it.
     */
    boolean urgentWaiting() {
        return db.sql().one("""
                SELECT urgent_version IS NOT NULL FROM evaluation_requests
                 WHERE not_before <= now() AND (claimed_until IS NULL OR claimed_until < now())
                 ORDER BY urgent_version IS NULL, requested_at LIMIT 1""", rs -> rs.getBoolean(1)).orElse(false);
    }

    /** Gives the claims back at once. */
    void release(List<Claim> claims) {
        autocommit(sql -> sql.update("UPDATE evaluation_requests SET claimed_until = NULL WHERE patient_id = ANY(?)",
                sql.array("uuid", claims.stream().map(Claim::patientId).toArray())));
    }

    /**
     * For the rest of the evaluation's transaction, each statement runs on its cached generic plan
     * instead of being planned anew. The patient's newest values ({@link PatientState}) are read
     * from the partitioned readings with the window's start as a parameter; with PostgreSQL's
     * default ({@code plan_cache_mode = auto}) a generic plan of a partitioned table looks dearer
     * than a plan for the values at hand, so every evaluation planned that query again: 0.38 ms of
     * planning for 0.09 ms of running it, a fifth of the database's time in the benchmark's ingest
     * (docs/benchmarks.md, "Evaluations planned once"). The generic plan leaves out the months before the
     * window when it starts running, as the other plan did when it was made. The one query that
     * loses is the CAT baseline's search past its first month (run only when a CAT total is in
     * the window): over 130 empty months 0.4 ms planned for its values, 1.5 ms on the generic plan.
     */
    void planOnce() {
        db.sql().update("SET LOCAL plan_cache_mode = force_generic_plan");
    }

    /** Marks where a patient's evaluation starts in the transaction, so a failure can be undone alone. */
    void beforeEvaluation() {
        db.sql().update("SAVEPOINT before_evaluation");
    }

    void evaluationSucceeded() {
        db.sql().update("RELEASE SAVEPOINT before_evaluation");
    }

    /** Undoes the failed evaluation and sets the patient aside with a growing pause, keeping the reason. */
    void evaluationFailed(UUID patientId, String reason) {
        Sql sql = db.sql();
        sql.update("ROLLBACK TO SAVEPOINT before_evaluation");
        sql.update("""
                UPDATE evaluation_requests SET attempts = attempts + 1, last_error = ?, claimed_until = NULL,
                       not_before = now() + least(attempts + 1, 30) * interval '1 minute'
                 WHERE patient_id = ?""", reason, patientId);
    }

    /**
     * Removes each request whose version is still the claimed one; the others (a newer reading
     * came) go to the back of the queue, urgent only if a reading at a red limit came meanwhile.
     * The requests are locked first, in the order of {@code claims} (the caller sorts them as the
     * gateway sorts its batch's, {@code EvaluationRequestRows}), so the two never wait for each other
     * in a circle; then one statement removes and at most one more sends back: two or three round
     * trips for a claim's patients instead of one or two each.
     */
    void done(List<Claim> claims) {
        if (claims.isEmpty()) {
            return;
        }
        Sql sql = db.sql();
        Map<UUID, Long> current = new HashMap<>();
        sql.list("""
                SELECT r.patient_id, r.version
                  FROM unnest(?::uuid[]) WITH ORDINALITY AS c(patient_id, n) JOIN evaluation_requests r ON r.patient_id = c.patient_id
                 ORDER BY c.n FOR UPDATE OF r""",
                rs -> current.put(rs.getObject(1, UUID.class), rs.getLong(2)),
                sql.array("uuid", claims.stream().map(Claim::patientId).toArray()));
        List<UUID> unchanged = new ArrayList<>();
        List<Claim> newer = new ArrayList<>();
        for (Claim claim : claims) {
            Long version = current.get(claim.patientId());
            if (version == null) {
                continue; // no request left: nothing to remove or send back
            }
            if (version == claim.version()) {
                unchanged.add(claim.patientId());
            } else {
                newer.add(claim);
            }
        }
        if (!unchanged.isEmpty()) {
            sql.update("DELETE FROM evaluation_requests WHERE patient_id = ANY (?)", sql.array("uuid", unchanged.toArray()));
        }
        if (!newer.isEmpty()) {
            sql.update("""
                    UPDATE evaluation_requests r SET claimed_until = NULL, requested_at = now(), attempts = 0, last_error = NULL,
                           urgent_version = CASE WHEN r.urgent_version > c.version THEN r.urgent_version END
                      FROM unnest(?::uuid[], ?::bigint[]) AS c(patient_id, version)
                     WHERE r.patient_id = c.patient_id""",
                    sql.array("uuid", newer.stream().map(Claim::patientId).toArray()),
                    sql.array("bigint", newer.stream().map(Claim::version).toArray()));
        }
    }

    private <T> T autocommit(Database.Work<T> work) {
        try (Connection c = db.ownConnection()) {
            c.setAutoCommit(true);
            return work.run(Sql.on(c));
        } catch (SQLException e) {
            throw new Sql.DataError(e);
        }
    }
}
