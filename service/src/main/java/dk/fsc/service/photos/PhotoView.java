package dk.fsc.service.photos;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A wound photo's record; the file is at {@code imageUrl}, the thumbnail (none for PDF) at
 * {@code thumbnailUrl}.
 *
 * @param deviceId        the camera's id, or {@code staff} for a photo a member of staff uploaded
 * @param removedMetadata what was stripped from the file before it was stored (EXIF, XMP, ...)
 * @param takenBy         the member of staff who uploaded it; null for a device's photo
 */
@Serdeable
@Introspected
public record PhotoView(UUID id, UUID patientId, String deviceId, Instant takenAt, String woundId, String woundType,
                        String bodySite, @Nullable Double lengthCm, @Nullable Double widthCm, @Nullable Double depthCm,
                        @Nullable Double areaCm2, @Nullable String note, String contentType, String sha256, int sizeBytes,
                        @Nullable Integer widthPx, @Nullable Integer heightPx, List<String> removedMetadata,
                        Instant receivedAt, String imageUrl, @Nullable String thumbnailUrl, @Nullable String takenBy) {
}
