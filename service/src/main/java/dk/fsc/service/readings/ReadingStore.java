package dk.fsc.service.readings;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Reads of the partitioned readings table, in the caller's transaction; the time range lets PostgreSQL skip partitions. */
@Singleton
class ReadingStore {
    private final Database db;

    ReadingStore(Database db) {
        this.db = db;
    }

    /** A patient's readings of one type (all types when null) in [from, to), oldest first, at most {@code limit}. */
    List<ReadingView> history(UUID patientId, @Nullable String type, Instant from, Instant to, int limit) {
        return db.sql().list("""
                SELECT type, value, unit, measured_at, device_id, message_id, code_system, code, site, origin
                  FROM readings
                 WHERE patient_id = ?
                   AND (CAST(? AS text) IS NULL OR type = ?)
                   AND measured_at >= ? AND measured_at < ?
                 ORDER BY measured_at, device_id, message_id, seq
                 LIMIT ?""",
                rs -> new ReadingView(rs.getString("type"), rs.getDouble("value"), rs.getString("unit"), Sql.instant(rs, "measured_at"),
                        rs.getString("device_id"), rs.getString("message_id"), rs.getString("code_system"), rs.getString("code"),
                        rs.getString("site"), rs.getString("origin")),
                patientId, type, type, from, to, limit);
    }
}
