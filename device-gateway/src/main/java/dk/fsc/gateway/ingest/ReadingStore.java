package dk.fsc.gateway.ingest;

import dk.fsc.gateway.GatewayConfig;
import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.gateway.contract.Decoded;
import dk.fsc.gateway.contract.PhotoMessage;
import dk.fsc.gateway.contract.Reading;
import dk.fsc.gateway.contract.RejectionCode;
import dk.fsc.gateway.contract.StatusReport;
import dk.fsc.gateway.photos.PhotoProcessor;
import dk.fsc.gateway.storage.AnswerRows;
import dk.fsc.gateway.storage.EvaluationRequestRows;
import dk.fsc.gateway.storage.MessageKeyRows;
import dk.fsc.gateway.storage.PhotoRows;
import dk.fsc.gateway.storage.ReadingRows;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Storage of the {@link MessageChain}'s checks 5 to 9: writes a batch of device messages in one
 * transaction: readings, photos (with a record of a wound first named) and status reports, their idempotency rows, the devices'
 * last-seen state, the patients' evaluation requests, and quarantine rows for what is refused.
 * The decisions are made by {@link Attribution} and {@link Resend} on facts read here. The tables
 * are the contract with the service (see docs/architecture.md); the readings and evaluation
 * requests are written with the statements the service uses too ({@link ReadingRows},
 * {@link EvaluationRequestRows}). Photo files go to the {@link BlobStore} inside the transaction,
 * before the commit, so a committed photo row always has its file.
 */
@Singleton
class ReadingStore implements StoreRetries.Store {

    private final DataSource dataSource;
    private final BlobStore blobs;
    private final QuarantineQuota quota;
    /**
     * How far back (by measured_at) the claim looks for a message id used before: the backlog
     * window plus a day. A message older than the window is refused before its id is looked at,
     * so keys older than this are never needed (device_messages' retention keeps them longer: V21).
     */
    private final Duration keyWindow;
    /**
     * How far ahead (by measured_at) the claim looks: the allowed clock skew plus a day. A message
     * measured further ahead is refused before its id is looked at, so no key lies beyond this;
     * the bound lets PostgreSQL skip the months made ahead and the default partition, which
     * every look at a key read before (docs/benchmarks.md, "The idempotency claim's look bounded").
     */
    private final Duration keyAhead;

    ReadingStore(DataSource dataSource, @Nullable DataSourceResolver resolver, BlobStore blobs, GatewayConfig config) {
        // Plain pool connections: this class owns its transactions and never joins a caller's.
        this.dataSource = (resolver == null ? DataSourceResolver.DEFAULT : resolver).resolve(dataSource);
        this.blobs = blobs;
        this.quota = new QuarantineQuota(config.getQuarantineQuotaRows(), config.getQuarantineQuotaBytes(),
                config.getQuarantineQuotaWindow());
        this.keyWindow = config.getBacklogWindow().plusDays(1);
        this.keyAhead = config.getFutureTolerance().plusDays(1);
    }

    /** A plain pool connection (autocommit, the caller closes it): the gateway's one way to its database. */
    Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** Stores the batch atomically and returns one outcome per message object, in order. */
    @Override
    public List<Outcome> write(List<Parsed> batch) throws SQLException {
        return write(batch, true, null);
    }

    /**
     * @param quarantineRejections false for a replay: the message is already in quarantine
     * @param inSameTransaction    run after the batch, before the commit (a replay marks its quarantine row)
     */
    List<Outcome> write(List<Parsed> batch, boolean quarantineRejections, TransactionStep inSameTransaction) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            Transaction transaction = new Transaction(c, blobs, quarantineRejections, quota, keyWindow, keyAhead);
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

    /**
     * Keeps a message that the database refused to store, so an operator can look at it; false
     * when its device's quarantine quota is used up and it was not kept.
     */
    @Override
    public boolean quarantineRefused(Parsed message, String detail) throws SQLException {
        try (Connection c = dataSource.getConnection(); QuarantineRows rows = new QuarantineRows(c, quota)) {
            c.setAutoCommit(false);
            try {
                rows.add(0, message.message().topic(), message.deviceId(), null, RejectionCode.STORE_REFUSED, detail,
                        message.message().payload());
                boolean kept = rows.store().isEmpty();
                c.commit();
                return kept;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
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
        /** The batch's devices: state and loans, read once per batch. */
        private final Map<String, DeviceFacts> devices = new HashMap<>();
        /** Patients with a new reading in this batch. */
        private final EvaluationRequestRows patientsToEvaluate = new EvaluationRequestRows();
        /** Devices heard from in this batch, with their newest status report (or null). */
        private final TreeMap<String, StatusReport> devicesSeen = new TreeMap<>();
        private final Map<String, PreparedStatement> statements = new HashMap<>();
        /** Valid readings waiting for the batch's one claim of message ids, in arrival order. */
        private final List<PendingReading> pendingReadings = new ArrayList<>();
        /** Status reports of registered devices waiting for the batch's one insert, in arrival order. */
        private final List<PendingStatus> pendingStatus = new ArrayList<>();
        private final QuarantineRows quarantine;
        private final long keyWindowSeconds;
        private final long keyAheadSeconds;

        /** @param contentSha256 the SHA-256 of the reading's {@link Reading#content()}: a resend has the same */
        private record PendingReading(int slot, Parsed parsed, Decoded.Valid item, UUID patient, String contentSha256) {
            String key() {
                return Parsed.key(parsed.deviceId(), item.reading().messageId());
            }
        }

        private record PendingStatus(int slot, Parsed parsed, Decoded.Status item) {
            String key() {
                return Parsed.key(parsed.deviceId(), item.status().messageId());
            }
        }

        Transaction(Connection c, BlobStore blobs, boolean quarantineRejections, QuarantineQuota quota, Duration keyWindow,
                    Duration keyAhead) {
            this.c = c;
            this.keyWindowSeconds = keyWindow.toSeconds();
            this.keyAheadSeconds = keyAhead.toSeconds();
            this.blobs = blobs;
            this.quarantineRejections = quarantineRejections;
            this.quarantine = new QuarantineRows(c, quota);
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
            quarantine.close();
        }

        /**
         * Set-based, as few round trips as possible: the batch's devices and loans are read in one
         * query, its readings' message ids claimed in one statement and their observations
         * inserted in one more, its status reports inserted in one, and the devices' last-seen
         * rows with their newest reports written in one; photos go one by one (they are rare).
         */
        List<Outcome> write(List<Parsed> batch) throws SQLException {
            readDevicesAndLoans(batch);
            List<Outcome> outcomes = new ArrayList<>();
            for (Parsed p : batch) {
                if (p.refused() != null) {
                    if (quarantineRejections) {
                        quarantine.add(outcomes.size(), p.message().topic(), p.deviceId(), null, p.refused().code(), p.refused().detail(),
                                p.message().payload());
                    }
                    outcomes.add(Outcome.rejected(p.deviceId(), null, p.refused().code(), p.refused().detail()));
                    continue;
                }
                for (Decoded item : p.items()) {
                    outcomes.add(write(p, item, outcomes.size()));
                }
            }
            claimAndInsertReadings(outcomes);
            insertStatusReports(outcomes);
            for (int slot : quarantine.store()) {
                outcomes.set(slot, outcomes.get(slot).notKept());
            }
            recordDevicesSeen();
            requestEvaluations();
            return outcomes;
        }

        /** The item's outcome, or null for a valid reading or status report: those are decided with the batch's statements. */
        private Outcome write(Parsed p, Decoded item, int slot) throws SQLException {
            String deviceId = p.deviceId();
            Outcome outcome;
            if (item instanceof Decoded.Valid valid) {
                outcome = admit(p, valid, slot);
                if (outcome == null) {
                    return null;
                }
            } else if (item instanceof Decoded.Photo photo) {
                outcome = store(deviceId, photo.photo(), p.photo());
            } else if (item instanceof Decoded.Status status) {
                outcome = admit(p, status, slot);
                if (outcome == null) {
                    return null;
                }
            } else {
                outcome = rejectedAsDecoded((Decoded.Invalid) item, deviceId);
            }
            return settle(p, item, outcome, slot);
        }

        /** Keeps a rejected item in quarantine (unless replaying) and tags the outcome with the message kind. */
        private Outcome settle(Parsed p, Decoded item, Outcome outcome, int slot) {
            if (outcome.status() == Outcome.Status.rejected && quarantineRejections) {
                quarantine.add(slot, p.message().topic(), p.deviceId(), outcome.messageId(), outcome.code(), outcome.detail(), item.raw());
            }
            return outcome.of(p.kind());
        }

        private static Outcome rejectedAsDecoded(Decoded.Invalid invalid, String deviceId) {
            return Outcome.rejected(deviceId, invalid.messageId(), invalid.reason().code(), invalid.reason().detail());
        }

        /** Checks 5 and 6 for a reading or photo taken at {@code at} (no time: a status report, checks 5 only). */
        private Attribution attribute(String deviceId, String messageId, Instant at) {
            DeviceFacts facts = devices.getOrDefault(deviceId, DeviceFacts.UNREGISTERED);
            if (facts.registered()) {
                devicesSeen.putIfAbsent(deviceId, null);
            }
            return at == null ? Attribution.ofDevice(deviceId, messageId, facts) : Attribution.toPatient(deviceId, messageId, at, facts);
        }

        /** Refused now (device unknown, retired, not on loan), or queued for the claim (null). */
        private Outcome admit(Parsed p, Decoded.Valid valid, int slot) {
            Reading reading = valid.reading();
            Attribution attribution = attribute(p.deviceId(), reading.messageId(), reading.measuredAt());
            if (attribution.refused() != null) {
                return attribution.refused();
            }
            pendingReadings.add(new PendingReading(slot, p, valid, attribution.patient(),
                    BlobStore.sha256(reading.content().getBytes(StandardCharsets.UTF_8))));
            return null;
        }

        /**
         * Claims the pending readings' message ids in one statement; a claimed reading's
         * observations are stored, one not claimed (stored before, or twice in this batch) is a
         * duplicate when it matches what is stored and a reused id otherwise.
         */
        private void claimAndInsertReadings(List<Outcome> outcomes) throws SQLException {
            if (pendingReadings.isEmpty()) {
                return;
            }
            Set<String> claimed = claim();
            List<PendingReading> stored = new ArrayList<>();
            for (PendingReading r : pendingReadings) {
                String deviceId = r.parsed().deviceId();
                Reading reading = r.item().reading();
                Outcome outcome;
                if (claimed.remove(r.key())) {
                    stored.add(r);
                    patientsToEvaluate.newReading(r.patient(), reading);
                    outcome = Outcome.accepted(deviceId, reading.messageId(), reading.observations().size());
                } else {
                    outcome = Resend.outcome(Resend.sameReading(stored(deviceId, reading.messageId()), reading, r.contentSha256()),
                            deviceId, reading.messageId());
                }
                outcomes.set(r.slot(), settle(r.parsed(), r.item(), outcome, r.slot()));
            }
            insertObservations(stored);
            pendingReadings.clear();
        }

        /** The keys of the readings whose message ids this batch claimed (the first of each id, in key order: no deadlocks). */
        private Set<String> claim() throws SQLException {
            MessageKeyRows keys = new MessageKeyRows();
            for (PendingReading r : firstOfEachKey(pendingReadings, PendingReading::key)) {
                Reading reading = r.item().reading();
                keys.add(r.parsed().deviceId(), reading.messageId(), reading.measuredAt(), r.patient(), reading.observations().size(),
                        r.contentSha256());
            }
            PreparedStatement s = bound(MessageKeyRows.CLAIM, keys.parameters(c::createArrayOf, keyWindowSeconds, keyAheadSeconds));
            Set<String> claimed = new HashSet<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    claimed.add(Parsed.key(rs.getString(1), rs.getString(2)));
                }
            }
            return claimed;
        }

        private Outcome store(String deviceId, PhotoMessage photo, PhotoProcessor.Processed cleaned) throws SQLException {
            String messageId = photo.messageId();
            Attribution attribution = attribute(deviceId, messageId, photo.takenAt());
            if (attribution.refused() != null) {
                return attribution.refused();
            }
            UUID patient = attribution.patient();
            if (bound(PhotoRows.INSERT, PhotoRows.parameters(deviceId, patient, photo, cleaned, null, c::createArrayOf)).executeUpdate() == 0) {
                return sameStored("SELECT sha256 = ? FROM photos WHERE device_id = ? AND message_id = ?", BlobStore.sha256(cleaned.image()),
                        deviceId, messageId) ? Outcome.duplicate(deviceId, messageId) : Resend.reused(deviceId, messageId);
            }
            // The photo names its wound by the device's key: a wound the patient has no record of yet gets one.
            run(PhotoRows.WOUND, PhotoRows.woundParameters(patient, photo, "device " + deviceId));
            lockFile(BlobStore.sha256(cleaned.image()));
            if (cleaned.thumbnail() != null) {
                lockFile(BlobStore.sha256(cleaned.thumbnail()));
            }
            try {
                blobs.put(cleaned.image());
                if (cleaned.thumbnail() != null) {
                    blobs.put(cleaned.thumbnail());
                }
            } catch (java.io.IOException | RuntimeException e) {
                throw new StoreRetries.PhotoStoreUnavailable("blob store unavailable: " + e.getMessage(), e);
            }
            return Outcome.accepted(deviceId, messageId, 0);
        }

        /** Refused now (device unknown or retired), or queued for the batch's insert of status reports (null). */
        private Outcome admit(Parsed p, Decoded.Status item, int slot) {
            Attribution attribution = attribute(p.deviceId(), item.status().messageId(), null);
            if (attribution.refused() != null) {
                return attribution.refused();
            }
            pendingStatus.add(new PendingStatus(slot, p, item));
            return null;
        }

        /**
         * The pending status reports in one statement, in key order (no deadlocks); one not
         * inserted (stored before, or twice in this batch) is a duplicate when its time matches
         * the stored one's and a reused id otherwise. The newest accepted report of each device
         * goes to its status row ({@link #recordDevicesSeen}).
         */
        private void insertStatusReports(List<Outcome> outcomes) throws SQLException {
            if (pendingStatus.isEmpty()) {
                return;
            }
            Collection<PendingStatus> first = firstOfEachKey(pendingStatus, PendingStatus::key);
            List<String> devices = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            List<StatusReport> reports = new ArrayList<>();
            for (PendingStatus r : first) {
                devices.add(r.parsed().deviceId());
                ids.add(r.item().status().messageId());
                reports.add(r.item().status());
            }
            PreparedStatement s = prepared("""
                    INSERT INTO device_status_reports (device_id, message_id, reported_at, battery_percent, firmware, signal_dbm, faults)
                    SELECT d, m, t::timestamptz, b, f, g, string_to_array(j, ' ')
                      FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::int[], ?::text[]) AS x(d, m, t, b, f, g, j)
                    ON CONFLICT DO NOTHING RETURNING device_id, message_id""");
            s.setArray(1, c.createArrayOf("text", devices.toArray()));
            s.setArray(2, c.createArrayOf("text", ids.toArray()));
            setReports(s, 3, reports);
            Set<String> inserted = new HashSet<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    inserted.add(Parsed.key(rs.getString(1), rs.getString(2)));
                }
            }
            for (PendingStatus r : pendingStatus) {
                String deviceId = r.parsed().deviceId();
                StatusReport status = r.item().status();
                Outcome outcome;
                if (inserted.remove(r.key())) {
                    StatusReport newest = devicesSeen.get(deviceId);
                    if (newest == null || !status.reportedAt().isBefore(newest.reportedAt())) {
                        devicesSeen.put(deviceId, status);
                    }
                    outcome = Outcome.accepted(deviceId, status.messageId(), 0);
                } else {
                    outcome = sameStored("SELECT reported_at = ? FROM device_status_reports WHERE device_id = ? AND message_id = ?",
                            utc(status.reportedAt()), deviceId, status.messageId())
                            ? Outcome.duplicate(deviceId, status.messageId()) : Resend.reused(deviceId, status.messageId());
                }
                outcomes.set(r.slot(), settle(r.parsed(), r.item(), outcome, r.slot()));
            }
            pendingStatus.clear();
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

        /**
         * In one statement, for every device heard from, in device order (two gateways cannot
         * deadlock on these rows): last seen, to within 10 s (a busy device's row is not rewritten
         * for every batch), and its newest status report where one came that is not older than the
         * one stored.
         */
        private void recordDevicesSeen() throws SQLException {
            if (devicesSeen.isEmpty()) {
                return;
            }
            PreparedStatement s = prepared(DEVICES_SEEN);
            s.setArray(1, c.createArrayOf("text", devicesSeen.keySet().toArray()));
            setReports(s, 2, new ArrayList<>(devicesSeen.values()));
            s.executeUpdate();
        }

        /**
         * Sets five array parameters from {@code index} on: the reports' times, battery, firmware,
         * signal and fault codes (joined by spaces: a code has none, StatusDecoder); a null report
         * gives nulls.
         */
        private void setReports(PreparedStatement s, int index, List<StatusReport> reports) throws SQLException {
            int n = reports.size();
            String[] times = new String[n];
            Integer[] battery = new Integer[n];
            String[] firmware = new String[n];
            Integer[] signal = new Integer[n];
            String[] faults = new String[n];
            for (int i = 0; i < n; i++) {
                StatusReport status = reports.get(i);
                if (status != null) {
                    times[i] = status.reportedAt().toString();
                    battery[i] = status.batteryPercent();
                    firmware[i] = status.firmware();
                    signal[i] = status.signalDbm();
                    faults[i] = String.join(" ", status.faults());
                }
            }
            s.setArray(index, c.createArrayOf("text", times));
            s.setArray(index + 1, c.createArrayOf("int4", battery));
            s.setArray(index + 2, c.createArrayOf("text", firmware));
            s.setArray(index + 3, c.createArrayOf("int4", signal));
            s.setArray(index + 4, c.createArrayOf("text", faults));
        }

        /**
         * The first item of each key, in key order: the order in which a batch's statements take
         * their row locks, so that two gateways cannot deadlock.
         */
        private static <T> Collection<T> firstOfEachKey(List<T> items, Function<T, String> key) {
            TreeMap<String, T> first = new TreeMap<>();
            for (T item : items) {
                first.putIfAbsent(key.apply(item), item);
            }
            return first.values();
        }

        /**
         * Last seen and newest report of each device ({@link #recordDevicesSeen}); the report's
         * columns change only when the batch has one for the device at least as new as the one
         * stored. The 10 seconds are compared as the difference of the two times (an immutable
         * operator), not as a time minus an interval (a stable one), which a distributed
         * PostgreSQL (Citus) refuses in an upsert's WHERE (docs/operations.md, "Beyond one
         * database server").
         */
        private static final String DEVICES_SEEN = """
                INSERT INTO device_status AS s (device_id, last_seen_at, reported_at, battery_percent, firmware, signal_dbm, faults)
                SELECT d, now(), t::timestamptz, b, f, g, coalesce(string_to_array(j, ' '), '{}')
                  FROM unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::int[], ?::text[]) AS x(d, t, b, f, g, j)
                ON CONFLICT (device_id) DO UPDATE SET
                    last_seen_at = greatest(s.last_seen_at, EXCLUDED.last_seen_at),
                    reported_at = CASE WHEN %1$s THEN EXCLUDED.reported_at ELSE s.reported_at END,
                    battery_percent = CASE WHEN %1$s THEN EXCLUDED.battery_percent ELSE s.battery_percent END,
                    firmware = CASE WHEN %1$s THEN EXCLUDED.firmware ELSE s.firmware END,
                    signal_dbm = CASE WHEN %1$s THEN EXCLUDED.signal_dbm ELSE s.signal_dbm END,
                    faults = CASE WHEN %1$s THEN EXCLUDED.faults ELSE s.faults END
                 WHERE EXCLUDED.last_seen_at - s.last_seen_at > interval '10 seconds' OR %1$s"""
                .formatted("(EXCLUDED.reported_at IS NOT NULL AND (s.reported_at IS NULL OR EXCLUDED.reported_at >= s.reported_at))");

        /** Reads the state and loans of every device the batch names, in one query. */
        private void readDevicesAndLoans(List<Parsed> batch) throws SQLException {
            TreeSet<String> ids = new TreeSet<>();
            for (Parsed p : batch) {
                if (p.refused() == null && p.deviceId() != null && !devices.containsKey(p.deviceId())) {
                    ids.add(p.deviceId());
                }
            }
            if (ids.isEmpty()) {
                return;
            }
            PreparedStatement s = prepared("""
                    SELECT d.id, d.state, l.patient_id, l.starts_at, l.ends_at, d.device_number
                      FROM devices d LEFT JOIN loans l ON l.device_id = d.id AND l.status <> 'reserved'
                     WHERE d.id = ANY(?)""");
            s.setArray(1, c.createArrayOf("text", ids.toArray()));
            Map<String, String> states = new HashMap<>();
            Map<String, Integer> numbers = new HashMap<>();
            Map<String, List<DeviceFacts.Loan>> loans = new HashMap<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    states.put(id, rs.getString(2));
                    numbers.put(id, rs.getInt(6));
                    List<DeviceFacts.Loan> spans = loans.computeIfAbsent(id, k -> new ArrayList<>());
                    UUID patient = rs.getObject(3, UUID.class);
                    if (patient != null) {
                        OffsetDateTime ends = rs.getObject(5, OffsetDateTime.class);
                        spans.add(new DeviceFacts.Loan(patient, rs.getObject(4, OffsetDateTime.class).toInstant(),
                                ends == null ? null : ends.toInstant()));
                    }
                }
            }
            for (String id : ids) {
                devices.put(id, states.containsKey(id) ? new DeviceFacts(states.get(id), loans.get(id), numbers.get(id))
                        : DeviceFacts.UNREGISTERED);
            }
        }

        /** What is stored under the reading's id, or null. */
        private Resend.StoredReading stored(String deviceId, String messageId) throws SQLException {
            PreparedStatement s = prepared(
                    "SELECT measured_at, observation_count, content_sha256 FROM device_messages WHERE device_id = ? AND message_id = ?"
                    + " AND measured_at >= now() - make_interval(secs => ?) AND measured_at < now() + make_interval(secs => ?)"
                    + " ORDER BY measured_at LIMIT 1");
            s.setString(1, deviceId);
            s.setString(2, messageId);
            s.setLong(3, keyWindowSeconds);
            s.setLong(4, keyAheadSeconds);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new Resend.StoredReading(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getInt(2), rs.getString(3))
                        : null;
            }
        }

        /** The observations of the claimed readings, in one statement, and their questionnaire answers in one more. */
        private void insertObservations(List<PendingReading> stored) throws SQLException {
            ReadingRows rows = new ReadingRows();
            AnswerRows answers = new AnswerRows();
            for (PendingReading r : stored) {
                rows.addDeviceReading(devices.get(r.parsed().deviceId()).number(), r.item().reading(), r.patient());
                answers.add(r.parsed().deviceId(), r.item().reading(), r.patient());
            }
            if (!rows.isEmpty()) {
                run(ReadingRows.INSERT, rows.parameters(c::createArrayOf));
            }
            if (!answers.isEmpty()) {
                run(AnswerRows.INSERT, answers.parameters(c::createArrayOf));
            }
        }

        /** The batch's patients with new readings, urgent at a red limit ({@link EvaluationRequestRows}). */
        private void requestEvaluations() throws SQLException {
            if (!patientsToEvaluate.isEmpty()) {
                run(EvaluationRequestRows.UPSERT, patientsToEvaluate.parameters(c::createArrayOf));
            }
        }

        /** The photo file's lock, shared, to the commit ({@link PhotoRows#LOCK_FILE_TO_WRITE}). */
        private void lockFile(String sha256) throws SQLException {
            try (ResultSet rs = bound(PhotoRows.LOCK_FILE_TO_WRITE, new Object[] {sha256}).executeQuery()) {
                rs.next();
            }
        }

        private void run(String sql, Object[] parameters) throws SQLException {
            bound(sql, parameters).executeUpdate();
        }

        /** The transaction's prepared statement for {@code sql}, its parameters set. */
        private PreparedStatement bound(String sql, Object[] parameters) throws SQLException {
            PreparedStatement s = prepared(sql);
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            return s;
        }

        private static OffsetDateTime utc(Instant at) {
            return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
        }
    }
}
