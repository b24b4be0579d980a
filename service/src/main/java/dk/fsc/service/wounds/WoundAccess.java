package dk.fsc.service.wounds;

import dk.fsc.service.audit.SecurityLog;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import dk.fsc.service.wounds.WoundViews.Referral;
import dk.fsc.service.wounds.WoundViews.Wound;
import java.util.List;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * Who may see a wound: nurses and clinicians of the citizen's organisation (as for all of the
 * citizen's data), and the wound specialists of a hospital clinic the wound is referred to, while
 * that referral is not closed and the citizen's consent is in force (the care relationship the law
 * requires). Anyone else is told "not found", and the refusal goes to the security log.
 */
@Singleton
public class WoundAccess {
    private final PatientAccess patients;
    private final WoundStore wounds;
    private final ReferralStore referrals;
    private final ConsentStore consents;
    private final SecurityLog securityLog;

    WoundAccess(PatientAccess patients, WoundStore wounds, ReferralStore referrals, ConsentStore consents, SecurityLog securityLog) {
        this.patients = patients;
        this.wounds = wounds;
        this.referrals = referrals;
        this.consents = consents;
        this.securityLog = securityLog;
    }

    /** The wound, for a nurse or clinician of the citizen's organisation. */
    public WoundStore.Owner requireCare(StaffUser user, UUID woundId) {
        Refusal notFound = notFound(woundId);
        WoundStore.Owner wound = wounds.owner(woundId).orElseThrow(() -> notFound);
        try {
            patients.requireCareAccess(user, wound.patientId());
        } catch (Refusal refused) {
            throw notFound;
        }
        return wound;
    }

    /** The wound, for the citizen's care staff or a specialist of a clinic it is referred to (see the class). */
    public WoundStore.Owner requireCareOrReferral(StaffUser user, UUID woundId) {
        if (!isSpecialist(user)) {
            return requireCare(user, woundId);
        }
        WoundStore.Owner wound = wounds.owner(woundId).orElse(null);
        boolean referred = wound != null && consents.inForce(wound.patientId()) && referredTo(user, woundId);
        if (!referred) {
            if (wound != null) {
                securityLog.refused(user, wound.patientId());
            }
            throw notFound(woundId);
        }
        return wound;
    }

    /**
     * The citizen's wounds this caller may see: all of them for the citizen's care staff; for a
     * wound specialist those referred to their clinic (see the class), each with only that clinic's
     * referrals. None visible is "not found", as for a stranger.
     */
    public List<Wound> visibleWounds(StaffUser user, UUID patientId) {
        if (!isSpecialist(user)) {
            patients.requireCareAccess(user, patientId);
            return wounds.forPatient(patientId);
        }
        List<Wound> referred = consents.inForce(patientId) ? wounds.forPatient(patientId).stream()
                .filter(w -> referredTo(user, w.id())).toList() : List.of();
        if (referred.isEmpty()) {
            securityLog.refused(user, patientId);
            throw Refusal.notFound("No citizen " + patientId + " among your organisation's citizens or your clinic's referrals.");
        }
        return referred;
    }

    /** The referrals of a wound this caller may see: a specialist only their own clinic's, not what another clinic was asked or answered. */
    public List<Referral> visibleReferrals(StaffUser user, UUID woundId) {
        return referrals.forWound(woundId).stream().filter(r -> !isSpecialist(user) || r.clinicId().equals(user.organisationId())).toList();
    }

    public static boolean isSpecialist(StaffUser user) {
        return StaffUser.Role.WOUND_SPECIALIST.equals(user.role());
    }

    private boolean referredTo(StaffUser user, UUID woundId) {
        return referrals.forWound(woundId).stream().anyMatch(r -> !r.status().equals("closed") && r.clinicId().equals(user.organisationId()));
    }

    /**
     * A referral, for a specialist of its clinic while it is not closed and the consent is in
     * force, or for the care staff of the organisation that referred.
     */
    public Referral requireReferral(StaffUser user, UUID referralId) {
        Refusal notFound = Refusal.notFound("No referral " + referralId + " of your organisation or to your clinic.");
        Referral referral = referrals.find(referralId).orElseThrow(() -> notFound);
        boolean specialist = StaffUser.Role.WOUND_SPECIALIST.equals(user.role());
        boolean allowed = specialist
                ? referral.clinicId().equals(user.organisationId()) && !referral.status().equals("closed") && consents.inForce(referral.patientId())
                : StaffUser.CARE_ROLES.contains(user.role()) && referral.referringOrganisationId().equals(user.organisationId());
        if (!allowed) {
            securityLog.refused(user, referral.patientId());
            throw notFound;
        }
        return referral;
    }

    private static Refusal notFound(UUID woundId) {
        return Refusal.notFound("No wound " + woundId + " among your organisation's citizens or your clinic's referrals.");
    }
}
