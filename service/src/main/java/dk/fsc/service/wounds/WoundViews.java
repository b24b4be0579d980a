package dk.fsc.service.wounds;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** What the wound endpoints answer. */
public final class WoundViews {
    private WoundViews() {
    }

    /**
     * A wound's record. {@code key} is the id devices send with its photos; {@code nextPhotoDue}
     * when it is under telemedical follow-up; {@code referral} the one not closed, if any.
     */
    @Serdeable
    public record Wound(UUID id, UUID patientId, String key, String woundType, String bodySite, @Nullable String side,
                        @Nullable LocalDate onset, String status, @Nullable Integer followUpDays, @Nullable Instant nextPhotoDue,
                        @Nullable Instant lastPhotoAt, int photos, @Nullable Referral referral, String createdBy, Instant createdAt) {
    }

    /**
     * One measurement: from a photo (its id given) or entered by a nurse. {@code areaMethod}
     * {@code measured} or {@code calculated} (π/4 × length × width when no area was measured).
     */
    @Serdeable
    public record Measurement(Instant at, @Nullable Double lengthCm, @Nullable Double widthCm, @Nullable Double depthCm,
                              @Nullable Double areaCm2, @Nullable String areaMethod, @Nullable UUID photoId, String source,
                              @Nullable String note) {
    }

    /** A photo of the wound; its image and thumbnail at wound-scoped addresses (specialists reach them through the referral). */
    @Serdeable
    public record Photo(UUID id, Instant takenAt, String contentType, @Nullable Integer widthPx, @Nullable Integer heightPx,
                        @Nullable String note, String imageUrl, @Nullable String thumbnailUrl) {
    }

    /**
     * A referral to a hospital wound clinic; {@code clock}: {@code running}, {@code warning} (the
     * answer is due within two hours), {@code breached} (due and not answered), {@code met}
     * (answered in time), {@code late} (answered after the due moment), {@code stopped} (closed
     * without an answer to the question standing). Asked again, the earlier answer no longer counts.
     */
    @Serdeable
    public record Referral(UUID id, UUID woundId, UUID patientId, String clinicId, String clinicName, String referringOrganisationId,
                           String question, String referredBy, Instant referredAt, Instant answerDue, String status, String clock,
                           @Nullable Instant closedAt, @Nullable String closeReason, List<Assessment> assessments) {
    }

    @Serdeable
    public record Assessment(long id, String specialist, Instant assessedAt, String assessment, @Nullable String classification,
                             String treatmentPlan, @Nullable LocalDate nextPhotoDue) {
    }

    /** The wound with its timeline: measurements oldest first (the area curve), photos newest first, referrals newest first. */
    @Serdeable
    public record Record(Wound wound, List<Measurement> measurements, List<Photo> photos, List<Referral> referrals) {
    }

    /** A consent given (and perhaps withdrawn). */
    @Serdeable
    public record Consent(long id, String scope, Instant givenAt, String how, String recordedBy, Instant recordedAt,
                          @Nullable Instant withdrawnAt, @Nullable String withdrawnBy, @Nullable String note) {
    }

    /** The consent in force (null: none) and every consent given, newest first. */
    @Serdeable
    public record Consents(@Nullable Consent inForce, List<Consent> history) {
    }

    /** A hospital organisation with wound specialists: where a wound can be referred. */
    @Serdeable
    public record Clinic(String id, String name) {
    }
}
