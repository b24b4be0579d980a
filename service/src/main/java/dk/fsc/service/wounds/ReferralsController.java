package dk.fsc.service.wounds;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.errors.Times;
import dk.fsc.service.staff.StaffUser;
import dk.fsc.service.wounds.WoundViews.Referral;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.List;
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
    private final ReferralAnswers answers;

    ReferralsController(ReferralStore referrals, WoundAccess access, AccessLog accessLog, ReferralAnswers answers) {
        this.referrals = referrals;
        this.access = access;
        this.accessLog = accessLog;
        this.answers = answers;
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
        Referral answered = answers.answer(user, referral, body.assessment(), body.classification(), body.treatmentPlan(),
                Times.requireDay("nextPhotoDue", body.nextPhotoDue()));
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

    private static String purpose(StaffUser user) {
        return StaffUser.Role.WOUND_SPECIALIST.equals(user.role()) ? "wound assessment" : "care";
    }
}
