package dk.fsc.service.wounds;

import dk.fsc.service.alerts.AlertStore;
import dk.fsc.service.alerts.Finding;
import dk.fsc.service.alerts.Severity;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import dk.fsc.service.wounds.WoundViews.Referral;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A specialist's answer to a referral, the one way for the API and the console: the assessment is
 * stored, the referral answered, and the referring organisation's nurses get a blue
 * {@code wound_assessment} alert on their feed, in the caller's transaction.
 */
@Singleton
public class ReferralAnswers {
    private final ReferralStore referrals;
    private final AlertStore alerts;
    private final JsonMapper json;

    ReferralAnswers(ReferralStore referrals, AlertStore alerts, JsonMapper json) {
        this.referrals = referrals;
        this.alerts = alerts;
        this.json = json;
    }

    /** @throws Refusal conflict when the referral is not waiting for an answer */
    public Referral answer(StaffUser specialist, Referral referral, String assessment, @Nullable String classification, String treatmentPlan,
                           @Nullable LocalDate nextPhotoDue) {
        if (!referral.status().equals("open")) {
            throw Refusal.conflict("The referral is answered; the nurse asks again when there is a new photo to assess");
        }
        referrals.assess(referral.id(), specialist.username(), assessment, classification, treatmentPlan, nextPhotoDue);
        Referral answered = referrals.find(referral.id()).orElseThrow();
        Instant now = Instant.now();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("referralId", referral.id().toString());
        details.put("woundId", referral.woundId().toString());
        details.put("clinic", referral.clinicName());
        details.put("specialist", specialist.username());
        details.put("classification", classification);
        details.put("nextPhotoDue", nextPhotoDue == null ? null : nextPhotoDue.toString());
        details.put("clock", answered.clock());
        alerts.raise(new Finding(referral.patientId(), referral.referringOrganisationId(), "wound_assessment", Severity.BLUE,
                "Wound assessment from " + referral.clinicName() + (classification == null ? "" : ": " + classification)
                        + (nextPhotoDue == null ? "" : "; next photo by " + nextPhotoDue), toJson(details), null, now, true), now);
        return answered;
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
