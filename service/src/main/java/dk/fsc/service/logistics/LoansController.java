package dk.fsc.service.logistics;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.logistics.LoanStore.LoanView;
import dk.fsc.service.platform.errors.Flags;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.errors.Times;
import dk.fsc.service.platform.web.Paging;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
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
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

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
    private final LoanStore loans;
    private final AccessLog accessLog;
    private final Paging paging;

    LoansController(LoanStore loans, AccessLog accessLog, Paging paging) {
        this.paging = paging;
        this.loans = loans;
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

    /** Orders a loan: a reservation when it starts more than an hour from now, else the device is shipped now. */
    @Post
    @Status(HttpStatus.CREATED)
    @Transactional
    LoanView order(@Body Order body, Authentication auth) {
        Instant start = body.startsAt() == null ? null : Times.parse("startsAt", body.startsAt());
        return changed(loans.order(new LoanStore.Order(body.deviceId(), body.patientId(), body.organisationId(), start, body.dueOn(),
                body.shippingAddress(), body.pickupAddress()), StaffUser.of(auth)), "order", auth);
    }

    /** Ships a reserved device: the loan starts now. */
    @Post("/{id}/ship")
    @Transactional
    LoanView ship(@PathVariable UUID id, Authentication auth) {
        return changed(loans.ship(id, StaffUser.of(auth)), "ship", auth);
    }

    @Post("/{id}/cancel")
    @Transactional
    LoanView cancel(@PathVariable UUID id, @Body Reason body, Authentication auth) {
        String reason = required(body.reason(), "reason");
        return changed(loans.cancel(id, reason, StaffUser.of(auth)), "cancel", auth);
    }

    /** The recipient (the citizen, a relative, a nurse at the home) accepted the device. */
    @Post("/{id}/handover")
    @Transactional
    LoanView handover(@PathVariable UUID id, @Body Handover body, Authentication auth) {
        String who = required(body.acceptedBy(), "acceptedBy (who received the device)");
        return changed(loans.handover(id, who, StaffUser.of(auth)), "hand over", auth);
    }

    /** Asks for the device back (discharge, end of the programme, swap). */
    @Post("/{id}/request-return")
    @Transactional
    LoanView requestReturn(@PathVariable UUID id, @Body Reason body, Authentication auth) {
        String reason = required(body.reason(), "reason");
        return changed(loans.requestReturn(id, reason, StaffUser.of(auth)), "request return of", auth);
    }

    /**
     * Ends the loan now: no reading after this moment is attributed to the citizen. The device is
     * {@code returned} (also for {@code not_delivered}: it came back undelivered) or {@code lost}.
     */
    @Post("/{id}/end")
    @Transactional
    LoanView end(@PathVariable UUID id, @Body Ending body, Authentication auth) {
        String outcome = required(body.outcome(), "outcome");
        String reason = required(body.reason(), "reason (e.g. discharged)");
        return changed(loans.end(id, outcome, reason, StaffUser.of(auth)), "end", auth);
    }

    /**
     * A change answers the loan with the citizen's id and the shipping and pickup addresses, as
     * the list does: a line in the citizen's access log, in the change's transaction.
     */
    private LoanView changed(LoanView view, String action, Authentication auth) {
        accessLog.record(StaffUser.of(auth), view.patientId(), action + " loan " + view.id(), "logistics", null);
        return view;
    }

    /** One loan with the citizen's name and phone for shipping (logged in the citizen's access log). */
    @Get("/{id}")
    @Transactional
    LoanView one(@PathVariable UUID id, Authentication auth) {
        LoanView view = loans.find(id, true);
        accessLog.record(StaffUser.of(auth), view.patientId(), "read shipping details of loan " + id, "logistics", null);
        return view;
    }

    /**
     * Loans across organisations, newest first (overdue: the longest overdue first); a page of
     * {@code limit} (1–5000, 500) from {@code offset}, with a {@code Link} to the next while more follow ({@link Paging}).
     *
     * @param status   reserved, active, ended, cancelled (default: reserved and active)
     * @param overdue  only active loans past their due date
     */
    @Get
    @Transactional
    HttpResponse<List<LoanView>> list(@Nullable @QueryValue String status, @Nullable @QueryValue String organisation,
                                      @Nullable @QueryValue String overdue, @Nullable @QueryValue Integer limit,
                                      @Nullable @QueryValue Integer offset, Authentication auth, HttpRequest<?> request) {
        LoanStatus only = status == null ? null
                : LoanStatus.of(status).orElseThrow(() -> Refusal.invalid("status must be reserved, active, ended or cancelled"));
        boolean onlyOverdue = Boolean.TRUE.equals(Flags.parse("overdue", overdue));
        Paging.Page page = Paging.page(limit, offset, 500, 5000);
        HttpResponse<List<LoanView>> found = paging.answer(loans.list(only, organisation, onlyOverdue, page.read(), page.offset()), page, request);
        // The list names citizens (ids) and where they live (shipping and pickup addresses): a line for each in their access log.
        accessLog.recordEach(StaffUser.of(auth), found.body().stream().map(LoanView::patientId).toList(), "read loan list", "logistics");
        return found;
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw Refusal.invalid(name + " is required");
        }
        return value.strip();
    }
}
