package dk.fsc.service.logistics;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Times;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Loans of devices to citizens, run by FSC staff across organisations: order (now, or reserved
 * for a later date), ship, hand-over accepted by the recipient, return asked for, and the end
 * (returned, lost, or never delivered) which stops attributing new readings to the citizen. A
 * device is on one loan at a time, also when two staff order it at the same moment. Of the
 * citizen, logistics sees the name, phone and the loan's addresses, never clinical data; reading
 * those is in the citizen's access log.
 */
@Controller("/api/loans")
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
class LoansController {
    /** An order that starts later than this is a reservation. */
    private static final Duration RESERVATION_AFTER = Duration.ofHours(1);
    private static final Set<String> END_OUTCOMES = Set.of("returned", "lost", "not_delivered");
    private static final String SELECT = """
            SELECT l.*, d.device_type, d.state AS device_state, p.display_name, p.phone, p.address AS patient_address
              FROM loans l JOIN devices d ON d.id = l.device_id JOIN patients p ON p.id = l.patient_id""";
    private final DataSource dataSource;
    private final DeviceStates states;
    private final AccessLog accessLog;

    LoansController(DataSource dataSource, DeviceStates states, AccessLog accessLog) {
        this.dataSource = dataSource;
        this.states = states;
        this.accessLog = accessLog;
    }

    @Serdeable
    record Order(@Nullable String deviceId, @Nullable UUID patientId, @Nullable String organisationId, @Nullable String startsAt,
                 @Nullable LocalDate dueOn, @Nullable String shippingAddress, @Nullable String pickupAddress) {
    }

    @Serdeable
    record Handover(@Nullable String acceptedBy) {
    }

    @Serdeable
    record Ending(@Nullable String outcome, @Nullable String reason) {
    }

    @Serdeable
    record Reason(@Nullable String reason) {
    }

    /** A loan as logistics sees it; the citizen's name, phone and address only in the single-loan answer. */
    @Serdeable
    record LoanView(UUID id, String deviceId, String deviceType, String deviceState, UUID patientId, String organisationId,
                    String status, Instant startsAt, @Nullable Instant endsAt, @Nullable LocalDate dueOn, boolean overdue,
                    @Nullable String shippingAddress, @Nullable String pickupAddress, @Nullable Instant handoverAcceptedAt,
                    @Nullable String handoverAcceptedBy, @Nullable Instant returnRequestedAt, @Nullable String endReason,
                    @Nullable String patientName, @Nullable String patientPhone, @Nullable String patientAddress) {
    }

    /** Orders a loan: a reservation when it starts more than an hour from now, else the device is shipped now. */
    @Post
    @Status(HttpStatus.CREATED)
    @Transactional
    LoanView order(@Body Order body, Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        String deviceId = required(body.deviceId(), "deviceId");
        if (body.patientId() == null) {
            throw Refusal.invalid("patientId is required");
        }
        String payer = required(body.organisationId(), "organisationId (the organisation that orders and pays)");
        Instant now = Instant.now();
        Instant start = body.startsAt() == null ? now : Times.parse("startsAt", body.startsAt());
        if (start.isBefore(now.minus(Duration.ofMinutes(5)))) {
            throw Refusal.invalid("startsAt is in the past; a loan starts now or later (attribution of readings starts with it)");
        }
        if (body.dueOn() != null && !body.dueOn().isAfter(LocalDate.ofInstant(start, java.time.ZoneOffset.UTC))) {
            throw Refusal.invalid("dueOn must be after the start; leave it out for an open-ended loan");
        }
        Sql sql = sql();
        String kind = sql.one("SELECT kind FROM organisations WHERE id = ?", rs -> rs.getString(1), payer)
                .orElseThrow(() -> Refusal.invalid("organisationId " + payer + " is not an organisation"));
        if (sql.one("SELECT 1 FROM patients WHERE id = ?", rs -> 1, body.patientId()).isEmpty()) {
            throw Refusal.invalid("patientId " + body.patientId() + " is not a registered patient");
        }
        DeviceState state = states.lock(sql, deviceId);
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
        boolean reservation = start.isAfter(now.plus(RESERVATION_AFTER));
        UUID id = UUID.randomUUID();
        sql.update("""
                INSERT INTO loans (id, device_id, patient_id, organisation_id, starts_at, status, due_on, shipping_address,
                                   pickup_address, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                id, deviceId, body.patientId(), payer, start, reservation ? "reserved" : "active", body.dueOn(),
                body.shippingAddress(), body.pickupAddress(), user.username());
        states.move(sql, deviceId, state, reservation ? DeviceState.reserved : DeviceState.shipped, user,
                reservation ? "reserved from " + start : "shipped on loan", id);
        return find(sql, id, false);
    }

    /** Ships a reserved device: the loan starts now. */
    @Post("/{id}/ship")
    @Transactional
    LoanView ship(@PathVariable UUID id, Authentication auth) throws SQLException {
        return step(id, "reserved", DeviceState.shipped, "reservation shipped", auth,
                "UPDATE loans SET status = 'active', starts_at = now() WHERE id = ?");
    }

    @Post("/{id}/cancel")
    @Transactional
    LoanView cancel(@PathVariable UUID id, @Body Reason body, Authentication auth) throws SQLException {
        String reason = required(body.reason(), "reason");
        return step(id, "reserved", DeviceState.ready, "reservation cancelled: " + reason, auth,
                "UPDATE loans SET status = 'cancelled', ends_at = starts_at, end_reason = ? WHERE id = ?", reason);
    }

    /** The recipient (the citizen, a relative, a nurse at the home) accepted the device. */
    @Post("/{id}/handover")
    @Transactional
    LoanView handover(@PathVariable UUID id, @Body Handover body, Authentication auth) throws SQLException {
        String who = required(body.acceptedBy(), "acceptedBy (who received the device)");
        return step(id, "active", DeviceState.on_loan, "hand-over accepted by " + who, auth,
                "UPDATE loans SET handover_accepted_at = now(), handover_accepted_by = ? WHERE id = ?", who);
    }

    /** Asks for the device back (discharge, end of the programme, swap). */
    @Post("/{id}/request-return")
    @Transactional
    LoanView requestReturn(@PathVariable UUID id, @Body Reason body, Authentication auth) throws SQLException {
        String reason = required(body.reason(), "reason");
        return step(id, "active", DeviceState.return_requested, "return requested: " + reason, auth,
                "UPDATE loans SET return_requested_at = now() WHERE id = ?");
    }

    /**
     * Ends the loan now: no reading after this moment is attributed to the citizen. The device is
     * {@code returned} (also for {@code not_delivered}: it came back undelivered) or {@code lost}.
     */
    @Post("/{id}/end")
    @Transactional
    LoanView end(@PathVariable UUID id, @Body Ending body, Authentication auth) throws SQLException {
        String outcome = required(body.outcome(), "outcome");
        if (!END_OUTCOMES.contains(outcome)) {
            throw Refusal.invalid("outcome must be one of " + END_OUTCOMES);
        }
        String reason = required(body.reason(), "reason (e.g. discharged)");
        return step(id, "active", outcome.equals("lost") ? DeviceState.lost : DeviceState.returned,
                "loan ended, " + outcome + ": " + reason, auth,
                "UPDATE loans SET status = 'ended', ends_at = greatest(now(), starts_at), end_reason = ? WHERE id = ?",
                outcome + ": " + reason);
    }

    /** One loan with the citizen's name and phone for shipping (logged in the citizen's access log). */
    @Get("/{id}")
    @Transactional
    LoanView one(@PathVariable UUID id, Authentication auth) throws SQLException {
        Sql sql = sql();
        StaffUser user = StaffUser.of(auth);
        LoanView view = find(sql, id, true);
        accessLog.record(user, view.patientId(), "read shipping details of loan " + id, "logistics", null);
        return view;
    }

    /**
     * Loans across organisations, newest first.
     *
     * @param status   reserved, active, ended, cancelled (default: reserved and active)
     * @param overdue  only active loans past their due date
     */
    @Get
    @Transactional
    List<LoanView> list(@Nullable @QueryValue String status, @Nullable @QueryValue String organisation,
                        @Nullable @QueryValue Boolean overdue, @Nullable @QueryValue Integer limit, Authentication auth)
            throws SQLException {
        if (status != null && !Set.of("reserved", "active", "ended", "cancelled").contains(status)) {
            throw Refusal.invalid("status must be reserved, active, ended or cancelled");
        }
        int rows = limit == null ? 500 : limit;
        if (rows < 1 || rows > 5000) {
            throw Refusal.invalid("limit must be between 1 and 5000");
        }
        String where = " WHERE " + (status == null ? "l.status IN ('reserved', 'active')" : "l.status = ?")
                + (organisation == null ? "" : " AND l.organisation_id = ?")
                + (Boolean.TRUE.equals(overdue) ? " AND l.status = 'active' AND l.due_on < current_date" : "");
        List<Object> params = new java.util.ArrayList<>();
        if (status != null) {
            params.add(status);
        }
        if (organisation != null) {
            params.add(organisation);
        }
        params.add(rows);
        List<LoanView> loans = sql().list(SELECT + where + " ORDER BY l.created_at DESC, l.id LIMIT ?", rs -> view(rs, false),
                params.toArray());
        // The list names citizens (ids) and where they live (shipping and pickup addresses): a line for each in their access log.
        accessLog.recordEach(StaffUser.of(auth), loans.stream().map(LoanView::patientId).toList(), "read loan list", "logistics");
        return loans;
    }

    private record Loan(UUID id, String deviceId, String status) {
    }

    /**
     * One step of a loan's life: the loan must be in {@code requiredStatus}; {@code update} (its
     * last parameter the loan id) changes it, and the device moves to {@code to}, kept with {@code why}.
     */
    private LoanView step(UUID id, String requiredStatus, DeviceState to, String why, Authentication auth, String update,
                          Object... params) throws SQLException {
        Sql sql = sql();
        Loan loan = loan(sql, id, requiredStatus);
        DeviceState state = states.lock(sql, loan.deviceId());
        Object[] all = java.util.Arrays.copyOf(params, params.length + 1);
        all[params.length] = id;
        sql.update(update, all);
        states.move(sql, loan.deviceId(), state, to, StaffUser.of(auth), why, id);
        return find(sql, id, false);
    }

    private Loan loan(Sql sql, UUID id, String requiredStatus) {
        Loan loan = sql.one("SELECT id, device_id, status FROM loans WHERE id = ? FOR UPDATE",
                        rs -> new Loan(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)), id)
                .orElseThrow(() -> Refusal.notFound("No loan " + id + "."));
        if (!loan.status().equals(requiredStatus)) {
            throw Refusal.conflict("Loan " + id + " is " + loan.status() + "; this needs a " + requiredStatus + " loan.");
        }
        return loan;
    }

    private LoanView find(Sql sql, UUID id, boolean withPatient) {
        return sql.one(SELECT + " WHERE l.id = ?", rs -> view(rs, withPatient), id)
                .orElseThrow(() -> Refusal.notFound("No loan " + id + "."));
    }

    private static LoanView view(ResultSet rs, boolean withPatient) throws SQLException {
        LocalDate due = rs.getObject("due_on", LocalDate.class);
        String status = rs.getString("status");
        return new LoanView(rs.getObject("id", UUID.class), rs.getString("device_id"), rs.getString("device_type"),
                rs.getString("device_state"), rs.getObject("patient_id", UUID.class), rs.getString("organisation_id"), status,
                Sql.instant(rs, "starts_at"), Sql.instant(rs, "ends_at"), due,
                status.equals("active") && due != null && due.isBefore(LocalDate.now()),
                rs.getString("shipping_address"), rs.getString("pickup_address"), Sql.instant(rs, "handover_accepted_at"),
                rs.getString("handover_accepted_by"), Sql.instant(rs, "return_requested_at"), rs.getString("end_reason"),
                withPatient ? rs.getString("display_name") : null, withPatient ? rs.getString("phone") : null,
                withPatient ? rs.getString("patient_address") : null);
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw Refusal.invalid(name + " is required");
        }
        return value.strip();
    }

    private Sql sql() throws SQLException {
        return Sql.on(dataSource.getConnection());
    }
}
