package dk.fsc.service.alerts;

import dk.fsc.service.platform.Sql;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One unit of evaluation work, in one transaction: claim the oldest waiting patients (skipping
 * patients another worker holds), evaluate, raise alerts, remove the requests. A reading that
 * arrives meanwhile waits on the claimed row and leaves a new request behind. A patient whose
 * evaluation fails is set aside with a growing pause and the reason kept, not retried hot.
 */
@Singleton
class EvaluationBatch {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluationBatch.class);
    static final int PATIENTS_PER_TRANSACTION = 10;
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

    /**
     * Evaluates up to {@value #PATIENTS_PER_TRANSACTION} waiting patients, oldest request first, in
     * one transaction: one commit (one WAL flush) for them all, where one per patient made the
     * queue the bottleneck of alert latency under load (docs/benchmarks.md). Each patient has its
     * own savepoint, so one failing evaluation sets only that patient aside.
     *
     * @return how many patients were evaluated or set aside (0: nobody was waiting)
     */
    @Transactional
    int evaluateWaiting() throws SQLException {
        Connection c = dataSource.getConnection();
        Sql sql = Sql.on(c);
        List<UUID> claimed = sql.list("""
                SELECT patient_id FROM evaluation_requests WHERE not_before <= now()
                 ORDER BY requested_at LIMIT ? FOR UPDATE SKIP LOCKED""", rs -> rs.getObject(1, UUID.class), PATIENTS_PER_TRANSACTION);
        for (UUID patient : claimed) {
            Savepoint beforeEvaluation = c.setSavepoint();
            try {
                Instant now = Instant.now();
                for (Finding finding : evaluator.evaluate(sql, patient, now)) {
                    alerts.raise(sql, finding, now);
                }
                sql.update("DELETE FROM evaluation_requests WHERE patient_id = ?", patient);
            } catch (RuntimeException e) {
                c.rollback(beforeEvaluation);
                LOG.error("Evaluation of patient {} failed; set aside and retried later", patient, e);
                sql.update("""
                        UPDATE evaluation_requests SET attempts = attempts + 1, last_error = ?,
                               not_before = now() + least(attempts + 1, 30) * interval '1 minute'
                         WHERE patient_id = ?""", String.valueOf(e.getMessage()), patient);
            }
        }
        return claimed.size();
    }
}
