package dk.fsc.gateway.storage;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.gateway.contract.PhotoMessage;
import dk.fsc.gateway.photos.PhotoProcessor;
import io.micronaut.core.annotation.Nullable;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The one statement that stores a wound photo's record, for a device's photo (the gateway) and one
 * taken by staff and uploaded (the service, device {@value ReadingRows#STAFF_DEVICE}, message id
 * {@code staff-<uuid>}); the file and its thumbnail go to the blob store in the same transaction.
 * Idempotent on device and message id: a redelivery inserts nothing.
 */
public final class PhotoRows {
    public static final String INSERT = """
            INSERT INTO photos (device_id, message_id, patient_id, taken_at, wound_id, wound_type, body_site, length_cm,
                                width_cm, depth_cm, area_cm2, note, content_type, sha256, size_bytes, width_px, height_px,
                                thumbnail_sha256, removed_metadata, taken_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?::float8, ?::float8, ?::float8, ?::float8, ?, ?, ?, ?, ?::int, ?::int, ?, ?, ?)
            ON CONFLICT (device_id, message_id) DO NOTHING""";

    /**
     * Taken (shared, to the commit) by a writer before it puts a file whose row it inserted, and
     * (exclusive) by retention before it deletes a file no row names: retention then waits for the
     * writer's commit and sees its row, or the writer waits and writes the file again. Without it a
     * photo row could commit naming a file retention deleted a moment before (the same bytes sent
     * again while the old photo went). Writers never wait for each other (shared), and retention
     * holds one such lock at a time: no deadlock. Keyed by the file's SHA-256, in a key space
     * ({@link #FILE_LOCK_CLASS}, two-int keys) of its own.
     */
    public static final String LOCK_FILE_TO_WRITE = "SELECT pg_advisory_xact_lock_shared(" + PhotoRows.FILE_LOCK_CLASS + ", hashtext(?))";
    public static final String LOCK_FILE_TO_DELETE = "SELECT pg_advisory_xact_lock(" + PhotoRows.FILE_LOCK_CLASS + ", hashtext(?))";
    /** 'FSCB' (FSC blob): the first key of the photo files' locks. */
    public static final int FILE_LOCK_CLASS = 0x46534342;

    /** A photo naming a wound the patient has no record of makes one, from the photo's type and body site. */
    public static final String WOUND = """
            INSERT INTO wounds (patient_id, wound_key, wound_type, body_site, created_by) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (patient_id, wound_key) DO NOTHING""";

    private PhotoRows() {
    }

    /**
     * The parameters of {@link #INSERT}.
     *
     * @param takenBy the member of staff who took it; null for a device's photo
     */
    public static <E extends Exception> Object[] parameters(String deviceId, UUID patient, PhotoMessage photo,
                                                          PhotoProcessor.Processed cleaned, @Nullable String takenBy,
                                                          SqlArrays<E> arrays) throws E {
        return new Object[] {deviceId, photo.messageId(), patient, OffsetDateTime.ofInstant(photo.takenAt(), ZoneOffset.UTC),
                photo.woundId(), photo.woundType(), photo.bodySite(), photo.lengthCm(), photo.widthCm(), photo.depthCm(),
                photo.areaCm2(), photo.note(), photo.format().contentType(), BlobStore.sha256(cleaned.image()), cleaned.image().length,
                cleaned.width(), cleaned.height(), cleaned.thumbnail() == null ? null : BlobStore.sha256(cleaned.thumbnail()),
                arrays.of("text", cleaned.removedMetadata().toArray()), takenBy};
    }

    public static Object[] woundParameters(UUID patient, PhotoMessage photo, String createdBy) {
        return new Object[] {patient, photo.woundId(), photo.woundType(), photo.bodySite(), createdBy};
    }
}
