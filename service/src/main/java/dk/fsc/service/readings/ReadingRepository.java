package dk.fsc.service.readings;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Reads of the partitioned readings table; the time range lets PostgreSQL skip partitions. */
@JdbcRepository(dialect = Dialect.POSTGRES)
interface ReadingRepository extends GenericRepository<ReadingView, Void> {

    @Query(value = """
            SELECT type, value, unit, measured_at, device_id, message_id, code_system, code, site, origin
              FROM readings
             WHERE patient_id = :patientId
               AND (CAST(:type AS text) IS NULL OR type = :type)
               AND measured_at >= :from AND measured_at < :to
             ORDER BY measured_at, device_id, message_id, seq
             LIMIT :limit""", nativeQuery = true)
    List<ReadingView> history(UUID patientId, @Nullable String type, Instant from, Instant to, int limit);
}
