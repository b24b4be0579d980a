package dk.fsc.service.logistics;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.time.DanishTime;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Loans in the database, each step with its device's move: an order locks the device, so a
 * device is on one loan at a time also when two staff order it at the same moment; each later
 * step locks the loan and checks its {@link LoanStatus}. Each step is one transaction (the caller's,
 * when it has one), the device's move included.
 */
@Singleton
public class LoanStore {
    /** An order that starts later than this is a reservation. */
    private static final Duration RESERVATION_AFTER = Duration.ofHours(1);
    /** How a loan can end: the device came back (also when it never reached the citizen), or it is lost. */
    public static final List<String> END_OUTCOMES = List.of("returned", "lost", "not_delivered");
    private static final String SELECT = """
            SELECT l.*, d.device_type, d.state AS device_state, p.display_name, p.phone, p.address AS patient_address
              FROM loans l JOIN devices d ON d.id = l.device_id JOIN patients p ON p.id = l.patient_id""";
    private final Database db;
    private final DeviceStates states;

    LoanStore(Database db, DeviceStates states) {
        this.db = db;
        this.states = states;
    }

    /** A loan as logistics sees it; the citizen's name, phone and address only in the single-loan answer. */
    @Serdeable
    public record LoanView(UUID id, String deviceId, String deviceType, String deviceState, UUID patientId, String organisationId,
                    String status, Instant startsAt, @Nullable Instant endsAt, @Nullable LocalDate dueOn, boolean overdue,
                    @Nullable String shippingAddress, @Nullable String pickupAddress, @Nullable Instant handoverAcceptedAt,
                    @Nullable String handoverAcceptedBy, @Nullable Instant returnRequestedAt, @Nullable String endReason,
                    @Nullable String patientName, @Nullable String patientPhone, @Nullable String patientAddress) {
    }

    /** An order as asked for: a missing start is now. */
    public record Order(@Nullable String deviceId, @Nullable UUID patientId, @Nullable String payer, @Nullable Instant start,
                        @Nullable LocalDate dueOn, @Nullable String shippingAddress, @Nullable String pickupAddress) {
    }

    /** An organisation that may order loans (FSC itself does not): for the console's choice. */
    public record Payer(String id, String name, String kind) {
    }

    /** The loans of one device, newest first (for its page; no citizen's name or address). */
    @Transactional(readOnly = true)
    public List<LoanView> ofDevice(String deviceId) {
        return db.sql().list(SELECT + " WHERE l.device_id = ? ORDER BY l.created_at DESC, l.id LIMIT 100", rs -> view(rs, false), deviceId);
    }

    /** The organisations that order loans (all but FSC), by name. */
    @Transactional(readOnly = true)
    public List<Payer> payers() {
        return db.sql().list("SELECT id, name, kind FROM organisations WHERE kind <> 'fsc' ORDER BY name, id",
                rs -> new Payer(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    /** The loan a device is on right now (started, not ended). */
    public record Current(UUID id, UUID patientId) {
    }

    /**
     * Orders a loan: the payer may lend the device's type, and the device must be ready. A loan
     * that starts more than an hour from now is a reservation (the device waits, reserved); else
     * the device is shipped now.
     */
    @Transactional
    public LoanView order(Order o, StaffUser user) {
        String deviceId = required(o.deviceId(), "deviceId");
        if (o.patientId() == null) {
            throw Refusal.invalid("patientId is required");
        }
        String payer = required(o.payer(), "organisationId (the organisation that orders and pays)");
        Instant now = Instant.now();
        Instant start = o.start() == null ? now : o.start();
        if (start.isBefore(now.minus(Duration.ofMinutes(5)))) {
            throw Refusal.invalid("startsAt is in the past; a loan starts now or later (attribution of readings starts with it)");
        }
        if (o.dueOn() != null && !o.dueOn().isAfter(LocalDate.ofInstant(start, DanishTime.ZONE))) {
            throw Refusal.invalid("dueOn must be after the start; leave it out for an open-ended loan");
        }
        boolean reservation = start.isAfter(now.plus(RESERVATION_AFTER));
        Sql sql = db.sql();
        String kind = sql.one("SELECT kind FROM organisations WHERE id = ?", rs -> rs.getString(1), payer)
                .orElseThrow(() -> Refusal.invalid("organisationId " + payer + " is not an organisation"));
        if (sql.one("SELECT 1 FROM patients WHERE id = ?", rs -> 1, o.patientId()).isEmpty()) {
            throw Refusal.invalid("patientId " + o.patientId() + " is not a registered patient");
        }
        DeviceState state = states.lock(deviceId);
        String type = sql.one("SELECT device_type FROM devices WHERE id = ?", rs -> rs.getString(1), deviceId).orElseThrow();
        sql.one("SELECT lending_sector FROM device_types WHERE code = ?", rs -> rs.getString(1), type).ifPresent(sector -> {
            boolean regional = kind.equals("region") || kind.equals("hospital");
            if (sector.equals("region") != regional) {
                throw Refusal.conflict("A " + type + " is lent by the " + sector
                        + " (clarification catalogue); " + payer + " is a " + kind + " and cannot order it.");
            }
        });
        if (state != DeviceState.ready) {
            throw Refusal.conflict("Device " + deviceId + " is " + state + ", not ready; it cannot be lent now.");
        }
        requireMaintained(sql, deviceId);
        UUID id = UUID.randomUUID();
        LoanStatus status = reservation ? LoanStatus.reserved : LoanStatus.active;
        sql.update("""
                INSERT INTO loans (id, device_id, patient_id, organisation_id, starts_at, status, due_on, shipping_address,
                                   pickup_address, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                id, deviceId, o.patientId(), payer, start, status.name(), o.dueOn(), o.shippingAddress(),
                o.pickupAddress(), user.username());
        states.move(deviceId, state, reservation ? DeviceState.reserved : DeviceState.shipped, user,
                reservation ? "reserved from " + start : "shipped on loan", id);
        return find(id, false);
    }

    /**
     * Refuses (409) to lend a device whose calibration or cleaning is overdue (in Danish days):
     * its values would drive a citizen's alerts. Checked when it is lent and again when a
     * reservation ships, as the date may have passed in between.
     */
    private static void requireMaintained(Sql sql, String deviceId) {
        LocalDate today = LocalDate.now(DanishTime.ZONE);
        sql.one("SELECT next_calibration_on, next_cleaning_on FROM devices WHERE id = ?",
                rs -> new LocalDate[] {rs.getObject(1, LocalDate.class), rs.getObject(2, LocalDate.class)}, deviceId)
                .ifPresent(due -> {
                    if (due[0] != null && due[0].isBefore(today)) {
                        throw Refusal.conflict("Device " + deviceId + " was due for calibration on " + due[0]
                                + "; calibrate it and record the next date before it is lent.");
                    }
                    if (due[1] != null && due[1].isBefore(today)) {
                        throw Refusal.conflict("Device " + deviceId + " was due for cleaning on " + due[1]
                                + "; clean it and record the next date before it is lent.");
                    }
                });
    }

    /** Ships a reserved device: the loan starts now (unless its calibration or cleaning fell due meanwhile). */
    @Transactional
    public LoanView ship(UUID id, StaffUser user) {
        db.sql().one("SELECT device_id FROM loans WHERE id = ?", rs -> rs.getString(1), id).ifPresent(device -> requireMaintained(db.sql(), device));
        return step(id, LoanStatus.reserved, LoanStatus.active, DeviceState.shipped, "reservation shipped", user, "starts_at = now()");
    }

    @Transactional
    public LoanView cancel(UUID id, String reason, StaffUser user) {
        return step(id, LoanStatus.reserved, LoanStatus.cancelled, DeviceState.ready, "reservation cancelled: " + reason, user,
                "ends_at = starts_at, end_reason = ?", reason);
    }

    /** The recipient accepted the device; the loan stays active. */
    @Transactional
    public LoanView handover(UUID id, String acceptedBy, StaffUser user) {
        return step(id, LoanStatus.active, LoanStatus.active, DeviceState.on_loan, "hand-over accepted by " + acceptedBy, user,
                "handover_accepted_at = now(), handover_accepted_by = ?", acceptedBy);
    }

    @Transactional
    public LoanView requestReturn(UUID id, String reason, StaffUser user) {
        return step(id, LoanStatus.active, LoanStatus.active, DeviceState.return_requested, "return requested: " + reason, user,
                "return_requested_at = now()");
    }

    /** Ends the loan now; the device is {@code returned} (also when never delivered) or {@code lost}. */
    @Transactional
    public LoanView end(UUID id, String outcome, String reason, StaffUser user) {
        if (!END_OUTCOMES.contains(outcome)) {
            throw Refusal.invalid("outcome must be one of " + END_OUTCOMES);
        }
        return step(id, LoanStatus.active, LoanStatus.ended, outcome.equals("lost") ? DeviceState.lost : DeviceState.returned,
                "loan ended, " + outcome + ": " + reason, user, "ends_at = greatest(now(), starts_at), end_reason = ?",
                outcome + ": " + reason);
    }

    @Transactional(readOnly = true)
    public LoanView find(UUID id, boolean withPatient) {
        return db.sql().one(SELECT + " WHERE l.id = ?", rs -> view(rs, withPatient), id)
                .orElseThrow(() -> Refusal.notFound("No loan " + id + "."));
    }

    /** Loans newest first, {@code limit} from {@code offset}: of one status, else the reserved and active ones; {@code overdue}: active and past due. */
    public List<LoanView> list(@Nullable LoanStatus status, @Nullable String organisation, boolean overdue, int limit, int offset) {
        String where = " WHERE " + (status == null ? "l.status IN ('reserved', 'active')" : "l.status = ?")
                + (organisation == null ? "" : " AND l.organisation_id = ?")
                + (overdue ? " AND l.status = 'active' AND l.due_on < danish_today()" : "");
        List<Object> params = new ArrayList<>();
        if (status != null) {
            params.add(status.name());
        }
        if (organisation != null) {
            params.add(organisation);
        }
        params.add(limit);
        params.add(offset);
        // Overdue: the most overdue first, so a cut list keeps those (it kept the newest loans and dropped the oldest debts).
        return db.sql().list(SELECT + where + (overdue ? " ORDER BY l.due_on, l.id" : " ORDER BY l.created_at DESC, l.id") + " LIMIT ? OFFSET ?",
                rs -> view(rs, false), params.toArray());
    }

    /** The device's current loan, for a job on a connection of its own. */
    public Optional<Current> current(Sql sql, String deviceId) {
        return sql.one("""
                SELECT id, patient_id FROM loans WHERE device_id = ? AND status = 'active'
                   AND starts_at <= now() AND (ends_at IS NULL OR ends_at > now())""",
                rs -> new Current(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)), deviceId);
    }

    /** A device a citizen has at home now: since when, and when it is due back (if agreed). */
    @Serdeable
    public record DeviceOnLoan(String deviceId, String deviceType, String typeName, Instant since, @Nullable LocalDate dueOn) {
    }

    /** The devices on an active loan to the patient now, the longest-held first. */
    public List<DeviceOnLoan> devicesOnLoanTo(UUID patientId) {
        return db.sql().list("""
                SELECT l.device_id, d.device_type, coalesce(t.name, d.device_type) AS type_name, l.starts_at, l.due_on
                  FROM loans l JOIN devices d ON d.id = l.device_id LEFT JOIN device_types t ON t.code = d.device_type
                 WHERE l.patient_id = ? AND l.status = 'active' AND l.starts_at <= now() AND (l.ends_at IS NULL OR l.ends_at > now())
                 ORDER BY l.starts_at, l.device_id""",
                rs -> new DeviceOnLoan(rs.getString("device_id"), rs.getString("device_type"), rs.getString("type_name"), Sql.instant(rs, "starts_at"),
                        rs.getObject("due_on", LocalDate.class)), patientId);
    }

    /** Whether the device is on a loan that has not ended (reserved ones included). */
    public boolean onLoan(String deviceId) {
        return db.sql().one("SELECT 1 FROM loans WHERE device_id = ? AND (ends_at IS NULL OR ends_at > now())", rs -> 1, deviceId)
                .isPresent();
    }

    /**
     * One step of a loan's life: the loan must be {@code needs}; it becomes {@code becomes} with
     * the columns of {@code set} (its parameters {@code params}), and the device moves to {@code to},
     * kept with {@code why}.
     */
    private LoanView step(UUID id, LoanStatus needs, LoanStatus becomes, DeviceState to, String why, StaffUser user, String set,
                          Object... params) {
        needs.requireTransition(becomes);
        Sql sql = db.sql();
        record Loan(String deviceId, LoanStatus status) {
        }
        Loan loan = sql.one("SELECT device_id, status FROM loans WHERE id = ? FOR UPDATE",
                        rs -> new Loan(rs.getString(1), LoanStatus.of(rs.getString(2)).orElseThrow()), id)
                .orElseThrow(() -> Refusal.notFound("No loan " + id + "."));
        if (loan.status() != needs) {
            throw Refusal.conflict("Loan " + id + " is " + loan.status() + "; this needs a " + needs + " loan.");
        }
        DeviceState state = states.lock(loan.deviceId());
        List<Object> all = new ArrayList<>();
        all.add(becomes.name());
        all.addAll(Arrays.asList(params));
        all.add(id);
        sql.update("UPDATE loans SET status = ?, " + set + " WHERE id = ?", all.toArray());
        states.move(loan.deviceId(), state, to, user, why, id);
        return find(id, false);
    }

    private static String required(@Nullable String value, String name) {
        if (value == null || value.isBlank()) {
            throw Refusal.invalid(name + " is required");
        }
        return value.strip();
    }

    private static LoanView view(ResultSet rs, boolean withPatient) throws SQLException {
        LocalDate due = rs.getObject("due_on", LocalDate.class);
        LoanStatus status = LoanStatus.of(rs.getString("status")).orElseThrow();
        return new LoanView(rs.getObject("id", UUID.class), rs.getString("device_id"), rs.getString("device_type"),
                rs.getString("device_state"), rs.getObject("patient_id", UUID.class), rs.getString("organisation_id"), status.name(),
                Sql.instant(rs, "starts_at"), Sql.instant(rs, "ends_at"), due,
                status == LoanStatus.active && due != null && due.isBefore(LocalDate.now(DanishTime.ZONE)),
                rs.getString("shipping_address"), rs.getString("pickup_address"), Sql.instant(rs, "handover_accepted_at"),
                rs.getString("handover_accepted_by"), Sql.instant(rs, "return_requested_at"), rs.getString("end_reason"),
                withPatient ? rs.getString("display_name") : null, withPatient ? rs.getString("phone") : null,
                withPatient ? rs.getString("patient_address") : null);
    }
}
