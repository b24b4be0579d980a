package dk.fsc.gateway.ingest;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.gateway.contract.Decoded;
import dk.fsc.gateway.contract.Observation;
import dk.fsc.gateway.contract.PhotoMessage;
import dk.fsc.gateway.contract.Reading;
import dk.fsc.gateway.contract.RejectionCode;
import dk.fsc.gateway.contract.StatusReport;
import dk.fsc.gateway.photos.PhotoProcessor;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Writes a batch of device messages in one transaction: readings, photos and status reports,
 * their idempotency rows, the devices' last-seen state, the patients' evaluation requests, and
 * quarantine rows for what is refused. The tables are the contract with the service (see
 * docs/architecture.md); photo files go to the {@link BlobStore} inside the transaction, before
 * the commit, so a committed photo row always has its file.
 */
@Singleton
class ReadingStore {

    private final DataSource dataSource;
    private final BlobStore blobs;

    ReadingStore(DataSource dataSource, @Nullable DataSourceResolver resolver, BlobStore blobs) {
        // Plain pool connections: this class owns its transactions and never joins a caller's.
        this.dataSource = (resolver == null ? DataSourceResolver.DEFAULT : resolver).resolve(dataSource);
        this.blobs = blobs;
    }

    /** Stores the batch atomically and returns one outcome per message object, in order. */
    List<Outcome> write(List<Parsed> batch) throws SQLException {
        return write(batch, true, null);
    }

    /**
     * @param quarantineRejections false for a replay: the message is already in quarantine
     * @param inSameTransaction    run after the batch, before the commit (a replay marks its quarantine row)
     */
    List<Outcome> write(List<Parsed> batch, boolean quarantineRejections, TransactionStep inSameTransaction) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            Transaction transaction = new Transaction(c, blobs, quarantineRejections);
            try {
                List<Outcome> outcomes = transaction.write(batch);
                if (inSameTransaction != null) {
                    inSameTransaction.run(c, outcomes);
                }
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

    /** Work done in a batch's transaction after its messages are written. */
    interface TransactionStep {
        void run(Connection c, List<Outcome> outcomes) throws SQLException;
    }

    /** Keeps a message that the database refused to store, so an operator can look at it. */
    void quarantineRefused(Parsed message, String detail) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            Transaction transaction = new Transaction(c, blobs, true);
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
        private final BlobStore blobs;
        private final boolean quarantineRejections;
        private final Map<String, Optional<String>> deviceStates = new HashMap<>();
        private final TreeSet<UUID> patientsToEvaluate = new TreeSet<>();
        /** Devices heard from in this batch, with their newest status report (or null). */
        private final TreeMap<String, StatusReport> devicesSeen = new TreeMap<>();
        private final Map<String, PreparedStatement> statements = new HashMap<>();
        private PreparedStatement readingInsert;

        Transaction(Connection c, BlobStore blobs, boolean quarantineRejections) {
            this.c = c;
            this.blobs = blobs;
            this.quarantineRejections = quarantineRejections;
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
                    if (quarantineRejections) {
                        quarantine(p.message().topic(), p.deviceId(), null, p.refused().code(), p.refused().detail(), p.message().payload());
                    }
                    outcomes.add(Outcome.rejected(p.deviceId(), null, p.refused().code(), p.refused().detail()));
                    continue;
                }
                for (Decoded item : p.items()) {
                    outcomes.add(write(p, item).of(p.kind()));
                }
            }
            if (readingInsert != null) {
                readingInsert.executeBatch();
                readingInsert.close();
            }
            recordDevicesSeen();
            requestEvaluations();
            return outcomes;
        }

        private Outcome write(Parsed p, Decoded item) throws SQLException {
            String deviceId = p.deviceId();
            Outcome outcome;
            if (item instanceof Decoded.Valid valid) {
                outcome = store(deviceId, valid.reading());
            } else if (item instanceof Decoded.Photo photo) {
                outcome = store(deviceId, photo.photo(), p.photo());
            } else if (item instanceof Decoded.Status status) {
                outcome = store(deviceId, status.status());
            } else {
                outcome = rejectedAsDecoded((Decoded.Invalid) item, deviceId);
            }
            if (outcome.status() == Outcome.Status.rejected && quarantineRejections) {
                quarantine(p.message().topic(), deviceId, outcome.messageId(), outcome.code(), outcome.detail(), item.raw());
            }
            return outcome;
        }

        private static Outcome rejectedAsDecoded(Decoded.Invalid invalid, String deviceId) {
            return Outcome.rejected(deviceId, invalid.messageId(), invalid.reason().code(), invalid.reason().detail());
        }

        /** Why a message from this device cannot be taken at all, or null when the device is in service. */
        private Outcome refusal(String deviceId, String messageId) throws SQLException {
            Optional<String> state = deviceState(deviceId);
            if (state.isEmpty()) {
                return Outcome.rejected(deviceId, messageId, RejectionCode.UNKNOWN_DEVICE, "device " + deviceId + " is not registered");
            }
            devicesSeen.putIfAbsent(deviceId, null);
            if (state.get().equals("retired")) {
                return Outcome.rejected(deviceId, messageId, RejectionCode.DEVICE_RETIRED, "device " + deviceId + " is retired");
            }
            return null;
        }

        private static Outcome notOnLoan(String deviceId, String messageId, Instant at) {
            return Outcome.rejected(deviceId, messageId, RejectionCode.DEVICE_NOT_ON_LOAN,
                    "device " + deviceId + " was not on loan to a patient at " + at);
        }

        private Outcome store(String deviceId, Reading reading) throws SQLException {
            String messageId = reading.messageId();
            Outcome refused = refusal(deviceId, messageId);
            if (refused != null) {
                return refused;
            }
            UUID patient = patientWithLoanAt(deviceId, reading.measuredAt());
            if (patient == null) {
                return notOnLoan(deviceId, messageId, reading.measuredAt());
            }
            if (!claimMessageId(deviceId, reading, patient)) {
                return sameAsStored(deviceId, reading) ? Outcome.duplicate(deviceId, messageId) : reused(deviceId, messageId);
            }
            insertObservations(deviceId, reading, patient);
            patientsToEvaluate.add(patient);
            return Outcome.accepted(deviceId, messageId, reading.observations().size());
        }

        private Outcome store(String deviceId, PhotoMessage photo, PhotoProcessor.Processed cleaned) throws SQLException {
            String messageId = photo.messageId();
            Outcome refused = refusal(deviceId, messageId);
            if (refused != null) {
                return refused;
            }
            UUID patient = patientWithLoanAt(deviceId, photo.takenAt());
            if (patient == null) {
                return notOnLoan(deviceId, messageId, photo.takenAt());
            }
            String sha = BlobStore.sha256(cleaned.image());
            String thumbnailSha = cleaned.thumbnail() == null ? null : BlobStore.sha256(cleaned.thumbnail());
            PreparedStatement s = prepared("""
                    INSERT INTO photos (device_id, message_id, patient_id, taken_at, wound_id, wound_type, body_site, length_cm,
                                        width_cm, depth_cm, area_cm2, note, content_type, sha256, size_bytes, width_px, height_px,
                                        thumbnail_sha256, removed_metadata)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (device_id, message_id) DO NOTHING""");
            int i = 1;
            s.setString(i++, deviceId);
            s.setString(i++, messageId);
            s.setObject(i++, patient);
            s.setObject(i++, utc(photo.takenAt()));
            s.setString(i++, photo.woundId());
            s.setString(i++, photo.woundType());
            s.setString(i++, photo.bodySite());
            s.setObject(i++, photo.lengthCm(), Types.DOUBLE);
            s.setObject(i++, photo.widthCm(), Types.DOUBLE);
            s.setObject(i++, photo.depthCm(), Types.DOUBLE);
            s.setObject(i++, photo.areaCm2(), Types.DOUBLE);
            s.setString(i++, photo.note());
            s.setString(i++, photo.format().contentType());
            s.setString(i++, sha);
            s.setInt(i++, cleaned.image().length);
            s.setObject(i++, cleaned.width(), Types.INTEGER);
            s.setObject(i++, cleaned.height(), Types.INTEGER);
            s.setString(i++, thumbnailSha);
            s.setArray(i, c.createArrayOf("text", cleaned.removedMetadata().toArray()));
            if (s.executeUpdate() == 0) {
                return sameStored("SELECT sha256 = ? FROM photos WHERE device_id = ? AND message_id = ?", sha, deviceId, messageId)
                        ? Outcome.duplicate(deviceId, messageId) : reused(deviceId, messageId);
            }
            try {
                blobs.put(cleaned.image());
                if (cleaned.thumbnail() != null) {
                    blobs.put(cleaned.thumbnail());
                }
            } catch (java.io.IOException e) {
                throw new SQLTransientException("blob store unavailable: " + e.getMessage(), e);
            }
            return Outcome.accepted(deviceId, messageId, 0);
        }

        private Outcome store(String deviceId, StatusReport status) throws SQLException {
            String messageId = status.messageId();
            Outcome refused = refusal(deviceId, messageId);
            if (refused != null) {
                return refused;
            }
            PreparedStatement s = prepared("""
                    INSERT INTO device_status_reports (device_id, message_id, reported_at, battery_percent, firmware, signal_dbm, faults)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""");
            s.setString(1, deviceId);
            s.setString(2, messageId);
            s.setObject(3, utc(status.reportedAt()));
            s.setObject(4, status.batteryPercent(), Types.SMALLINT);
            s.setString(5, status.firmware());
            s.setObject(6, status.signalDbm(), Types.SMALLINT);
            s.setArray(7, c.createArrayOf("text", status.faults().toArray()));
            if (s.executeUpdate() == 0) {
                return sameStored("SELECT reported_at = ? FROM device_status_reports WHERE device_id = ? AND message_id = ?",
                        utc(status.reportedAt()), deviceId, messageId) ? Outcome.duplicate(deviceId, messageId) : reused(deviceId, messageId);
            }
            StatusReport newest = devicesSeen.get(deviceId);
            if (newest == null || !status.reportedAt().isBefore(newest.reportedAt())) {
                devicesSeen.put(deviceId, status);
            }
            return Outcome.accepted(deviceId, messageId, 0);
        }

        private boolean sameStored(String sql, Object value, String deviceId, String messageId) throws SQLException {
            PreparedStatement s = prepared(sql);
            s.setObject(1, value);
            s.setString(2, deviceId);
            s.setString(3, messageId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }

        private static Outcome reused(String deviceId, String messageId) {
            return Outcome.rejected(deviceId, messageId, RejectionCode.MESSAGE_ID_REUSED,
                    "messageId " + messageId + " was already used by this device for a different message");
        }

        /**
         * Last seen for every device heard from, and the newest status report where one came; in
         * device order, so two gateways cannot deadlock on these rows.
         */
        private void recordDevicesSeen() throws SQLException {
            if (devicesSeen.isEmpty()) {
                return;
            }
            PreparedStatement seen = prepared("""
                    INSERT INTO device_status (device_id, last_seen_at) VALUES (?, now())
                    ON CONFLICT (device_id) DO UPDATE SET last_seen_at = greatest(device_status.last_seen_at, EXCLUDED.last_seen_at)""");
            PreparedStatement report = prepared("""
                    UPDATE device_status SET reported_at = ?, battery_percent = ?, firmware = ?, signal_dbm = ?, faults = ?
                     WHERE device_id = ? AND (reported_at IS NULL OR reported_at <= ?)""");
            for (String device : devicesSeen.keySet()) {
                seen.setString(1, device);
                seen.addBatch(); // one round trip for the whole batch: this runs for every reading batch
            }
            seen.executeBatch();
            for (Map.Entry<String, StatusReport> device : devicesSeen.entrySet()) {
                StatusReport status = device.getValue();
                if (status != null) {
                    report.setObject(1, utc(status.reportedAt()));
                    report.setObject(2, status.batteryPercent(), Types.SMALLINT);
                    report.setString(3, status.firmware());
                    report.setObject(4, status.signalDbm(), Types.SMALLINT);
                    report.setArray(5, c.createArrayOf("text", status.faults().toArray()));
                    report.setString(6, device.getKey());
                    report.setObject(7, utc(status.reportedAt()));
                    report.executeUpdate();
                }
            }
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
