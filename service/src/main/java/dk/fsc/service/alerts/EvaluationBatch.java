package dk.fsc.service.alerts;

import dk.fsc.service.platform.database.Sql;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluation work in two steps. {@link #claim}: take up to {@value #PATIENTS_PER_TRANSACTION} of
 * the waiting patients on a short lease, those with a reading at a default red limit first
 * ({@code urgent_version}, set by the gateway), then the longest-waiting (skipping rows another
 * worker is claiming, and leases not yet run out), in a transaction of its own, so the gateway's
 * next request for these patients does not wait for their evaluation. {@link #evaluate}: evaluate
 * them, raise alerts and remove each request whose version is still the claimed one, in one
 * transaction (one commit for all). A reading committed meanwhile bumped the version: the request stays, at the back of the
 * queue, and is evaluated again. A failed transaction gives its claims back ({@link #release}). A
 * patient whose evaluation fails is set aside with a growing pause and the reason kept, not
 * retried hot; a worker that dies leaves leases that run out after {@code LEASE}.
 */
@Singleton
class EvaluationBatch {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluationBatch.class);
    static final int PATIENTS_PER_TRANSACTION = 10;
    /** How long a claim holds when its worker neither finishes nor gives it back (a crash). */
    static final String LEASE = "30 seconds";
    private final DataSource dataSource;
    private final PatientEvaluator evaluator;
    private final AlertStore alerts;

    private final DataSource plainDataSource;

    EvaluationBatch(DataSource dataSource, @Nullable DataSourceResolver resolver, PatientEvaluator evaluator, AlertStore alerts) {
        this.dataSource = dataSource;
        this.plainDataSource = (resolver == null ? DataSourceResolver.DEFAULT : resolver).resolve(dataSource);
        this.evaluator = evaluator;
        this.alerts = alerts;
    }

    /** Patients waiting for evaluation (a gauge; -1 when the database cannot be asked). */
    double waiting() {
        try (Connection c = plainDataSource.getConnection()) {
            return Sql.on(c).one("SELECT count(*) FROM evaluation_requests", rs -> rs.getLong(1)).orElse(0L);
        } catch (SQLException | RuntimeException e) {
            return -1;
        }
    }

    /** A claimed patient and the version of the request that was claimed. */
    record Claim(UUID patientId, long version) {
    }

    /** Takes the longest-waiting patients on a lease; empty when nobody is waiting. */
    List<Claim> claim() throws SQLException {
        try (Connection c = plainDataSource.getConnection()) {
            c.setAutoCommit(true);
            // The pick is materialised: as an IN (subquery) the planner may run it again per row,
            // and with SKIP LOCKED each run can pick others (11 claimed of 10 was seen).
            return Sql.on(c).list("""
                    WITH picked AS MATERIALIZED (
                        SELECT patient_id FROM evaluation_requests
                         WHERE not_before <= now() AND (claimed_until IS NULL OR claimed_until < now())
                         ORDER BY urgent_version IS NULL, requested_at LIMIT ? FOR UPDATE SKIP LOCKED)
                    UPDATE evaluation_requests r SET claimed_until = now() + ?::interval
                      FROM picked WHERE r.patient_id = picked.patient_id
                    RETURNING r.patient_id, r.version""", rs -> new Claim(rs.getObject(1, UUID.class), rs.getLong(2)),
                    PATIENTS_PER_TRANSACTION, LEASE);
        }
    }

    /** Evaluates the claimed patients in one transaction, each under its own savepoint. */
    @Transactional
    void evaluate(List<Claim> claims) throws SQLException {
        Connection c = dataSource.getConnection();
        Sql sql = Sql.on(c);
        List<Claim> evaluated = new java.util.ArrayList<>(claims.size());
        for (Claim claim : claims) {
            Savepoint beforeEvaluation = c.setSavepoint();
            try {
                Instant now = Instant.now();
                for (Finding finding : evaluator.evaluate(sql, claim.patientId(), now)) {
                    alerts.raise(sql, finding, now);
                }
                evaluated.add(claim);
            } catch (RuntimeException e) {
                c.rollback(beforeEvaluation);
                LOG.error("Evaluation of patient {} failed; set aside and retried later", claim.patientId(), e);
                sql.update("""
                        UPDATE evaluation_requests SET attempts = attempts + 1, last_error = ?, claimed_until = NULL,
                               not_before = now() + least(attempts + 1, 30) * interval '1 minute'
                         WHERE patient_id = ?""", String.valueOf(e.getMessage()), claim.patientId());
            }
        }
        // Last, so the rows are locked only for the commit, and in the gateway's order (it locks
        // its batch's requests sorted the same way), so the two never wait for each other in a
        // circle. Done unless a newer reading came: that request goes to the back of the queue,
        // or a patient measuring all the time would be evaluated again and again, ahead of all;
        // it stays urgent only if a reading at a red limit came during this evaluation.
        evaluated.sort(Comparator.comparing(Claim::patientId));
        for (Claim claim : evaluated) {
            if (sql.update("DELETE FROM evaluation_requests WHERE patient_id = ? AND version = ?", claim.patientId(), claim.version()) == 0) {
                sql.update("""
                        UPDATE evaluation_requests SET claimed_until = NULL, requested_at = now(),
                               urgent_version = CASE WHEN urgent_version > ? THEN urgent_version END
                         WHERE patient_id = ?""", claim.version(), claim.patientId());
            }
        }
    }

    /** Gives claims back at once after a failed evaluation transaction, instead of when the lease runs out. */
    void release(List<Claim> claims) throws SQLException {
        try (Connection c = plainDataSource.getConnection()) {
            c.setAutoCommit(true);
            Sql sql = Sql.on(c);
            sql.update("UPDATE evaluation_requests SET claimed_until = NULL WHERE patient_id = ANY(?)",
                    sql.array("uuid", claims.stream().map(Claim::patientId).toArray()));
        }
    }
}
