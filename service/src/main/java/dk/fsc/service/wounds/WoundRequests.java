package dk.fsc.service.wounds;

import dk.fsc.gateway.contract.PhotoDecoder;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.time.LocalDate;

/** Bodies of the wound endpoints. */
final class WoundRequests {
    private WoundRequests() {
    }

    /**
     * @param key          the id a camera sends with the wound's photos; made from the type and site when absent
     * @param followUpDays a new photo every so many days (14 by the agreement); absent: not followed up
     */
    @Serdeable
    record NewWound(@Nullable @Pattern(regexp = "[A-Za-z0-9._:-]{1,64}") String key, @NotNull @Pattern(regexp = WoundStore.TYPES) String woundType,
                    @NotBlank @Size(max = 100) String bodySite, @Nullable @Pattern(regexp = "left|right|midline") String side,
                    @Nullable LocalDate onset, @Nullable @Min(1) @Max(90) Integer followUpDays) {
    }

    @Serdeable
    record ChangeWound(@NotNull @Pattern(regexp = "open|healing|healed") String status, @Nullable @Pattern(regexp = "left|right|midline") String side,
                       @Nullable LocalDate onset, @Nullable @Min(1) @Max(90) Integer followUpDays) {
    }

    /** A measurement by hand: at least one size; an area not given is calculated from length and width. */
    @Serdeable
    record NewMeasurement(@Nullable Instant measuredAt, @Nullable @DecimalMin("0") @DecimalMax(PhotoDecoder.MAX_LENGTH_CM) Double lengthCm,
                          @Nullable @DecimalMin("0") @DecimalMax(PhotoDecoder.MAX_WIDTH_CM) Double widthCm,
                          @Nullable @DecimalMin("0") @DecimalMax(PhotoDecoder.MAX_DEPTH_CM) Double depthCm,
                          @Nullable @DecimalMin("0") @DecimalMax(PhotoDecoder.MAX_AREA_CM2) Double areaCm2, @Nullable @Size(max = 2000) String note) {
    }

    /** @param how {@code oral} or {@code written} */
    @Serdeable
    record GiveConsent(@Nullable Instant givenAt, @NotNull @Pattern(regexp = "oral|written") String how, @Nullable @Size(max = 1000) String note) {
    }

    @Serdeable
    record Refer(@NotBlank String clinicId, @NotBlank @Size(max = 4000) String question) {
    }

    @Serdeable
    record Assess(@NotBlank @Size(max = 8000) String assessment, @Nullable @Size(max = 200) String classification,
                  @NotBlank @Size(max = 8000) String treatmentPlan, @Nullable LocalDate nextPhotoDue) {
    }

    @Serdeable
    record AskAgain(@NotBlank @Size(max = 4000) String question) {
    }

    @Serdeable
    record Close(@NotBlank @Size(max = 1000) String reason) {
    }
}
