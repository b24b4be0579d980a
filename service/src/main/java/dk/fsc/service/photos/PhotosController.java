package dk.fsc.service.photos;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wound photos for nurses and clinicians of the patient's organisation: the list, one record, the
 * file and its thumbnail. Staff of other organisations get "not found", as for any citizen's data.
 * Every call is written to the access log; files are checked against their SHA-256 on the way out.
 */
@Controller("/api")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class PhotosController {
    private static final Logger LOG = LoggerFactory.getLogger(PhotosController.class);
    private static final String COLUMNS = """
            id, patient_id, device_id, taken_at, wound_id, wound_type, body_site, length_cm, width_cm, depth_cm, area_cm2,
            note, content_type, sha256, size_bytes, width_px, height_px, thumbnail_sha256, removed_metadata, received_at""";

    private final DataSource dataSource;
    private final PatientAccess access;
    private final AccessLog accessLog;
    private final BlobStore blobs;

    PhotosController(DataSource dataSource, PatientAccess access, AccessLog accessLog, BlobStore blobs) {
        this.dataSource = dataSource;
        this.access = access;
        this.accessLog = accessLog;
        this.blobs = blobs;
    }

    @Get("/patients/{patientId}/photos")
    @Transactional
    List<PhotoView> list(@PathVariable UUID patientId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        List<Stored> photos = sql().list("SELECT " + COLUMNS + " FROM photos WHERE patient_id = ? ORDER BY taken_at DESC, id",
                PhotosController::stored, patientId);
        accessLog.record(user, patientId, "list photos", "care", photos.size() + " photo(s)");
        return photos.stream().map(Stored::view).toList();
    }

    @Get("/photos/{photoId}")
    @Transactional
    PhotoView one(@PathVariable UUID photoId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        Stored photo = find(user, photoId);
        accessLog.record(user, photo.view().patientId(), "read photo record", "care", photoId.toString());
        return photo.view();
    }

    @Get("/photos/{photoId}/image")
    @Transactional
    HttpResponse<byte[]> image(@PathVariable UUID photoId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        Stored photo = find(user, photoId);
        accessLog.record(user, photo.view().patientId(), "view photo", "care", photoId.toString());
        return file(photo.view().sha256(), photo.view().contentType(), photoId);
    }

    @Get("/photos/{photoId}/thumbnail")
    @Transactional
    HttpResponse<byte[]> thumbnail(@PathVariable UUID photoId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        Stored photo = find(user, photoId);
        if (photo.thumbnailSha256() == null) {
            throw Refusal.notFound("Photo " + photoId + " (" + photo.view().contentType() + ") has no thumbnail; only pictures have one.");
        }
        accessLog.record(user, photo.view().patientId(), "view photo thumbnail", "care", photoId.toString());
        return file(photo.thumbnailSha256(), MediaType.IMAGE_JPEG, photoId);
    }

    private Stored find(StaffUser user, UUID photoId) {
        Stored photo = sql().one("SELECT " + COLUMNS + " FROM photos WHERE id = ?", PhotosController::stored, photoId)
                .orElseThrow(() -> notFound(photoId));
        try {
            access.requireCareAccess(user, photo.view().patientId());
        } catch (Refusal e) {
            throw notFound(photoId);
        }
        return photo;
    }

    private HttpResponse<byte[]> file(String sha256, String contentType, UUID photoId) {
        byte[] bytes;
        try {
            bytes = blobs.get(sha256);
        } catch (IOException e) {
            LOG.error("Photo {}: file {} cannot be served: {}", photoId, sha256, e.getMessage());
            throw new IllegalStateException("photo file " + sha256 + " unavailable");
        }
        return HttpResponse.ok(bytes)
                .contentType(contentType)
                .header("Cache-Control", "private, no-store")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Disposition", "inline; filename=\"photo-" + photoId + "\"")
                .header("Digest", "sha-256=" + java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(sha256)));
    }

    private static Refusal notFound(UUID photoId) {
        return Refusal.notFound("No photo " + photoId + " among your organisation's citizens.");
    }

    private Sql sql() {
        try {
            Connection c = dataSource.getConnection();
            return Sql.on(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Stored(PhotoView view, String thumbnailSha256) {
    }

    private static Stored stored(ResultSet rs) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        String thumbnail = rs.getString("thumbnail_sha256");
        Array removed = rs.getArray("removed_metadata");
        PhotoView view = new PhotoView(id, rs.getObject("patient_id", UUID.class), rs.getString("device_id"),
                Sql.instant(rs, "taken_at"), rs.getString("wound_id"), rs.getString("wound_type"), rs.getString("body_site"),
                Sql.nullableDouble(rs, "length_cm"), Sql.nullableDouble(rs, "width_cm"), Sql.nullableDouble(rs, "depth_cm"),
                Sql.nullableDouble(rs, "area_cm2"), rs.getString("note"), rs.getString("content_type"), rs.getString("sha256"),
                rs.getInt("size_bytes"), (Integer) rs.getObject("width_px"), (Integer) rs.getObject("height_px"),
                Arrays.asList((String[]) removed.getArray()), Sql.instant(rs, "received_at"),
                "/api/photos/" + id + "/image", thumbnail == null ? null : "/api/photos/" + id + "/thumbnail");
        return new Stored(view, thumbnail);
    }
}
