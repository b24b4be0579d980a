package dk.fsc.service.platform.security;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves every patient's CPR number to the current key after a rotation: decrypts with whichever
 * key it was sealed with, encrypts and hashes with {@code FSC_CPR_KEY}, in batches of
 * {@value #BATCH} rows, logging progress. Runs once at start-up, in the background; safe with
 * several service instances (rows are claimed with SKIP LOCKED) and safe to interrupt.
 */
@Singleton
@Requires(property = "fsc.cpr-rekey.enabled", notEquals = "false")
public class CprRekeyJob {
    private static final Logger LOG = LoggerFactory.getLogger(CprRekeyJob.class);
    private static final int BATCH = 200;
    private static final String STALE = "substring(cpr_encrypted from 1 for 5) <> ?";
    private final Database db;
    private final CprCipher cipher;
    private volatile Thread thread;

    CprRekeyJob(Database db, CprCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        thread = new Thread(() -> {
            try {
                run();
            } catch (SQLException | RuntimeException e) {
                LOG.warn("CPR re-encryption stopped ({}); it resumes at the next start", e.getMessage());
            }
        }, "cpr-rekey");
        thread.setDaemon(true);
        thread.start();
    }

    /** Re-encrypts every row not under the current key; returns how many it moved. */
    public long run() throws SQLException {
        long total = stale();
        if (total == 0) {
            if (cipher.rotating()) {
                LOG.info("Every CPR number uses the current FSC_CPR_KEY; FSC_CPR_PREVIOUS_KEYS can be removed");
            }
            return 0;
        }
        LOG.info("CPR key rotation: {} patients to re-encrypt with the current FSC_CPR_KEY", total);
        Progress progress = new Progress();
        Batch batch;
        do {
            batch = batch(progress.after);
            progress.add(batch);
            LOG.info("CPR key rotation: {} of {} re-encrypted", progress.moved, total);
        } while (batch.seen() == BATCH && !Thread.currentThread().isInterrupted());
        if (progress.unreadable > 0) {
            LOG.warn("CPR key rotation: {} patients' CPR numbers were sealed with a key that is not configured; add that key "
                    + "to FSC_CPR_PREVIOUS_KEYS and restart, or they cannot be shown or searched", progress.unreadable);
        } else {
            LOG.info("CPR key rotation finished: {} re-encrypted; remove the old key from FSC_CPR_PREVIOUS_KEYS once every "
                    + "instance runs with the new FSC_CPR_KEY", progress.moved);
        }
        return progress.moved;
    }

    private record Batch(int seen, int moved, UUID last) {
    }

    private static final class Progress {
        UUID after = new UUID(0, 0); // the smallest uuid in PostgreSQL's order
        long moved;
        long unreadable;

        void add(Batch batch) {
            moved += batch.moved();
            unreadable += batch.seen() - batch.moved();
            if (batch.last() != null) {
                after = batch.last();
            }
        }
    }

    private long stale() {
        return db.withConnection(sql -> sql.one("SELECT count(*) FROM patients WHERE " + STALE, rs -> rs.getLong(1),
                cipher.currentPrefix()).orElseThrow());
    }

    /** One batch in a transaction of its own on a connection of its own, so each batch's rows are released when it commits. */
    private Batch batch(UUID after) throws SQLException {
        try (Connection c = db.ownConnection()) {
            c.setAutoCommit(false);
            try {
                record Row(UUID id, String cpr) {
                }
                Sql sql = Sql.on(c);
                List<Row> rows = new ArrayList<>();
                List<UUID> seen = sql.list("SELECT id, cpr_encrypted FROM patients WHERE " + STALE
                        + " AND id > ? ORDER BY id LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED", rs -> {
                            UUID id = rs.getObject(1, UUID.class);
                            try {
                                rows.add(new Row(id, cipher.decrypt(rs.getBytes(2))));
                            } catch (RuntimeException e) {
                                // sealed with a key we do not have: counted and reported, left as it is
                            }
                            return id;
                        }, cipher.currentPrefix(), after);
                for (Row row : rows) {
                    sql.update("UPDATE patients SET cpr_encrypted = ?, cpr_hash = ? WHERE id = ?",
                            cipher.encrypt(row.cpr()), cipher.lookupHash(row.cpr()), row.id());
                }
                c.commit();
                return new Batch(seen.size(), rows.size(), seen.isEmpty() ? null : seen.get(seen.size() - 1));
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    @PreDestroy
    void stop() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
