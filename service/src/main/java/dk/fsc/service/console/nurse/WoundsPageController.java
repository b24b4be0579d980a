package dk.fsc.service.console.nurse;

import dk.fsc.gateway.contract.PhotoDecoder;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.CsrfCheck;
import dk.fsc.service.console.FormErrors;
import dk.fsc.service.console.FormInput;
import dk.fsc.service.console.Pages;
import dk.fsc.service.patients.Patient;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.time.DanishTime;
import dk.fsc.service.staff.StaffUser;
import dk.fsc.service.wounds.ConsentStore;
import dk.fsc.service.wounds.ReferralStore;
import dk.fsc.service.wounds.WoundAccess;
import dk.fsc.service.wounds.WoundPhotos;
import dk.fsc.service.wounds.WoundStore;
import dk.fsc.service.wounds.WoundViews.Clinic;
import dk.fsc.service.wounds.WoundViews.Measurement;
import dk.fsc.service.wounds.WoundViews.Wound;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Part;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.multipart.CompletedFileUpload;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A citizen's wounds for the nurses: each wound's record with its area over time (a curve drawn on
 * the server, and the numbers), its referral to a hospital wound clinic with the newest answer,
 * the form to refer it, and the citizen's consent to share wound photos with a hospital, recorded
 * and withdrawn here. The same stores, rules and access-log lines as the API (docs/wounds.md).
 */
@Controller(value = "/patients/{patientId}/wounds", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
@ExecuteOn(TaskExecutors.BLOCKING)
class WoundsPageController {
    private final Pages pages;
    private final PatientAccess access;
    private final WoundAccess woundAccess;
    private final WoundStore wounds;
    private final ConsentStore consents;
    private final ReferralStore referrals;
    private final AccessLog accessLog;
    private final WoundPhotos photos;

    WoundsPageController(Pages pages, PatientAccess access, WoundAccess woundAccess, WoundStore wounds, ConsentStore consents,
                         ReferralStore referrals, AccessLog accessLog, WoundPhotos photos) {
        this.photos = photos;
        this.pages = pages;
        this.access = access;
        this.woundAccess = woundAccess;
        this.wounds = wounds;
        this.consents = consents;
        this.referrals = referrals;
        this.accessLog = accessLog;
    }

    /** One wound as the page shows it: the record, its measurements and the area curve's points (an SVG polyline), or none. */
    public record Card(Wound wound, List<Measurement> measurements, @Nullable String curve, @Nullable Double lastArea) {
    }

    @Get("{?saved}")
    @Transactional
    HttpResponse<String> show(HttpRequest<?> request, @PathVariable UUID patientId, @Nullable @QueryValue String saved, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        Map<String, Object> model = model(user, patient);
        model.put("saved", saved == null ? null : "wounds.saved." + (saved.matches("consent|withdrawn|referred|measured|changed|asked|closed|registered|photo") ? saved : "consent"));
        return pages.page(request, "nurse/wounds", model);
    }

    @Post(value = "/consent", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    HttpResponse<String> giveConsent(HttpRequest<?> request, @PathVariable UUID patientId, @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        String how = FormInput.text(form, "how");
        if (!how.equals("oral") && !how.equals("written")) {
            FormErrors errors = new FormErrors().add("how", "wounds.field.how", "wounds.error.how");
            Map<String, Object> model = model(user, patient);
            model.put("consentErrors", errors);
            return pages.page(request, "nurse/wounds", model);
        }
        String note = FormInput.text(form, "note");
        consents.give(patientId, Instant.now(), how, note.isEmpty() ? null : note, user.username());
        accessLog.record(user, patientId, "record wound consent", "care", how);
        return HttpResponse.seeOther(URI.create("/patients/" + patientId + "/wounds?saved=consent"));
    }

    @Post(value = "/consent/withdraw", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    HttpResponse<String> withdraw(HttpRequest<?> request, @PathVariable UUID patientId, @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        if (!"yes".equals(form.get("confirm"))) { // it closes every referral at once and cannot be undone: one click was enough
            Map<String, Object> model = model(user, patient);
            model.put("consentErrors", new FormErrors().add("withdraw-confirm", "wounds.field.withdrawConfirm", "wounds.error.withdrawConfirm"));
            return pages.page(request, "nurse/wounds", model);
        }
        int closed = consents.withdraw(patientId, user.username());
        accessLog.record(user, patientId, "withdraw wound consent", "care", closed + " referral(s) closed");
        return HttpResponse.seeOther(URI.create("/patients/" + patientId + "/wounds?saved=withdrawn"));
    }

    @Post(value = "/{woundId}/referral", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    HttpResponse<String> refer(HttpRequest<?> request, @PathVariable UUID patientId, @PathVariable UUID woundId, @Body Map<String, String> form,
                               Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        WoundStore.Owner owner = ownWound(user, patientId, woundId);
        FormErrors errors = new FormErrors();
        String clinic = FormInput.text(form, "clinic");
        String question = FormInput.text(form, "question");
        if (referrals.clinics().stream().noneMatch(c -> c.id().equals(clinic))) {
            errors.add("clinic-" + woundId, "wounds.field.clinic", "wounds.error.clinic");
        }
        if (question.isEmpty() || question.length() > 4000) {
            errors.add("question-" + woundId, "wounds.field.question", "wounds.error.question");
        }
        if (!consents.inForce(patientId)) {
            errors.add("consent", "wounds.consent", "wounds.error.noConsent");
        }
        if (!errors.isEmpty()) {
            return again(request, user, patient, woundId, errors, form);
        }
        referrals.create(owner, clinic, question, user.username(), Instant.now());
        accessLog.record(user, patientId, "refer wound", "care", owner.key() + " to " + clinic);
        return HttpResponse.seeOther(URI.create("/patients/" + patientId + "/wounds?saved=referred#wound-" + woundId));
    }

    /** A measurement by hand: sizes typed with a decimal comma or point, at least one, each in its range. */
    @Post(value = "/{woundId}/measurement", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    HttpResponse<String> measure(HttpRequest<?> request, @PathVariable UUID patientId, @PathVariable UUID woundId, @Body Map<String, String> form,
                                 Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        WoundStore.Owner owner = ownWound(user, patientId, woundId);
        FormErrors errors = new FormErrors();
        Map<String, Double> sizes = sizes(form, woundId, errors);
        if (errors.isEmpty() && sizes.values().stream().allMatch(v -> v == null)) {
            errors.add("lengthCm-" + woundId, "wounds.field.lengthCm", "wounds.error.noSize");
        }
        if (!errors.isEmpty()) {
            return again(request, user, patient, woundId, errors, form);
        }
        String note = FormInput.text(form, "note");
        wounds.addMeasurement(woundId, Instant.now(), sizes.get("lengthCm"), sizes.get("widthCm"), sizes.get("depthCm"), sizes.get("areaCm2"),
                note.isEmpty() ? null : note, user.username());
        accessLog.record(user, patientId, "record wound measurement", "care", owner.key());
        return HttpResponse.seeOther(URI.create("/patients/" + patientId + "/wounds?saved=measured#wound-" + woundId));
    }

    /** The wound's status and follow-up (days between photos, or none). */
    @Post(value = "/{woundId}/record", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    HttpResponse<String> change(HttpRequest<?> request, @PathVariable UUID patientId, @PathVariable UUID woundId, @Body Map<String, String> form,
                                Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        WoundStore.Owner owner = ownWound(user, patientId, woundId);
        FormErrors errors = new FormErrors();
        String status = FormInput.text(form, "status");
        if (!status.matches("open|healing|healed")) {
            errors.add("status-" + woundId, "wounds.status", "wounds.error.status");
        }
        Integer days = null;
        String daysText = FormInput.text(form, "followUpDays");
        if (!daysText.isEmpty()) {
            try {
                days = Integer.parseInt(daysText);
                if (days < 1 || days > 90) {
                    errors.add("followUpDays-" + woundId, "wounds.field.followUpDays", "wounds.error.days");
                }
            } catch (NumberFormatException e) {
                errors.add("followUpDays-" + woundId, "wounds.field.followUpDays", "wounds.error.days");
            }
        }
        String side = side(form, "side-" + woundId, errors);
        LocalDate onset = onset(form, "onset-" + woundId, errors);
        if (!errors.isEmpty()) {
            return again(request, user, patient, woundId, errors, form);
        }
        wounds.update(woundId, status, side, onset, days);
        accessLog.record(user, patientId, "change wound", "care", owner.key() + ": " + status);
        return HttpResponse.seeOther(URI.create("/patients/" + patientId + "/wounds?saved=changed#wound-" + woundId));
    }

    /** Asks the clinic again on an answered referral (a new photo), or closes the referral: with a text either way. */
    @Post(value = "/{woundId}/referral/{action:again|close}", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    HttpResponse<String> followUp(HttpRequest<?> request, @PathVariable UUID patientId, @PathVariable UUID woundId, @PathVariable String action,
                                  @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        ownWound(user, patientId, woundId);
        var referral = wounds.one(woundId).referral();
        if (referral == null) { // closed by a colleague (or the consent withdrawn) since the page was read: said, with the text typed
            return again(request, user, patient, woundId, new FormErrors().add(action + "-" + woundId, "wounds.field." + action,
                    "wounds.error.closedMeanwhile"), form);
        }
        String text = FormInput.text(form, "text");
        FormErrors errors = new FormErrors();
        if (text.isEmpty() || text.length() > 1000) {
            errors.add(action + "-" + woundId, "wounds.field." + action, "wounds.error.text");
        } else if (action.equals("again") && !referral.status().equals("answered")) {
            errors.add(action + "-" + woundId, "wounds.field." + action, "wounds.error.notAnswered");
        }
        if (!errors.isEmpty()) {
            return again(request, user, patient, woundId, errors, form);
        }
        if (action.equals("again")) {
            try {
                referrals.askAgain(referral.id(), text, Instant.now());
            } catch (Refusal r) {
                if (r.kind() != Refusal.Kind.CONFLICT) {
                    throw r;
                }
                // A colleague asked again since this page was read: the question typed stays in the form.
                errors.add(action + "-" + woundId, "wounds.field." + action, "wounds.error.notAnswered");
                return again(request, user, patient, woundId, errors, form);
            }
            accessLog.record(user, patientId, "ask clinic again", "care", referral.id().toString());
        } else {
            referrals.close(referral.id(), user.username(), text);
            accessLog.record(user, patientId, "close referral", "care", referral.id().toString());
        }
        return HttpResponse.seeOther(URI.create("/patients/" + patientId + "/wounds?saved=" + (action.equals("again") ? "asked" : "closed")
                + "#wound-" + woundId));
    }

    /** A wound registered before its first photo: type, body site, side, onset and whether it is followed up (a photo every 14 days). */
    @Post(value = "/new", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    HttpResponse<String> register(HttpRequest<?> request, @PathVariable UUID patientId, @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        FormErrors errors = new FormErrors();
        String type = FormInput.text(form, "woundType");
        if (!type.matches(WoundStore.TYPES)) {
            errors.add("new-woundType", "wounds.field.woundType", "wounds.error.woundType");
        }
        String site = FormInput.text(form, "bodySite");
        if (site.isEmpty() || site.length() > 100) {
            errors.add("new-bodySite", "wounds.field.bodySite", "wounds.error.bodySite");
        }
        String side = side(form, "new-side", errors);
        LocalDate onset = onset(form, "new-onset", errors);
        if (errors.isEmpty() && wounds.forPatient(patientId).stream().anyMatch(w -> w.key().equals(WoundStore.key(type, site)))) {
            errors.add("new-bodySite", "wounds.field.bodySite", "wounds.error.exists");
        }
        if (!errors.isEmpty()) {
            Map<String, Object> model = model(user, patient);
            model.put("newErrors", errors);
            model.put("newTyped", form);
            return pages.page(request, "nurse/wounds", model);
        }
        Wound wound = wounds.create(patientId, WoundStore.key(type, site), type, site, side, onset,
                form.containsKey("followUp") ? 14 : null, user.username());
        accessLog.record(user, patientId, "register wound", "care", wound.key());
        return HttpResponse.seeOther(URI.create("/patients/" + patientId + "/wounds?saved=registered#wound-" + wound.id()));
    }

    /**
     * A photo the nurse took (multipart, the session's CSRF token in its {@code _csrf} part: see CsrfCheck),
     * with the sizes measured on it: stored as the API's upload is (WoundPhotos).
     */
    @Post(value = "/{woundId}/photos", consumes = MediaType.MULTIPART_FORM_DATA)
    @Transactional
    HttpResponse<?> photo(HttpRequest<?> request, @PathVariable UUID patientId, @PathVariable UUID woundId,
                          @Nullable @Part("_csrf") String csrf,
                          @Nullable @Part("file") CompletedFileUpload file, @Nullable @Part("takenAt") String takenAt,
                          @Nullable @Part("lengthCm") String lengthCm, @Nullable @Part("widthCm") String widthCm,
                          @Nullable @Part("depthCm") String depthCm, @Nullable @Part("note") String note,
                          Authentication auth) throws java.io.IOException {
        if (!CsrfCheck.tokenMatches(auth, csrf)) { // before anything: the filter leaves a multipart body to this route
            // As CsrfCheck answers: a browser gets the console's "page too old" page (ConsoleResponses), anything else this JSON.
            return HttpResponse.status(io.micronaut.http.HttpStatus.FORBIDDEN).body(Map.of("reason", "csrf"))
                    .contentType(MediaType.APPLICATION_JSON_TYPE);
        }
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        WoundStore.Owner owner = ownWound(user, patientId, woundId);
        Map<String, String> form = new HashMap<>();
        form.put("lengthCm", lengthCm == null ? "" : lengthCm);
        form.put("widthCm", widthCm == null ? "" : widthCm);
        form.put("depthCm", depthCm == null ? "" : depthCm);
        form.put("takenAt", takenAt == null ? "" : takenAt);
        form.put("photoNote", note == null ? "" : note);
        FormErrors errors = new FormErrors();
        Map<String, Double> sizes = sizes(form, woundId, errors);
        Instant at = null;
        if (!form.get("takenAt").isBlank()) {
            try {
                at = FormInput.localTime(form.get("takenAt"));
                if (at.isAfter(Instant.now().plusSeconds(300))) {
                    errors.add("takenAt-" + woundId, "wounds.field.takenAt", "wounds.error.future");
                }
            } catch (RuntimeException e) {
                errors.add("takenAt-" + woundId, "wounds.field.takenAt", "wounds.error.takenAt");
            }
        }
        byte[] bytes = file == null ? new byte[0] : file.getBytes();
        WoundPhotos.fileProblem(bytes).ifPresent(p -> errors.add("file-" + woundId, "wounds.field.file", switch (p) {
            case EMPTY -> "wounds.error.file";
            case TOO_LARGE -> "wounds.error.fileSize";
            case NOT_A_PHOTO -> "wounds.error.fileType";
        }));
        if (errors.isEmpty()) {
            try {
                String text = form.get("photoNote").trim();
                UUID photoId = photos.add(wounds.one(woundId), new WoundPhotos.Upload(bytes, at, sizes.get("lengthCm"), sizes.get("widthCm"),
                        sizes.get("depthCm"), null, text.isEmpty() ? null : text), user.username());
                accessLog.record(user, patientId, "upload wound photo", "care", owner.key() + ": " + photoId);
                return HttpResponse.seeOther(URI.create("/patients/" + patientId + "/wounds?saved=photo#wound-" + woundId));
            } catch (Refusal refused) {
                if (refused.kind() != Refusal.Kind.INVALID && refused.kind() != Refusal.Kind.TOO_LARGE) {
                    throw refused;
                }
                errors.add("file-" + woundId, "wounds.field.file", "wounds.error.unreadable");
            }
        }
        return again(request, user, patient, woundId, errors, form);
    }

    /** Length, width, depth and area typed with a decimal comma or point, each in its range (PhotoDecoder.SIZE_LIMITS, the device contract's). */
    private static Map<String, Double> sizes(Map<String, String> form, UUID woundId, FormErrors errors) {
        Map<String, Double> sizes = new HashMap<>();
        PhotoDecoder.SIZE_LIMITS.forEach((name, max) -> {
            String field = name + "-" + woundId;
            String limit = String.valueOf(max.longValue());
            try {
                Double v = FormInput.number(form.get(name));
                if (v != null && (v < 0 || v > max)) {
                    errors.add(field, "wounds.field." + name, "wounds.error.range", limit);
                }
                sizes.put(name, v);
            } catch (NumberFormatException e) {
                errors.add(field, "wounds.field." + name, "wounds.error.number");
            }
        });
        return sizes;
    }

    private static String side(Map<String, String> form, String field, FormErrors errors) {
        String side = FormInput.text(form, "side");
        if (!side.isEmpty() && !side.matches("left|right|midline")) {
            errors.add(field, "wounds.field.side", "wounds.error.side");
        }
        return side.isEmpty() ? null : side;
    }

    private static LocalDate onset(Map<String, String> form, String field, FormErrors errors) {
        String text = FormInput.text(form, "onset");
        if (text.isEmpty()) {
            return null;
        }
        try {
            LocalDate onset = LocalDate.parse(text);
            if (onset.isAfter(LocalDate.now(DanishTime.ZONE))) {
                errors.add(field, "wounds.field.onset", "wounds.error.onsetFuture");
            }
            return onset;
        } catch (java.time.format.DateTimeParseException e) {
            errors.add(field, "wounds.field.onset", "wounds.error.onset");
            return null;
        }
    }

    private WoundStore.Owner ownWound(StaffUser user, UUID patientId, UUID woundId) {
        WoundStore.Owner owner = woundAccess.requireCare(user, woundId);
        if (!owner.patientId().equals(patientId)) {
            throw Refusal.notFound("No wound " + woundId + " of this citizen.");
        }
        return owner;
    }

    /** The page again with a wound's form problems and what was typed. */
    private HttpResponse<String> again(HttpRequest<?> request, StaffUser user, Patient patient, UUID woundId, FormErrors errors,
                                       Map<String, String> form) {
        Map<String, Object> model = model(user, patient);
        model.put("referErrors", Map.of(woundId, errors));
        model.put("typed", Map.of(woundId, form));
        return pages.page(request, "nurse/wounds", model);
    }

    /** What the page shows, read as the API's "list wounds", "read wound" and "read wound consent". */
    private Map<String, Object> model(StaffUser user, Patient patient) {
        List<Card> cards = new ArrayList<>();
        for (Wound w : wounds.forPatient(patient.id())) {
            List<Measurement> measurements = wounds.measurements(w);
            accessLog.record(user, patient.id(), "read wound", "care", w.key());
            List<Measurement> areas = measurements.stream().filter(m -> m.areaCm2() != null).toList();
            cards.add(new Card(w, measurements, curve(areas), areas.isEmpty() ? null : areas.get(areas.size() - 1).areaCm2()));
        }
        accessLog.record(user, patient.id(), "list wounds", "care", cards.size() + " wound(s)");
        accessLog.record(user, patient.id(), "read wound consent", "care", null);
        List<Clinic> clinics = referrals.clinics();
        Map<String, Object> model = new HashMap<>();
        model.put("patient", patient);
        model.put("cards", cards);
        model.put("consents", consents.consents(patient.id()));
        model.put("clinics", clinics);
        model.put("consentErrors", new FormErrors());
        model.put("noErrors", new FormErrors());
        model.put("referErrors", Map.of());
        model.put("typed", Map.of());
        model.put("newErrors", new FormErrors());
        model.put("newTyped", Map.of());
        return model;
    }

    /**
     * The area over time as the points of an SVG polyline in a 300 × 80 box (time across, area up,
     * from zero to the largest area), or null with fewer than two areas.
     */
    static String curve(List<Measurement> areas) {
        if (areas.size() < 2) {
            return null;
        }
        long first = areas.get(0).at().getEpochSecond();
        long span = Math.max(1, areas.get(areas.size() - 1).at().getEpochSecond() - first);
        double max = areas.stream().mapToDouble(Measurement::areaCm2).max().orElse(1);
        StringBuilder points = new StringBuilder();
        for (Measurement m : areas) {
            double x = 10 + 280.0 * (m.at().getEpochSecond() - first) / span;
            double y = 75 - 65 * m.areaCm2() / (max == 0 ? 1 : max);
            points.append(points.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
        }
        return points.toString();
    }
}
