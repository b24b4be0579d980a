package dk.fsc.service.wounds;

import dk.fsc.service.platform.web.Downloads;
import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.photos.PhotoFile;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.errors.Times;
import dk.fsc.service.staff.StaffUser;
import dk.fsc.service.wounds.WoundViews.Clinic;
import dk.fsc.service.wounds.WoundViews.Consents;
import dk.fsc.service.wounds.WoundViews.Record;
import dk.fsc.service.wounds.WoundViews.Referral;
import dk.fsc.service.wounds.WoundViews.Wound;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Part;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.Status;
import io.micronaut.http.multipart.CompletedFileUpload;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A citizen's wounds for the nurses and clinicians of the citizen's organisation: the records,
 * measurements, photos, the consent to share them with a hospital, and referrals to a wound
 * clinic. A clinic's wound specialists read a referred wound with its photos here too
 * ({@link WoundAccess}). Every look at a citizen's data is in the access log.
 */
@Controller("/api")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class WoundsController {
    private final WoundStore wounds;
    private final ConsentStore consents;
    private final ReferralStore referrals;
    private final WoundAccess access;
    private final PatientAccess patients;
    private final AccessLog accessLog;
    private final BlobStore blobs;
    private final WoundPhotos photos;

    WoundsController(WoundStore wounds, ConsentStore consents, ReferralStore referrals, WoundAccess access, PatientAccess patients,
                     AccessLog accessLog, BlobStore blobs, WoundPhotos photos) {
        this.photos = photos;
        this.wounds = wounds;
        this.consents = consents;
        this.referrals = referrals;
        this.access = access;
        this.patients = patients;
        this.accessLog = accessLog;
        this.blobs = blobs;
    }

    @Get("/patients/{patientId}/wounds")
    @Transactional
    List<Wound> list(@PathVariable UUID patientId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        patients.requireCareAccess(user, patientId);
        List<Wound> found = wounds.forPatient(patientId);
        accessLog.record(user, patientId, "list wounds", "care", found.size() + " wound(s)");
        return found;
    }

    @Post("/patients/{patientId}/wounds")
    @Status(HttpStatus.CREATED)
    @Transactional
    Wound register(@PathVariable UUID patientId, @Valid @Body WoundRequests.NewWound body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        patients.requireCareAccess(user, patientId);
        String key = body.key() != null ? body.key() : WoundStore.key(body.woundType(), body.bodySite());
        Wound wound = wounds.create(patientId, key, body.woundType(), body.bodySite(), body.side(),
                Times.requireDay("onset", body.onset()), body.followUpDays(), user.username());
        accessLog.record(user, patientId, "register wound", "care", wound.key());
        return wound;
    }

    /** The wound with its measurements (the area curve), photos and referrals: for its care staff, or a specialist it is referred to. */
    @Get("/wounds/{woundId}")
    @Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.WOUND_SPECIALIST})
    @Transactional
    Record one(@PathVariable UUID woundId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        WoundStore.Owner owner = access.requireCareOrReferral(user, woundId);
        Record record = new Record(wounds.one(woundId), wounds.measurements(owner), wounds.photos(owner), access.visibleReferrals(user, woundId));
        accessLog.record(user, owner.patientId(), "read wound", purpose(user), owner.key());
        return record;
    }

    @Put("/wounds/{woundId}")
    @Transactional
    Wound change(@PathVariable UUID woundId, @Valid @Body WoundRequests.ChangeWound body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        WoundStore.Owner owner = access.requireCare(user, woundId);
        Wound wound = wounds.update(woundId, body.status(), body.side(), Times.requireDay("onset", body.onset()), body.followUpDays());
        accessLog.record(user, owner.patientId(), "change wound", "care", owner.key() + ": " + body.status());
        return wound;
    }

    @Post("/wounds/{woundId}/measurements")
    @Status(HttpStatus.CREATED)
    @Transactional
    Record measure(@PathVariable UUID woundId, @Valid @Body WoundRequests.NewMeasurement body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        WoundStore.Owner owner = access.requireCare(user, woundId);
        if (body.lengthCm() == null && body.widthCm() == null && body.depthCm() == null && body.areaCm2() == null) {
            throw Refusal.invalid("Give at least one of lengthCm, widthCm, depthCm, areaCm2");
        }
        Instant at = body.measuredAt() == null ? Instant.now() : Times.require("measuredAt", body.measuredAt());
        if (at.isAfter(Instant.now().plusSeconds(300))) {
            throw Refusal.invalid("measuredAt " + at + " is in the future");
        }
        wounds.addMeasurement(woundId, at, body.lengthCm(), body.widthCm(), body.depthCm(), body.areaCm2(), body.note(), user.username());
        accessLog.record(user, owner.patientId(), "record wound measurement", "care", owner.key());
        return new Record(wounds.one(woundId), wounds.measurements(owner), wounds.photos(owner), referrals.forWound(woundId));
    }

    /**
     * A photo taken by a member of staff (multipart: {@code file}, and optional {@code takenAt},
     * {@code lengthCm}, {@code widthCm}, {@code depthCm}, {@code areaCm2}, {@code note}): checked,
     * cleaned and stored as a device's photo is; answers the wound's record with it.
     */
    @Post(value = "/wounds/{woundId}/photos", consumes = MediaType.MULTIPART_FORM_DATA)
    @Status(HttpStatus.CREATED)
    @Transactional
    Record upload(@PathVariable UUID woundId, @Part("file") CompletedFileUpload file, @Nullable @Part("takenAt") String takenAt,
                  @Nullable @Part("lengthCm") String lengthCm, @Nullable @Part("widthCm") String widthCm,
                  @Nullable @Part("depthCm") String depthCm, @Nullable @Part("areaCm2") String areaCm2,
                  @Nullable @Part("note") String note, Authentication auth) throws java.io.IOException {
        StaffUser user = StaffUser.of(auth);
        WoundStore.Owner owner = access.requireCare(user, woundId);
        Instant at;
        try {
            at = takenAt == null || takenAt.isBlank() ? null : Instant.parse(takenAt.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw Refusal.invalid("takenAt must be a moment such as 2026-12-03T09:30:00Z, not " + takenAt);
        }
        UUID photoId = photos.add(wounds.one(woundId), new WoundPhotos.Upload(file.getBytes(), at, size("lengthCm", lengthCm),
                size("widthCm", widthCm), size("depthCm", depthCm), size("areaCm2", areaCm2),
                note == null || note.isBlank() ? null : note.trim()), user.username());
        accessLog.record(user, owner.patientId(), "upload wound photo", "care", owner.key() + ": " + photoId);
        return new Record(wounds.one(woundId), wounds.measurements(owner), wounds.photos(owner), referrals.forWound(woundId));
    }

    private static Double size(String field, @Nullable String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Double.parseDouble(text.trim().replace(',', '.'));
        } catch (NumberFormatException e) {
            throw Refusal.invalid(field + " must be a number in cm (cm² for the area), not " + text);
        }
    }

    @Get("/wounds/{woundId}/photos/{photoId}/image")
    @Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.WOUND_SPECIALIST})
    @Transactional
    HttpResponse<byte[]> image(@PathVariable UUID woundId, @PathVariable UUID photoId, Authentication auth) {
        return file(woundId, photoId, auth, false);
    }

    @Get("/wounds/{woundId}/photos/{photoId}/thumbnail")
    @Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.WOUND_SPECIALIST})
    @Transactional
    HttpResponse<byte[]> thumbnail(@PathVariable UUID woundId, @PathVariable UUID photoId, Authentication auth) {
        return file(woundId, photoId, auth, true);
    }

    private HttpResponse<byte[]> file(UUID woundId, UUID photoId, Authentication auth, boolean thumbnail) {
        StaffUser user = StaffUser.of(auth);
        WoundStore.Owner owner = access.requireCareOrReferral(user, woundId);
        WoundStore.PhotoFileRef ref = wounds.photo(owner, photoId)
                .orElseThrow(() -> Refusal.notFound("No photo " + photoId + " of wound " + woundId));
        PhotoFile f = ref.read(blobs, thumbnail);
        accessLog.record(user, owner.patientId(), "view wound photo", purpose(user), photoId.toString());
        return Downloads.inline(f.bytes(), f.contentType(), f.headers());
    }

    @Get("/patients/{patientId}/wound-consent")
    @Transactional
    Consents consent(@PathVariable UUID patientId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        patients.requireCareAccess(user, patientId);
        Consents found = consents.consents(patientId);
        accessLog.record(user, patientId, "read wound consent", "care", null);
        return found;
    }

    @Post("/patients/{patientId}/wound-consent")
    @Status(HttpStatus.CREATED)
    @Transactional
    Consents giveConsent(@PathVariable UUID patientId, @Valid @Body WoundRequests.GiveConsent body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        patients.requireCareAccess(user, patientId);
        Instant given = body.givenAt() == null ? Instant.now() : Times.require("givenAt", body.givenAt());
        if (given.isAfter(Instant.now().plusSeconds(300))) {
            throw Refusal.invalid("givenAt " + given + " is in the future");
        }
        Consents now = consents.give(patientId, given, body.how(), body.note(), user.username());
        accessLog.record(user, patientId, "record wound consent", "care", body.how());
        return now;
    }

    /** Withdraws the consent: every referral of the citizen is closed, which ends the clinics' access at once. */
    @Post("/patients/{patientId}/wound-consent/withdraw")
    @Transactional
    Consents withdrawConsent(@PathVariable UUID patientId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        patients.requireCareAccess(user, patientId);
        int closed = consents.withdraw(patientId, user.username());
        accessLog.record(user, patientId, "withdraw wound consent", "care", closed + " referral(s) closed");
        return consents.consents(patientId);
    }

    /** Hospital wound clinics a wound can be referred to. */
    @Get("/wound-clinics")
    @Transactional
    List<Clinic> clinics() {
        return referrals.clinics();
    }

    /** Refers the wound to a clinic: only with the citizen's consent in force; the answer is due by the end of the next working day. */
    @Post("/wounds/{woundId}/referrals")
    @Status(HttpStatus.CREATED)
    @Transactional
    Referral refer(@PathVariable UUID woundId, @Valid @Body WoundRequests.Refer body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        WoundStore.Owner owner = access.requireCare(user, woundId);
        if (!consents.inForce(owner.patientId())) {
            throw Refusal.conflict("The citizen has not consented to sharing wound photos with a hospital (or withdrew it): "
                    + "record the consent first (POST /api/patients/" + owner.patientId() + "/wound-consent)");
        }
        Referral referral = referrals.create(owner, body.clinicId(), body.question(), user.username(), Instant.now());
        accessLog.record(user, owner.patientId(), "refer wound", "care", owner.key() + " to " + body.clinicId());
        return referral;
    }

    private static String purpose(StaffUser user) {
        return WoundAccess.isSpecialist(user) ? "wound assessment" : "care";
    }
}
