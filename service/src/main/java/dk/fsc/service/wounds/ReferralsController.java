package dk.fsc.service.wounds;

import dk.fsc.service.alerts.AlertStore;
import dk.fsc.service.alerts.Finding;
import dk.fsc.service.alerts.Severity;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import dk.fsc.service.wounds.WoundViews.Referral;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Status;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.validation.Valid;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Referrals: a clinic's specialists see those to their clinic and answer them with an
 * assessment, which reaches the referring nurses' alert feed; the nurses see those they sent, ask
 * again on a new photo, and close them.
 */
@Controller("/api/referrals")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN, StaffUser.Role.WOUND_SPECIALIST})
class ReferralsController {
    private final ReferralStore referrals;
    private final WoundAccess access;
    private final AccessLog accessLog;
    private final AlertStore alerts;
    private final JsonMapper json;

    ReferralsController(ReferralStore referrals, WoundAccess access, AccessLog accessLog, AlertStore alerts, JsonMapper json) {
        this.referrals = referrals;
        this.access = access;
        this.accessLog = accessLog;
        this.alerts = alerts;
        this.json = json;
    }

    /** A specialist: the clinic's referrals not closed, those waiting first and soonest due first; care staff: those their organisation sent. */
    @Get
    @Transactional
    List<Referral> list(Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        boolean specialist = StaffUser.Role.WOUND_SPECIALIST.equals(user.role());
        List<Referral> found = specialist ? referrals.forClinic(user.organisationId()) : referrals.fromOrganisation(user.organisationId());
        // A specialist sees only referrals with the citizen's consent in force (withdrawing it closes them anyway).
        accessLog.recordEach(user, found.stream().map(Referral::patientId).distinct().toList(), "read referrals",
                specialist ? "wound assessment" : "care");
        return found;
    }

    @Get("/{referralId}")
    @Transactional
    Referral one(@PathVariable UUID referralId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        Referral referral = access.requireReferral(user, referralId);
        accessLog.record(user, referral.patientId(), "read referral", purpose(user), referralId.toString());
        return referral;
    }

    /** The specialist's answer: the referral is answered, and the referring organisation's nurses get it on their feed. */
    @Post("/{referralId}/assessments")
    @Secured(StaffUser.Role.WOUND_SPECIALIST)
    @Status(HttpStatus.CREATED)
    @Transactional
    Referral assess(@PathVariable UUID referralId, @Valid @Body WoundRequests.Assess body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        Referral referral = access.requireReferral(user, referralId);
        if (!referral.status().equals("open")) {
            throw Refusal.conflict("The referral is answered; the nurse asks again when there is a new photo to assess");
        }
        referrals.assess(referralId, user.username(), body.assessment(), body.classification(), body.treatmentPlan(), body.nextPhotoDue());
        Referral answered = referrals.find(referralId).orElseThrow();
        Instant now = Instant.now();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("referralId", referralId.toString());
        details.put("woundId", referral.woundId().toString());
        details.put("clinic", referral.clinicName());
        details.put("specialist", user.username());
        details.put("classification", body.classification());
        details.put("nextPhotoDue", body.nextPhotoDue() == null ? null : body.nextPhotoDue().toString());
        details.put("clock", answered.clock());
        alerts.raise(new Finding(referral.patientId(), referral.referringOrganisationId(), "wound_assessment", Severity.BLUE,
                "Wound assessment from " + referral.clinicName() + (body.classification() == null ? "" : ": " + body.classification())
                        + (body.nextPhotoDue() == null ? "" : "; next photo by " + body.nextPhotoDue()), toJson(details), null, now), now);
        accessLog.record(user, referral.patientId(), "assess wound", "wound assessment", referralId.toString());
        return answered;
    }

    @Post("/{referralId}/ask-again")
    @Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
    @Transactional
    Referral askAgain(@PathVariable UUID referralId, @Valid @Body WoundRequests.AskAgain body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        Referral referral = access.requireReferral(user, referralId);
        if (!referral.status().equals("answered")) {
            throw Refusal.conflict("Only an answered referral is asked again (this one is " + referral.status() + ")");
        }
        Referral asked = referrals.askAgain(referralId, body.question(), Instant.now());
        accessLog.record(user, referral.patientId(), "ask clinic again", "care", referralId.toString());
        return asked;
    }

    @Post("/{referralId}/close")
    @Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
    @Transactional
    Referral close(@PathVariable UUID referralId, @Valid @Body WoundRequests.Close body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        Referral referral = access.requireReferral(user, referralId);
        referrals.close(referralId, user.username(), body.reason());
        accessLog.record(user, referral.patientId(), "close referral", "care", referralId.toString());
        return referrals.find(referralId).orElseThrow();
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String purpose(StaffUser user) {
        return StaffUser.Role.WOUND_SPECIALIST.equals(user.role()) ? "wound assessment" : "care";
    }
}
