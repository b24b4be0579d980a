package dk.fsc.service.photos;

import dk.fsc.service.platform.web.Downloads;
import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.photos.PhotoStore.Stored;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import java.util.List;
import java.util.UUID;

/**
 * Wound photos for nurses and clinicians of the patient's organisation: the list, one record, the
 * file and its thumbnail. Staff of other organisations get "not found", as for any citizen's data.
 * Every call is written to the access log; files are checked against their SHA-256 on the way out.
 */
@Controller("/api")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class PhotosController {
    private final PhotoStore photos;
    private final PatientAccess access;
    private final AccessLog accessLog;
    private final BlobStore blobs;

    PhotosController(PhotoStore photos, PatientAccess access, AccessLog accessLog, BlobStore blobs) {
        this.photos = photos;
        this.access = access;
        this.accessLog = accessLog;
        this.blobs = blobs;
    }

    @Get("/patients/{patientId}/photos")
    @Transactional
    List<PhotoView> list(@PathVariable UUID patientId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        List<Stored> found = photos.forPatient(patientId);
        accessLog.record(user, patientId, "list photos", "care", found.size() + " photo(s)");
        return found.stream().map(Stored::view).toList();
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
        PhotoFile file = photo.read(blobs, false);
        return Downloads.inline(file.bytes(), file.contentType(), file.headers());
    }

    @Get("/photos/{photoId}/thumbnail")
    @Transactional
    HttpResponse<byte[]> thumbnail(@PathVariable UUID photoId, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        Stored photo = find(user, photoId);
        PhotoFile file = photo.read(blobs, true);
        accessLog.record(user, photo.view().patientId(), "view photo thumbnail", "care", photoId.toString());
        return Downloads.inline(file.bytes(), file.contentType(), file.headers());
    }

    private Stored find(StaffUser user, UUID photoId) {
        Stored photo = photos.find(photoId).orElseThrow(() -> notFound(photoId));
        try {
            access.requireCareAccess(user, photo.view().patientId());
        } catch (Refusal e) {
            throw notFound(photoId);
        }
        return photo;
    }

    private static Refusal notFound(UUID photoId) {
        return Refusal.notFound("No photo " + photoId + " among your organisation's citizens.");
    }
}
