package dk.fsc.service.wounds;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.service.photos.PhotoFile;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.time.DanishTime;
import dk.fsc.service.wounds.WoundViews.Measurement;
import dk.fsc.service.wounds.WoundViews.Photo;
import dk.fsc.service.wounds.WoundViews.Referral;
import dk.fsc.service.wounds.WoundViews.Wound;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Wounds, their measurements and photos, in the caller's transaction. A photo belongs to a wound
 * by the patient and the wound's key (the id a device sends with it); the measurements are those
 * sent with the photos and those a nurse entered.
 */
@Singleton
public class WoundStore {
    /** The wound types (the device contract's, docs/mqtt.md). */
    public static final String TYPES = "venous_leg_ulcer|diabetic_foot_ulcer|pressure_ulcer|other";
    private static final String SELECT = """
            SELECT w.*, pt.organisation_id AS patient_organisation, p.last_photo_at, p.photos,
                   (SELECT a.next_photo_due FROM wound_assessments a JOIN wound_referrals r ON r.id = a.referral_id
                     WHERE r.wound_id = w.id ORDER BY a.assessed_at DESC LIMIT 1) AS assessed_due
              FROM wounds w
              JOIN patients pt ON pt.id = w.patient_id
              LEFT JOIN LATERAL (SELECT max(taken_at) AS last_photo_at, count(*) AS photos FROM photos
                                  WHERE patient_id = w.patient_id AND wound_id = w.wound_key) p ON true
            """;
    private final Database db;
    private final ReferralStore referrals;

    WoundStore(Database db, ReferralStore referrals) {
        this.db = db;
        this.referrals = referrals;
    }

    /** Who a wound belongs to: what the access checks need. */
    public record Owner(UUID woundId, UUID patientId, String organisationId, String key) {
    }

    Optional<Owner> owner(UUID woundId) {
        return db.sql().one("""
                SELECT w.id, w.patient_id, p.organisation_id, w.wound_key FROM wounds w JOIN patients p ON p.id = w.patient_id
                 WHERE w.id = ?""", rs -> new Owner(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                rs.getString(4)), woundId);
    }

    /** The patient's wounds: open and healing first, then healed; each with its referral not closed. */
    public List<Wound> forPatient(UUID patientId) {
        return withReferrals(db.sql().list(SELECT + " WHERE w.patient_id = ? ORDER BY w.status = 'healed', w.created_at, w.wound_key",
                WoundStore::wound, patientId));
    }

    public Wound one(UUID woundId) {
        return withReferrals(db.sql().one(SELECT + " WHERE w.id = ?", WoundStore::wound, woundId).stream().toList()).stream().findFirst()
                .orElseThrow(() -> Refusal.notFound("No wound " + woundId));
    }

    /** The key of a wound registered by staff without one: its type and site ("venous_leg_ulcer-left-shin"), at most 64 characters. */
    public static String key(String type, String bodySite) {
        String key = (type + "-" + bodySite.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-")).replaceAll("-+$", "");
        return key.length() > 64 ? key.substring(0, 64) : key;
    }

    public Wound create(UUID patientId, String key, String type, String bodySite, @Nullable String side, @Nullable LocalDate onset,
                        @Nullable Integer followUpDays, String by) {
        if (db.sql().one("SELECT 1 FROM wounds WHERE patient_id = ? AND wound_key = ?", rs -> 1, patientId, key).isPresent()) {
            throw Refusal.conflict("The citizen already has a wound with the key " + key + "; change that one, or give another key");
        }
        UUID id = db.sql().one("""
                INSERT INTO wounds (patient_id, wound_key, wound_type, body_site, side, onset, follow_up_days, follow_up_since, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, CASE WHEN ?::int IS NULL THEN NULL ELSE now() END, ?) RETURNING id""",
                rs -> rs.getObject(1, UUID.class), patientId, key, type, bodySite, side, onset, followUpDays, followUpDays, by).orElseThrow();
        return one(id);
    }

    /** Sets what a nurse may change; a follow-up that starts now counts its first photo from now. */
    public Wound update(UUID woundId, String status, @Nullable String side, @Nullable LocalDate onset, @Nullable Integer followUpDays) {
        db.sql().update("""
                UPDATE wounds SET status = ?, side = ?, onset = ?,
                       follow_up_since = CASE WHEN ?::int IS NULL THEN NULL WHEN follow_up_days IS NULL THEN now() ELSE follow_up_since END,
                       follow_up_days = ?, updated_at = now()
                 WHERE id = ?""", status, side, onset, followUpDays, followUpDays, woundId);
        return one(woundId);
    }

    public void addMeasurement(UUID woundId, Instant at, @Nullable Double lengthCm, @Nullable Double widthCm, @Nullable Double depthCm,
                               @Nullable Double areaCm2, @Nullable String note, String by) {
        WoundArea.Area area = WoundArea.of(areaCm2, lengthCm, widthCm);
        db.sql().update("""
                INSERT INTO wound_measurements (wound_id, measured_at, length_cm, width_cm, depth_cm, area_cm2, area_method, note, entered_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", woundId, at, lengthCm, widthCm, depthCm, area.cm2(), area.method(), note, by);
    }

    /** As {@link #measurements(Owner)}, for a wound already read. */
    public List<Measurement> measurements(Wound wound) {
        return measurements(new Owner(wound.id(), wound.patientId(), null, wound.key()));
    }

    /** The measurements sent with the wound's photos and those entered by hand, oldest first: the area curve. */
    public List<Measurement> measurements(Owner wound) {
        List<Measurement> all = new ArrayList<>(db.sql().list("""
                SELECT id, taken_at, length_cm, width_cm, depth_cm, area_cm2, note FROM photos
                 WHERE patient_id = ? AND wound_id = ?
                   AND (length_cm IS NOT NULL OR width_cm IS NOT NULL OR depth_cm IS NOT NULL OR area_cm2 IS NOT NULL)""", rs -> {
                    WoundArea.Area area = WoundArea.of(Sql.nullableDouble(rs, "area_cm2"), Sql.nullableDouble(rs, "length_cm"),
                            Sql.nullableDouble(rs, "width_cm"));
                    return new Measurement(Sql.instant(rs, "taken_at"), Sql.nullableDouble(rs, "length_cm"), Sql.nullableDouble(rs, "width_cm"),
                            Sql.nullableDouble(rs, "depth_cm"), area.cm2(), area.method(), rs.getObject("id", UUID.class), "photo",
                            rs.getString("note"));
                }, wound.patientId(), wound.key()));
        all.addAll(db.sql().list("""
                SELECT measured_at, length_cm, width_cm, depth_cm, area_cm2, area_method, photo_id, note, entered_by
                  FROM wound_measurements WHERE wound_id = ?""",
                rs -> new Measurement(Sql.instant(rs, "measured_at"), Sql.nullableDouble(rs, "length_cm"), Sql.nullableDouble(rs, "width_cm"),
                        Sql.nullableDouble(rs, "depth_cm"), Sql.nullableDouble(rs, "area_cm2"), rs.getString("area_method"),
                        rs.getObject("photo_id", UUID.class), "staff " + rs.getString("entered_by"), rs.getString("note")), wound.woundId()));
        all.sort(Comparator.comparing(Measurement::at));
        return all;
    }

    /** The wound's photos, newest first, with their wound-scoped addresses. */
    public List<Photo> photos(Owner wound) {
        return db.sql().list("""
                SELECT id, taken_at, content_type, width_px, height_px, note, thumbnail_sha256 FROM photos
                 WHERE patient_id = ? AND wound_id = ? ORDER BY taken_at DESC, id""", rs -> {
                    UUID id = rs.getObject("id", UUID.class);
                    String base = "/api/wounds/" + wound.woundId() + "/photos/" + id;
                    return new Photo(id, Sql.instant(rs, "taken_at"), rs.getString("content_type"), (Integer) rs.getObject("width_px"),
                            (Integer) rs.getObject("height_px"), rs.getString("note"), base + "/image",
                            rs.getString("thumbnail_sha256") == null ? null : base + "/thumbnail");
                }, wound.patientId(), wound.key());
    }

    /** A photo's file: only one of this wound's photos. */
    public Optional<PhotoFileRef> photo(Owner wound, UUID photoId) {
        return db.sql().one("SELECT sha256, content_type, thumbnail_sha256 FROM photos WHERE id = ? AND patient_id = ? AND wound_id = ?",
                rs -> new PhotoFileRef(photoId, rs.getString(1), rs.getString(2), rs.getString(3)), photoId, wound.patientId(), wound.key());
    }

    /** Where a photo's file and thumbnail are in the blob store. */
    public record PhotoFileRef(UUID photoId, String sha256, String contentType, @Nullable String thumbnailSha256) {

        /** The file, or its thumbnail (a PDF has none: "not found"). */
        public PhotoFile read(BlobStore blobs, boolean thumbnail) {
            return PhotoFile.open(blobs, photoId, sha256, contentType, thumbnailSha256, thumbnail);
        }
    }

    /** Wounds under follow-up whose next photo is due before {@code now}, and not yet reminded for that due moment. */
    List<Due> photosDue(Instant now) {
        List<Due> candidates = db.sql().list(SELECT + " WHERE w.follow_up_days IS NOT NULL AND w.status <> 'healed'",
                rs -> new Due(wound(rs), rs.getString("patient_organisation"),
                        rs.getObject("photo_reminded_for") == null ? null : Sql.instant(rs, "photo_reminded_for")));
        return candidates.stream().filter(d -> d.wound().nextPhotoDue() != null && d.wound().nextPhotoDue().isBefore(now)
                && !d.wound().nextPhotoDue().equals(d.remindedFor())).toList();
    }

    record Due(Wound wound, String organisationId, @Nullable Instant remindedFor) {
    }

    /** Claims the reminder of a due moment: false when another run claimed it first. */
    boolean claimReminder(UUID woundId, Instant due) {
        return db.sql().update("""
                UPDATE wounds SET photo_reminded_for = ? WHERE id = ? AND photo_reminded_for IS DISTINCT FROM ?""", due, woundId, due) == 1;
    }

    /** A wound's row; its open referral is added by {@link #withReferrals} (photosDue needs none). */
    private static Wound wound(ResultSet rs) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        Integer followUpDays = (Integer) rs.getObject("follow_up_days");
        Instant lastPhoto = rs.getObject("last_photo_at") == null ? null : Sql.instant(rs, "last_photo_at");
        Instant since = rs.getObject("follow_up_since") == null ? null : Sql.instant(rs, "follow_up_since");
        LocalDate assessedDue = rs.getObject("assessed_due", LocalDate.class);
        String status = rs.getString("status");
        Instant next = nextPhotoDue(followUpDays, status, lastPhoto, since, assessedDue);
        return new Wound(id, rs.getObject("patient_id", UUID.class), rs.getString("wound_key"), rs.getString("wound_type"),
                rs.getString("body_site"), rs.getString("side"), rs.getObject("onset", LocalDate.class), status, followUpDays, next,
                lastPhoto, rs.getInt("photos"), null, rs.getString("created_by"), Sql.instant(rs, "created_at"));
    }

    /** The wounds with their referral not closed, read in one go. */
    private List<Wound> withReferrals(List<Wound> found) {
        Map<UUID, Referral> open = referrals.openOf(found.stream().map(Wound::id).toList());
        return found.stream().map(w -> !open.containsKey(w.id()) ? w : new Wound(w.id(), w.patientId(), w.key(), w.woundType(), w.bodySite(),
                w.side(), w.onset(), w.status(), w.followUpDays(), w.nextPhotoDue(), w.lastPhotoAt(), w.photos(), open.get(w.id()),
                w.createdBy(), w.createdAt())).toList();
    }

    /**
     * When the next photo is due under telemedical follow-up: {@code days} after the last photo (or
     * after the follow-up began, before any photo), or by the end of the date the newest assessment
     * set, whichever is later; none for a healed wound or one not followed up.
     */
    static Instant nextPhotoDue(@Nullable Integer days, String status, @Nullable Instant lastPhoto, @Nullable Instant since,
                                @Nullable LocalDate assessedDue) {
        if (days == null || status.equals("healed")) {
            return null;
        }
        Instant from = lastPhoto != null && (since == null || lastPhoto.isAfter(since)) ? lastPhoto : since;
        Instant byRhythm = from == null ? null : from.plus(Duration.ofDays(days));
        Instant byAssessment = assessedDue == null ? null : assessedDue.plusDays(1).atStartOfDay(DanishTime.ZONE).toInstant();
        if (byAssessment != null && (lastPhoto == null || byAssessment.isAfter(lastPhoto))
                && (byRhythm == null || byAssessment.isAfter(byRhythm))) {
            return byAssessment;
        }
        return byRhythm;
    }
}
