package dk.fsc.gateway.ingest;

import dk.fsc.gateway.contract.Decoded;
import dk.fsc.gateway.contract.Observation;
import dk.fsc.gateway.contract.Reading;
import dk.fsc.gateway.contract.RejectionCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Writes a batch of device messages in one transaction: readings, their idempotency rows, the
 * patients' evaluation requests, and quarantine rows for what is refused. The tables are the
 * contract with the service (see docs/architecture.md).
 */
@Singleton
class ReadingStore {

    private final DataSource dataSource;

    ReadingStore(DataSource dataSource, @Nullable DataSourceResolver resolver) {
        // Plain pool connections: this class owns its transactions and never joins a caller's.
        this.dataSource = (resolver == null ? DataSourceResolver.DEFAULT : resolver).resolve(dataSource);
    }

    /** Stores the batch atomically and returns one outcome per reading object, in order. */
    List<Outcome> write(List<Parsed> batch) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            Transaction transaction = new Transaction(c);
            try {
                List<Outcome> outcomes = transaction.write(batch);
                c.commit();
                return outcomes;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                transaction.close();
            }
        }
    }

    /** Keeps a message that the database refused to store, so an operator can look at it. */
    void quarantineRefused(Parsed message, String detail) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            Transaction transaction = new Transaction(c);
            try {
                transaction.quarantine(message.message().topic(), message.deviceId(), null,
                        RejectionCode.STORE_REFUSED, detail, message.message().payload());
            } finally {
                transaction.close();
            }
        }
    }

    /**
     * The statements of one transaction, each prepared once and reused for every reading of the
     * batch, with a per-batch cache of device states.
     */
    private static final class Transaction implements AutoCloseable {
        private final Connection c;
        private final Map<String, Optional<String>> deviceStates = new HashMap<>();
        private final TreeSet<UUID> patientsToEvaluate = new TreeSet<>();
        private final Map<String, PreparedStatement> statements = new HashMap<>();
        private PreparedStatement readingInsert;

        Transaction(Connection c) {
            this.c = c;
        }

        private PreparedStatement prepared(String sql) throws SQLException {
            PreparedStatement s = statements.get(sql);
            if (s == null) {
                s = c.prepareStatement(sql);
                statements.put(sql, s);
            }
            return s;
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement s : statements.values()) {
                s.close();
            }
            statements.clear();
        }

        List<Outcome> write(List<Parsed> batch) throws SQLException {
            List<Outcome> outcomes = new ArrayList<>();
            for (Parsed p : batch) {
                if (p.refused() != null) {
                    quarantine(p.message().topic(), p.deviceId(), null, p.refused().code(), p.refused().detail(), p.message().payload());
                    outcomes.add(Outcome.rejected(p.deviceId(), null, p.refused().code(), p.refused().detail()));
                    continue;
                }
                for (Decoded item : p.items()) {
                    outcomes.add(write(p, item));
                }
            }
            if (readingInsert != null) {
                readingInsert.executeBatch();
                readingInsert.close();
            }
            requestEvaluations();
            return outcomes;
        }

        private Outcome write(Parsed p, Decoded item) throws SQLException {
            String deviceId = p.deviceId();
            Outcome outcome = item instanceof Decoded.Valid valid
                    ? store(deviceId, valid.reading())
                    : rejectedAsDecoded((Decoded.Invalid) item, deviceId);
            if (outcome.status() == Outcome.Status.rejected) {
                quarantine(p.message().topic(), deviceId, outcome.messageId(), outcome.code(), outcome.detail(), item.raw());
            }
            return outcome;
        }

        private static Outcome rejectedAsDecoded(Decoded.Invalid invalid, String deviceId) {
            return Outcome.rejected(deviceId, invalid.messageId(), invalid.reason().code(), invalid.reason().detail());
        }

        private Outcome store(String deviceId, Reading reading) throws SQLException {
            String messageId = reading.messageId();
            Optional<String> state = deviceState(deviceId);
            if (state.isEmpty()) {
                return Outcome.rejected(deviceId, messageId, RejectionCode.UNKNOWN_DEVICE, "device " + deviceId + " is not registered");
            }
            if (state.get().equals("retired")) {
                return Outcome.rejected(deviceId, messageId, RejectionCode.DEVICE_RETIRED, "device " + deviceId + " is retired");
            }
            UUID patient = patientWithLoanAt(deviceId, reading.measuredAt());
            if (patient == null) {
                return Outcome.rejected(deviceId, messageId, RejectionCode.DEVICE_NOT_ON_LOAN,
                        "device " + deviceId + " was not on loan to a patient at " + reading.measuredAt());
            }
            if (!claimMessageId(deviceId, reading, patient)) {
                return sameAsStored(deviceId, reading) ? Outcome.duplicate(deviceId, messageId)
                        : Outcome.rejected(deviceId, messageId, RejectionCode.MESSAGE_ID_REUSED,
                        "messageId " + messageId + " was already used by this device for a different reading");
            }
            insertObservations(deviceId, reading, patient);
            patientsToEvaluate.add(patient);
            return Outcome.accepted(deviceId, messageId, reading.observations().size());
        }

        private Optional<String> deviceState(String deviceId) throws SQLException {
            Optional<String> cached = deviceStates.get(deviceId);
            if (cached != null) {
                return cached;
            }
            PreparedStatement s = prepared("SELECT state FROM devices WHERE id = ?");
            s.setString(1, deviceId);
            try (ResultSet rs = s.executeQuery()) {
                Optional<String> state = rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                deviceStates.put(deviceId, state);
                return state;
            }
        }

        private UUID patientWithLoanAt(String deviceId, Instant at) throws SQLException {
            PreparedStatement s = prepared("""
                    SELECT patient_id FROM loans
                     WHERE device_id = ? AND starts_at <= ? AND (ends_at IS NULL OR ends_at > ?)
                     ORDER BY starts_at DESC LIMIT 1""");
            s.setString(1, deviceId);
            s.setObject(2, utc(at));
            s.setObject(3, utc(at));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getObject(1, UUID.class) : null;
            }
        }

        private boolean claimMessageId(String deviceId, Reading reading, UUID patient) throws SQLException {
            PreparedStatement s = prepared("""
                    INSERT INTO device_messages (device_id, message_id, measured_at, patient_id, observation_count)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""");
            s.setString(1, deviceId);
            s.setString(2, reading.messageId());
            s.setObject(3, utc(reading.measuredAt()));
            s.setObject(4, patient);
            s.setInt(5, reading.observations().size());
            return s.executeUpdate() == 1;
        }

        private boolean sameAsStored(String deviceId, Reading reading) throws SQLException {
            PreparedStatement s = prepared(
                    "SELECT measured_at, observation_count FROM device_messages WHERE device_id = ? AND message_id = ?");
            s.setString(1, deviceId);
            s.setString(2, reading.messageId());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next()
                        && rs.getObject(1, OffsetDateTime.class).toInstant().equals(reading.measuredAt())
                        && rs.getInt(2) == reading.observations().size();
            }
        }

        private void insertObservations(String deviceId, Reading reading, UUID patient) throws SQLException {
            if (readingInsert == null) {
                readingInsert = c.prepareStatement("""
                        INSERT INTO readings (device_id, message_id, seq, measured_at, patient_id, type, value, unit,
                                              code_system, code, site, source_device)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""");
            }
            short seq = 0;
            for (Observation o : reading.observations()) {
                readingInsert.setString(1, deviceId);
                readingInsert.setString(2, reading.messageId());
                readingInsert.setShort(3, seq++);
                readingInsert.setObject(4, utc(reading.measuredAt()));
                readingInsert.setObject(5, patient);
                readingInsert.setString(6, o.type().wireName());
                readingInsert.setDouble(7, o.value());
                readingInsert.setString(8, o.type().unit());
                readingInsert.setString(9, o.type().codeSystem());
                readingInsert.setString(10, o.type().code());
                readingInsert.setString(11, o.site());
                if (o.source() == null) {
                    readingInsert.setNull(12, Types.OTHER);
                } else {
                    readingInsert.setObject(12, o.source(), Types.OTHER);
                }
                readingInsert.addBatch();
            }
        }

        /**
         * In patient order, so two gateways upserting the same patients cannot deadlock. DO UPDATE
         * (not DO NOTHING) so that a request a worker is evaluating right now is waited for and
         * then made anew: the worker may have read the patient's readings before this commit.
         */
        private void requestEvaluations() throws SQLException {
            if (patientsToEvaluate.isEmpty()) {
                return;
            }
            PreparedStatement s = prepared("""
                    INSERT INTO evaluation_requests (patient_id) VALUES (?)
                    ON CONFLICT (patient_id) DO UPDATE SET updated_at = clock_timestamp()""");
            for (UUID patient : patientsToEvaluate) {
                s.setObject(1, patient);
                s.addBatch();
            }
            s.executeBatch();
        }

        void quarantine(String topic, String deviceId, String messageId, RejectionCode code, String detail, byte[] raw)
                throws SQLException {
            PreparedStatement s = prepared("""
                    INSERT INTO quarantine (topic, device_id, message_id, code, detail, payload)
                    VALUES (?, ?, ?, ?, ?, ?)""");
            s.setString(1, topic);
            s.setString(2, deviceId);
            s.setString(3, messageId);
            s.setString(4, code.name());
            s.setString(5, detail);
            s.setBytes(6, raw);
            s.executeUpdate();
        }

        private static OffsetDateTime utc(Instant at) {
            return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
        }
    }
}
