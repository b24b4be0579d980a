package dk.fsc.service.console.clinic;

import dk.fsc.service.platform.web.Downloads;
import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.FormErrors;
import dk.fsc.service.console.FormInput;
import dk.fsc.service.console.Pages;
import dk.fsc.service.patients.PatientStore;
import dk.fsc.service.photos.PhotoFile;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.time.DanishTime;
import dk.fsc.service.staff.StaffUser;
import dk.fsc.service.wounds.ReferralAnswers;
import dk.fsc.service.wounds.ReferralStore;
import dk.fsc.service.wounds.WoundAccess;
import dk.fsc.service.wounds.WoundStore;
import dk.fsc.service.wounds.WoundViews.Photo;
import dk.fsc.service.wounds.WoundViews.Referral;
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
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The wound clinic's pages: the referrals waiting for an answer (soonest due first, the clock of
 * each visible), and one referral with the wound's photos (the newest two side by side),
 * measurements and earlier assessments, and the assessment form. The same access rule and
 * access-log lines as the API ({@link WoundAccess}).
 */
@Controller(value = "/referrals", produces = MediaType.TEXT_HTML)
@Secured(StaffUser.Role.WOUND_SPECIALIST)
@ExecuteOn(TaskExecutors.BLOCKING)
class ReferralsPageController {
    static final int MAX_TEXT = 8000;
    private final Pages pages;
    private final ReferralStore referrals;
    private final ReferralAnswers answers;
    private final WoundAccess access;
    private final WoundStore wounds;
    private final PatientStore patients;
    private final AccessLog accessLog;
    private final BlobStore blobs;

    ReferralsPageController(Pages pages, ReferralStore referrals, ReferralAnswers answers, WoundAccess access, WoundStore wounds,
                            PatientStore patients, AccessLog accessLog, BlobStore blobs) {
        this.pages = pages;
        this.referrals = referrals;
        this.answers = answers;
        this.access = access;
        this.wounds = wounds;
        this.patients = patients;
        this.accessLog = accessLog;
        this.blobs = blobs;
    }

    /** One row of the queue: the referral and the citizen's name (the specialist must know whose wound it is). */
    public record Row(Referral referral, String patientName, String woundKey, String woundType, String bodySite) {
        /** When the answer's clock starts to warn. */
        public Instant warnAt() {
            return referral.answerDue().minus(ReferralStore.WARN_BEFORE);
        }
    }

    @Get
    @Transactional
    HttpResponse<String> list(HttpRequest<?> request, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        List<Referral> found = referrals.forClinic(user.organisationId());
        accessLog.recordEach(user, found.stream().map(Referral::patientId).distinct().toList(), "read referrals", "wound assessment");
        List<Row> rows = found.stream().map(r -> {
            var w = wounds.one(r.woundId());
            return new Row(r, patients.named(r.patientId()).displayName(), w.key(), w.woundType(), w.bodySite());
        }).toList();
        Map<String, Object> model = new HashMap<>();
        model.put("rows", rows);
        model.put("late", found.stream().filter(r -> r.clock().equals("breached")).count());
        model.put("soon", found.stream().filter(r -> r.clock().equals("warning")).count());
        return pages.page(request, "clinic/referrals", model);
    }

    @Get("/{referralId}{?saved}")
    @Transactional
    HttpResponse<String> one(HttpRequest<?> request, @PathVariable UUID referralId, @Nullable @QueryValue String saved, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Map<String, Object> model = model(user, referralId);
        model.put("saved", saved != null);
        model.put("form", Map.of());
        return pages.page(request, "clinic/referral", model);
    }

    @Post(value = "/{referralId}/assessment", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Transactional
    HttpResponse<String> assess(HttpRequest<?> request, @PathVariable UUID referralId, @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Referral referral = access.requireReferral(user, referralId);
        FormErrors errors = new FormErrors();
        String assessment = FormInput.text(form, "assessment");
        String plan = FormInput.text(form, "treatmentPlan");
        String classification = FormInput.text(form, "classification");
        required(errors, "assessment", assessment);
        required(errors, "treatmentPlan", plan);
        if (classification.length() > 200) {
            errors.add("classification", "referral.field.classification", "referral.error.long", 200);
        }
        LocalDate next = null;
        String nextText = FormInput.text(form, "nextPhotoDue");
        if (!nextText.isEmpty()) {
            try {
                next = LocalDate.parse(nextText);
                if (next.isBefore(LocalDate.now(DanishTime.ZONE))) {
                    errors.add("nextPhotoDue", "referral.field.nextPhotoDue", "referral.error.past");
                }
            } catch (DateTimeParseException e) {
                errors.add("nextPhotoDue", "referral.field.nextPhotoDue", "referral.error.date");
            }
        }
        if (!referral.status().equals("open")) {
            errors.add("assessment", "referral.field.assessment", "referral.error.answered");
        }
        if (errors.isEmpty()) {
            try {
                answers.answer(user, referral, assessment, classification.isEmpty() ? null : classification, plan, next);
            } catch (Refusal r) {
                if (r.kind() != Refusal.Kind.CONFLICT) {
                    throw r;
                }
                // Answered by a colleague (or a double click) since this page was read: the text typed stays in the form.
                errors.add("assessment", "referral.field.assessment", "referral.error.answered");
            }
        }
        if (!errors.isEmpty()) {
            Map<String, Object> model = model(user, referralId);
            model.put("errors", errors);
            model.put("saved", false);
            model.put("form", form);
            return pages.page(request, "clinic/referral", model);
        }
        accessLog.record(user, referral.patientId(), "assess wound", "wound assessment", referralId.toString());
        return HttpResponse.seeOther(URI.create("/referrals/" + referralId + "?saved=true"));
    }

    @Get(value = "/{referralId}/photos/{photoId}/{file:image|thumbnail}", produces = MediaType.ALL)
    @Transactional
    HttpResponse<byte[]> photo(@PathVariable UUID referralId, @PathVariable UUID photoId, @PathVariable String file, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Referral referral = access.requireReferral(user, referralId);
        WoundStore.Owner wound = access.requireCareOrReferral(user, referral.woundId());
        WoundStore.PhotoFileRef ref = wounds.photo(wound, photoId).orElseThrow(() -> Refusal.notFound("No photo " + photoId + " of this wound."));
        PhotoFile f = ref.read(blobs, file.equals("thumbnail") && ref.thumbnailSha256() != null); // a PDF shows as itself
        accessLog.record(user, referral.patientId(), "view wound photo", "wound assessment", photoId.toString());
        return Downloads.inline(f.bytes(), f.contentType(), f.headers());
    }

    /** What the referral page shows, read as the API's "read referral" and "read wound". */
    private Map<String, Object> model(StaffUser user, UUID referralId) {
        Referral referral = access.requireReferral(user, referralId);
        WoundStore.Owner owner = access.requireCareOrReferral(user, referral.woundId());
        accessLog.record(user, referral.patientId(), "read referral", "wound assessment", referralId.toString());
        accessLog.record(user, referral.patientId(), "read wound", "wound assessment", owner.key());
        List<Photo> photos = wounds.photos(owner);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("referral", referral);
        model.put("patientName", patients.named(referral.patientId()).displayName());
        model.put("wound", wounds.one(referral.woundId()));
        model.put("photos", photos);
        model.put("newestTwo", photos.size() >= 2 ? List.of(photos.get(1), photos.get(0)) : List.of());
        model.put("measurements", wounds.measurements(owner));
        model.put("errors", new FormErrors());
        return model;
    }

    private static void required(FormErrors errors, String field, String value) {
        if (value.isEmpty()) {
            errors.add(field, "referral.field." + field, "referral.error.required");
        } else if (value.length() > MAX_TEXT) {
            errors.add(field, "referral.field." + field, "referral.error.long", MAX_TEXT);
        }
    }
}
