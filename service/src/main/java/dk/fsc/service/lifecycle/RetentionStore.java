package dk.fsc.service.lifecycle;

import dk.fsc.service.platform.database.Sql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of retention for the tables that lose rows rather than partitions: how many would go,
 * and one batch of them at a time (each batch its own short transaction, so nothing waits long
 * and a stopped run loses nothing but time). Works on the caller's connection.
 */
final class RetentionStore {
    /** Rows one batch deletes. */
    static final int BATCH = 5000;

    private RetentionStore() {
    }

    /** How many rows of this kind are older than the cutoff. */
    static long count(Sql sql, RetentionPolicy.Kind kind, Instant cutoff) {
        String query = switch (kind) {
            case ALERTS -> "SELECT count(*) FROM alerts WHERE status = 'resolved' AND resolved_at < ?";
            case PHOTOS -> "SELECT count(*) FROM photos WHERE taken_at < ?";
            case QUARANTINE -> "SELECT count(*) FROM quarantine WHERE received_at < ?";
            default -> throw new IllegalArgumentException(kind + " goes by partitions");
        };
        return sql.one(query, rs -> rs.getLong(1), cutoff).orElse(0L);
    }

    /**
     * Deletes one batch of rows older than the cutoff; answers how many went. Resolved alerts go
     * with their events (an open or acknowledged alert stays however old: it is still work).
     */
    static int deleteBatch(Sql sql, RetentionPolicy.Kind kind, Instant cutoff) {
        return switch (kind) {
            case ALERTS -> sql.update("""
                    WITH gone AS (SELECT id FROM alerts WHERE status = 'resolved' AND resolved_at < ? LIMIT ?),
                         events AS (DELETE FROM alert_events WHERE alert_id IN (SELECT id FROM gone))
                    DELETE FROM alerts WHERE id IN (SELECT id FROM gone)""", cutoff, BATCH);
            case QUARANTINE -> sql.update("""
                    DELETE FROM quarantine WHERE id IN (SELECT id FROM quarantine WHERE received_at < ? LIMIT ?)""", cutoff, BATCH);
            default -> throw new IllegalArgumentException(kind + " is not deleted by rows here");
        };
    }

    /**
     * Wounds with nothing newer than the cutoff (each {@code ?} is the cutoff): no photo,
     * measurement, change, referral or assessment since; one with a referral not closed stays
     * however old (it is still work).
     */
    private static final String WOUNDS_EXPIRED = """
            SELECT w.id FROM wounds w
             WHERE w.updated_at < ? AND w.created_at < ?
               AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.patient_id = w.patient_id AND p.wound_id = w.wound_key AND p.taken_at >= ?)
               AND NOT EXISTS (SELECT 1 FROM wound_measurements m WHERE m.wound_id = w.id AND m.measured_at >= ?)
               AND NOT EXISTS (SELECT 1 FROM wound_referrals r WHERE r.wound_id = w.id
                                 AND (r.status <> 'closed' OR r.referred_at >= ? OR r.closed_at >= ?))
               AND NOT EXISTS (SELECT 1 FROM wound_referrals r JOIN wound_assessments a ON a.referral_id = r.id
                                WHERE r.wound_id = w.id AND a.assessed_at >= ?)
            """;

    private static Object[] cutoffs(Instant cutoff, Object... more) {
        Object[] all = new Object[7 + more.length];
        java.util.Arrays.fill(all, 0, 7, cutoff);
        System.arraycopy(more, 0, all, 7, more.length);
        return all;
    }

    static long countWounds(Sql sql, Instant cutoff) {
        return sql.one("SELECT count(*) FROM (" + WOUNDS_EXPIRED + ") x", rs -> rs.getLong(1), cutoffs(cutoff)).orElse(0L);
    }

    /** Deletes one batch of expired wounds with their measurements, referrals and assessments. */
    static int deleteWounds(Sql sql, Instant cutoff) {
        return sql.update("WITH gone AS (" + WOUNDS_EXPIRED + " LIMIT ?)," + """
                     assessments AS (DELETE FROM wound_assessments WHERE referral_id IN
                                       (SELECT id FROM wound_referrals WHERE wound_id IN (SELECT id FROM gone))),
                     referrals AS (DELETE FROM wound_referrals WHERE wound_id IN (SELECT id FROM gone)),
                     measurements AS (DELETE FROM wound_measurements WHERE wound_id IN (SELECT id FROM gone))
                DELETE FROM wounds WHERE id IN (SELECT id FROM gone)""", cutoffs(cutoff, BATCH));
    }

    /** A batch of photos gone: how many rows, and the files (SHA-256) they named. */
    record PhotosGone(int rows, List<String> files) {
    }

    /** Deletes one batch of photos taken before the cutoff, and lists their files to delete (V44) in the same transaction. */
    static PhotosGone deletePhotos(Sql sql, Instant cutoff) {
        List<String> files = new ArrayList<>();
        int rows = sql.list("""
                DELETE FROM photos WHERE id IN (SELECT id FROM photos WHERE taken_at < ? LIMIT ?)
                RETURNING sha256, thumbnail_sha256""",
                rs -> {
                    files.add(rs.getString(1));
                    if (rs.getString(2) != null) {
                        files.add(rs.getString(2));
                    }
                    return 1;
                }, cutoff, BATCH).size();
        if (!files.isEmpty()) {
            sql.update("INSERT INTO photo_files_to_delete (sha256) SELECT DISTINCT unnest(?::text[]) ON CONFLICT DO NOTHING",
                    sql.array("text", files.toArray()));
        }
        return new PhotosGone(rows, files);
    }

    /** Files listed to delete, oldest first (also those a stopped or failed run left). */
    static List<String> filesToDelete(Sql sql, int limit) {
        return sql.list("SELECT sha256 FROM photo_files_to_delete ORDER BY listed_at, sha256 LIMIT ?", rs -> rs.getString(1), limit);
    }

    /** Takes the file off the list (deleted, or named by a photo again). */
    static void fileHandled(Sql sql, String sha256) {
        sql.update("DELETE FROM photo_files_to_delete WHERE sha256 = ?", sha256);
    }

    /** Whether a photo row still names this file (the same bytes sent again, as photo or thumbnail). */
    static boolean fileInUse(Sql sql, String sha256) {
        return sql.one("SELECT EXISTS (SELECT 1 FROM photos WHERE sha256 = ? OR thumbnail_sha256 = ?)", rs -> rs.getBoolean(1),
                sha256, sha256).orElse(true);
    }

    /** Deletes daily rollups of days before the cutoff (their readings are gone); answers how many. */
    static int deleteDailyRollups(Sql sql, Instant cutoff) {
        return sql.update("""
                DELETE FROM reading_rollups_daily WHERE ctid = ANY (ARRAY(SELECT ctid FROM reading_rollups_daily WHERE bucket < ? LIMIT ?))""",
                cutoff, BATCH);
    }

    /** Deletes questionnaire answers given before the cutoff (they go with the readings: the CAT total is one); answers how many. */
    static int deleteAnswers(Sql sql, Instant cutoff) {
        return sql.update("""
                DELETE FROM questionnaire_answers WHERE ctid = ANY (ARRAY(SELECT ctid FROM questionnaire_answers WHERE answered_at < ? LIMIT ?))""",
                cutoff, BATCH);
    }
}
