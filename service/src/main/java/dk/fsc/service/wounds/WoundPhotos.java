package dk.fsc.service.wounds;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.gateway.contract.ImageFormat;
import dk.fsc.gateway.contract.PhotoDecoder;
import dk.fsc.gateway.contract.PhotoMessage;
import dk.fsc.gateway.contract.RejectedMessage;
import dk.fsc.gateway.photos.PhotoProcessor;
import dk.fsc.gateway.storage.PhotoRows;
import dk.fsc.gateway.storage.ReadingRows;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.wounds.WoundViews.Wound;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * A photo a member of staff took of a wound and uploads (the API's multipart route and the nurses'
 * console form): checked and cleaned exactly as a device's photo (the file's own first bytes say
 * what it is, metadata such as GPS is removed, a thumbnail made) and stored the same way, as
 * device {@value ReadingRows#STAFF_DEVICE} with who took it, in the caller's transaction.
 */
@Singleton
public class WoundPhotos {
    private final Database db;
    private final BlobStore blobs;
    private final PhotoProcessor processor = new PhotoProcessor();

    WoundPhotos(Database db, BlobStore blobs) {
        this.db = db;
        this.blobs = blobs;
    }

    /** What was uploaded with the file: when it was taken (now when absent), the sizes measured on it and a note. */
    public record Upload(byte[] file, @Nullable Instant takenAt, @Nullable Double lengthCm, @Nullable Double widthCm,
                         @Nullable Double depthCm, @Nullable Double areaCm2, @Nullable String note) {
    }

    /** What is wrong with a file before it is opened: nothing in it, too large, or none of the formats a photo comes in. */
    public enum FileProblem { EMPTY, TOO_LARGE, NOT_A_PHOTO }

    public static Optional<FileProblem> fileProblem(byte[] file) {
        if (file.length == 0) {
            return Optional.of(FileProblem.EMPTY);
        }
        if (file.length > PhotoDecoder.MAX_IMAGE_BYTES) {
            return Optional.of(FileProblem.TOO_LARGE);
        }
        return format(file).isEmpty() ? Optional.of(FileProblem.NOT_A_PHOTO) : Optional.empty();
    }

    /** The format the file's own first bytes say (never the name or the type the browser guessed). */
    private static Optional<ImageFormat> format(byte[] file) {
        return Arrays.stream(ImageFormat.values()).filter(f -> f.matches(file)).findFirst();
    }

    /** Stores the photo with the wound; its id. Refused (400, 413) with what to change when the file or a field will not do. */
    public UUID add(Wound wound, Upload upload, String takenBy) {
        byte[] file = upload.file();
        Optional<FileProblem> problem = fileProblem(file);
        if (problem.isPresent()) {
            throw switch (problem.get()) {
                case EMPTY -> Refusal.invalid("The file is empty: choose the photo to upload.");
                case TOO_LARGE -> Refusal.tooLarge("The photo is " + file.length + " bytes; at most " + PhotoDecoder.MAX_IMAGE_BYTES
                        + " (10 MiB) are taken, as from a device.");
                case NOT_A_PHOTO -> Refusal.invalid("The file is not a photo we take; send one of " + ImageFormat.accepted());
            };
        }
        ImageFormat format = format(file).orElseThrow();
        Instant takenAt = upload.takenAt() == null ? Instant.now() : upload.takenAt();
        if (takenAt.isAfter(Instant.now().plusSeconds(300))) {
            throw Refusal.invalid("takenAt " + takenAt + " is in the future");
        }
        check("lengthCm", upload.lengthCm());
        check("widthCm", upload.widthCm());
        check("depthCm", upload.depthCm());
        check("areaCm2", upload.areaCm2());
        if (upload.note() != null && upload.note().length() > 2000) {
            throw Refusal.invalid("note must be at most 2000 characters");
        }
        PhotoMessage photo = new PhotoMessage("staff-" + UUID.randomUUID(), takenAt, wound.key(), wound.woundType(), wound.bodySite(),
                upload.lengthCm(), upload.widthCm(), upload.depthCm(), upload.areaCm2(), upload.note(), format, file);
        PhotoProcessor.Processed cleaned;
        try {
            cleaned = processor.process(format, file);
        } catch (RejectedMessage e) {
            throw Refusal.invalid("The photo cannot be used: " + e.detail());
        }
        Sql sql = db.sql();
        sql.update(PhotoRows.INSERT, PhotoRows.parameters(ReadingRows.STAFF_DEVICE, wound.patientId(), photo, cleaned, takenBy, sql::array));
        sql.one(PhotoRows.LOCK_FILE_TO_WRITE, rs -> 1, BlobStore.sha256(cleaned.image()));
        if (cleaned.thumbnail() != null) {
            sql.one(PhotoRows.LOCK_FILE_TO_WRITE, rs -> 1, BlobStore.sha256(cleaned.thumbnail()));
        }
        try {
            blobs.put(cleaned.image());
            if (cleaned.thumbnail() != null) {
                blobs.put(cleaned.thumbnail());
            }
        } catch (IOException e) {
            throw Refusal.unavailable("The photo store is not reachable (" + e.getMessage() + "); nothing was saved, try again.");
        }
        return sql.one("SELECT id FROM photos WHERE device_id = ? AND message_id = ?", rs -> rs.getObject(1, UUID.class),
                ReadingRows.STAFF_DEVICE, photo.messageId()).orElseThrow();
    }

    private static void check(String field, @Nullable Double value) {
        double max = PhotoDecoder.SIZE_LIMITS.get(field);
        if (value != null && (value < 0 || value > max || value.isNaN())) {
            throw Refusal.invalid(field + " must be between 0 and " + (long) max);
        }
    }
}
