package dk.fsc.service.console.support;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.FormErrors;
import dk.fsc.service.console.FormInput;
import dk.fsc.service.console.Pages;
import dk.fsc.service.devices.DeviceReader;
import dk.fsc.service.devices.DeviceView;
import dk.fsc.service.logistics.InventoryStore;
import dk.fsc.service.logistics.LoanStatus;
import dk.fsc.service.logistics.LoanStore;
import dk.fsc.service.logistics.LoanStore.LoanView;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.time.DanishTime;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * FSC support's loans: the list of reserved and active loans (overdue ones on a board of their
 * own), a calendar of what falls due (returns, calibrations, cleanings), ordering a loan, a loan's
 * page with the steps its status allows, and the printable shipping page. The same store and the
 * same access-log lines as {@code /api/loans}: a list names citizens by id, a loan's page shows the
 * citizen's name, phone and address.
 */
@Controller(value = "/loans", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
@ExecuteOn(TaskExecutors.BLOCKING)
class LoansPageController {
    private static final int LIST_MAX = 500;
    private static final int MAX_TEXT = 500;
    /** The calendar's reach, in days, and the most it may be asked for. */
    private static final int CALENDAR_DAYS = 30;
    private static final int CALENDAR_MAX = 365;

    private final Pages pages;
    private final LoanStore loans;
    private final InventoryStore inventory;
    private final DeviceReader devices;
    private final AccessLog accessLog;

    LoansPageController(Pages pages, LoanStore loans, InventoryStore inventory, DeviceReader devices, AccessLog accessLog) {
        this.pages = pages;
        this.loans = loans;
        this.inventory = inventory;
        this.devices = devices;
        this.accessLog = accessLog;
    }

    /** Reserved and active loans (or one status), optionally only the overdue ones, the most overdue first. */
    @Get
    @Transactional
    HttpResponse<String> list(HttpRequest<?> request, @Nullable @QueryValue String status, @Nullable @QueryValue String organisation,
                              @Nullable @QueryValue Boolean overdue) {
        LoanStatus only = status == null || status.isBlank() ? null : LoanStatus.of(status).orElse(null);
        String org = organisation == null || organisation.isBlank() ? null : organisation.strip();
        boolean late = Boolean.TRUE.equals(overdue);
        List<LoanView> found = new ArrayList<>(loans.list(only, org, late, LIST_MAX, 0));
        if (late) {
            found.sort((a, b) -> a.dueOn().compareTo(b.dueOn())); // the longest overdue first
        }
        // No access-log line: the page shows devices, organisations and dates, no citizen's name, id or address (the API's
        // list names citizens and their addresses, and logs them; a loan's page logs its citizen when it shows them).
        Map<String, Object> model = new HashMap<>();
        model.put("loans", found);
        model.put("full", found.size() >= LIST_MAX);
        model.put("status", only == null ? "" : only.name());
        model.put("statuses", List.of(LoanStatus.values()).stream().map(Enum::name).toList());
        model.put("organisation", org == null ? "" : org);
        model.put("overdue", late);
        return pages.page(request, "support/loans", model);
    }

    /** What falls due in the coming days, day by day: loans to come back, calibrations, cleanings; what is already late first. */
    @Get("/calendar")
    HttpResponse<String> calendar(HttpRequest<?> request, @Nullable @QueryValue Integer days) {
        int ahead = days == null ? CALENDAR_DAYS : Math.max(1, Math.min(CALENDAR_MAX, days));
        InventoryStore.Reminders r = inventory.reminders(ahead);
        LocalDate today = LocalDate.now(DanishTime.ZONE);
        // One list per day; a calibration or cleaning already past due is shown on today, marked late.
        TreeMap<LocalDate, List<Map<String, Object>>> byDay = new TreeMap<>();
        r.returnsDue().forEach(x -> add(byDay, x.dueOn(), "return", x.deviceId(), x.deviceType(), x.organisationId(), x.loanId(), false));
        r.calibrationDue().forEach(x -> add(byDay, later(x.dueOn(), today), "calibration", x.deviceId(), x.deviceType(), null, null,
                x.dueOn().isBefore(today)));
        r.cleaningDue().forEach(x -> add(byDay, later(x.dueOn(), today), "cleaning", x.deviceId(), x.deviceType(), null, null,
                x.dueOn().isBefore(today)));
        Map<String, Object> model = new HashMap<>();
        model.put("overdue", r.overdueLoans());
        model.put("days", byDay);
        model.put("ahead", ahead);
        model.put("today", today);
        return pages.page(request, "support/loans-calendar", model);
    }

    private static LocalDate later(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? b : a;
    }

    private static void add(Map<LocalDate, List<Map<String, Object>>> byDay, LocalDate day, String kind, String deviceId, String type,
                            @Nullable String organisation, @Nullable UUID loanId, boolean late) {
        Map<String, Object> entry = new HashMap<>();
        entry.put("kind", kind);
        entry.put("deviceId", deviceId);
        entry.put("type", type);
        entry.put("organisation", organisation);
        entry.put("loanId", loanId);
        entry.put("late", late);
        byDay.computeIfAbsent(day, d -> new ArrayList<>()).add(entry);
    }

    /** The order form; from a device's page with the device filled in. */
    @Get("/new")
    HttpResponse<String> orderForm(HttpRequest<?> request, @Nullable @QueryValue String device) {
        Map<String, String> values = new HashMap<>();
        values.put("deviceId", device == null ? "" : device.strip());
        return orderPage(request, values, new FormErrors());
    }

    @Post(value = "/new", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<String> order(HttpRequest<?> request, @Body Map<String, String> form, Authentication auth) {
        FormErrors errors = new FormErrors();
        String deviceId = FormInput.text(form, "deviceId");
        if (deviceId.isEmpty()) {
            errors.add("deviceId", "loan.device", "loan.error.required");
        }
        UUID patientId = null;
        String patient = FormInput.text(form, "patientId");
        if (patient.isEmpty()) {
            errors.add("patientId", "loan.patient", "loan.error.required");
        } else {
            try {
                patientId = UUID.fromString(patient);
            } catch (IllegalArgumentException e) {
                errors.add("patientId", "loan.patient", "loan.error.patientId");
            }
        }
        String payer = FormInput.text(form, "organisationId");
        if (payer.isEmpty()) {
            errors.add("organisationId", "loan.organisation", "loan.error.choose");
        }
        Instant start = null;
        try {
            start = FormInput.localTime(form.get("startsAt"));
        } catch (DateTimeParseException e) {
            errors.add("startsAt", "loan.start", "loan.error.time");
        }
        LocalDate due = null;
        String dueText = FormInput.text(form, "dueOn");
        if (!dueText.isEmpty()) {
            try {
                due = LocalDate.parse(dueText);
            } catch (DateTimeParseException e) {
                errors.add("dueOn", "loan.due", "loan.error.date");
            }
        }
        String shipping = FormInput.text(form, "shippingAddress");
        String pickup = FormInput.text(form, "pickupAddress");
        if (shipping.length() > MAX_TEXT) {
            errors.add("shippingAddress", "loan.shippingAddress", "loan.error.long", MAX_TEXT);
        }
        if (pickup.length() > MAX_TEXT) {
            errors.add("pickupAddress", "loan.pickupAddress", "loan.error.long", MAX_TEXT);
        }
        if (errors.isEmpty()) {
            try {
                LoanView loan = loans.order(new LoanStore.Order(deviceId, patientId, payer, start, due, shipping.isEmpty() ? null : shipping,
                        pickup.isEmpty() ? null : pickup), ConsoleSession.of(auth).user());
                return HttpResponse.<String>seeOther(URI.create("/loans/" + loan.id() + "?done=ordered"));
            } catch (Refusal r) {
                // The store's rules (device ready, the payer may lend the type, a registered citizen, dates): said at the form's top.
                errors.add("deviceId", "loan.device", "loan.error.refused", r.getMessage());
            }
        }
        return orderPage(request, form, errors);
    }

    private HttpResponse<String> orderPage(HttpRequest<?> request, Map<String, String> values, FormErrors errors) {
        Map<String, Object> model = new HashMap<>();
        model.put("v", values);
        model.put("errors", errors);
        model.put("payers", loans.payers());
        return pages.page(request, "support/loan-new", model);
    }

    /** A loan: the device, the citizen's name, phone and address for shipping (a line in their access log), and its steps. */
    @Get("/{id}")
    @Transactional
    HttpResponse<String> loan(HttpRequest<?> request, @PathVariable UUID id, @Nullable @QueryValue String done, Authentication auth) {
        Map<String, Object> model = model(id, ConsoleSession.of(auth).user(), "read shipping details of loan " + id);
        model.put("done", done);
        model.put("errors", new FormErrors());
        model.put("v", Map.of());
        return pages.page(request, "support/loan", model);
    }

    /** The page to print and put in the parcel: recipient, address, contents, when it is due back. */
    @Get("/{id}/shipping")
    @Transactional
    HttpResponse<String> shipping(HttpRequest<?> request, @PathVariable UUID id, Authentication auth) {
        return pages.page(request, "support/loan-shipping", model(id, ConsoleSession.of(auth).user(), "printed shipping page of loan " + id));
    }

    /**
     * One step of the loan's life: ship, cancel, hand-over, request-return, end; a refused step says
     * why on the page. Not one transaction with the page: the step's own rolls back when refused,
     * and the page is then read afresh (as the order form is).
     */
    @Post(value = "/{id}/{step}", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<String> step(HttpRequest<?> request, @PathVariable UUID id, @PathVariable String step, @Body Map<String, String> form,
                              Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        FormErrors errors = new FormErrors();
        String reason = FormInput.text(form, "reason");
        String field = step.equals("handover") ? "acceptedBy" : "reason";
        String text = step.equals("handover") ? FormInput.text(form, "acceptedBy") : reason;
        boolean needsText = !step.equals("ship");
        if (needsText && text.isEmpty()) {
            errors.add(step + "-" + field, "loan." + field, "loan.error.required");
        } else if (text.length() > MAX_TEXT) {
            errors.add(step + "-" + field, "loan." + field, "loan.error.long", MAX_TEXT);
        }
        String outcome = FormInput.text(form, "outcome");
        if (step.equals("end") && !LoanStore.END_OUTCOMES.contains(outcome)) {
            errors.add("end-outcome", "loan.outcome", "loan.error.choose");
        }
        if (errors.isEmpty()) {
            try {
                switch (step) {
                    case "ship" -> loans.ship(id, user);
                    case "cancel" -> loans.cancel(id, reason, user);
                    case "handover" -> loans.handover(id, text, user);
                    case "request-return" -> loans.requestReturn(id, reason, user);
                    case "end" -> loans.end(id, outcome, reason, user);
                    default -> throw Refusal.notFound("No step " + step + " of a loan.");
                }
                return HttpResponse.<String>seeOther(URI.create("/loans/" + id + "?done=" + step));
            } catch (Refusal r) {
                if (r.kind() == Refusal.Kind.NOT_FOUND) {
                    throw r;
                }
                // A colleague took the step first, or the loan is no longer in a status that allows it.
                errors.add(step + "-" + field, "loan.step." + step, "loan.error.refused", r.getMessage());
            }
        }
        Map<String, Object> model = model(id, user, "read shipping details of loan " + id);
        model.put("done", null);
        model.put("errors", errors);
        model.put("v", form);
        return pages.page(request, "support/loan", model);
    }

    private Map<String, Object> model(UUID id, StaffUser user, String action) {
        LoanView loan = loans.find(id, true);
        accessLog.record(user, loan.patientId(), action, "logistics", null);
        DeviceView device = devices.one(loan.deviceId());
        Map<String, Object> model = new HashMap<>();
        model.put("loan", loan);
        model.put("device", device);
        model.put("outcomes", LoanStore.END_OUTCOMES);
        model.put("address", loan.shippingAddress() != null ? loan.shippingAddress() : loan.patientAddress());
        LoanStatus status = LoanStatus.of(loan.status()).orElseThrow();
        List<String> steps = new ArrayList<>();
        if (status == LoanStatus.reserved) {
            steps.addAll(List.of("ship", "cancel"));
        } else if (status == LoanStatus.active) {
            if (loan.handoverAcceptedAt() == null) {
                steps.add("handover");
            }
            // Asked back only once handed over: before that the device is still on its way, and the loan is
            // ended "not delivered" (the state machine refused the request, and the page offered it).
            if (loan.returnRequestedAt() == null && loan.handoverAcceptedAt() != null) {
                steps.add("request-return");
            }
            steps.add("end");
        }
        model.put("steps", steps);
        return model;
    }
}
