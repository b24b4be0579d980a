package dk.fsc.service.console.nurse;

import dk.fsc.service.platform.web.Downloads;
import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.Pages;
import dk.fsc.service.patients.Patient;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.photos.PhotoFile;
import dk.fsc.service.photos.PhotoStore;
import dk.fsc.service.photos.PhotoView;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A patient's wound photos: a timeline per wound (thumbnails opening the full picture), and two
 * photos side by side. The files are served here from the same store with the same access-log
 * lines as the API's {@code /api/photos/{id}/image} and {@code /thumbnail}.
 */
@Controller(value = "/patients/{patientId}/photos", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
@ExecuteOn(TaskExecutors.BLOCKING)
class PhotosPageController {
    private final Pages pages;
    private final PatientAccess access;
    private final PhotoStore photos;
    private final AccessLog accessLog;
    private final BlobStore blobs;

    PhotosPageController(Pages pages, PatientAccess access, PhotoStore photos, AccessLog accessLog, BlobStore blobs) {
        this.pages = pages;
        this.access = access;
        this.photos = photos;
        this.accessLog = accessLog;
        this.blobs = blobs;
    }

    /** One wound's photos, oldest first (a timeline reads forward). */
    public record Wound(String woundId, String woundType, String bodySite, List<PhotoView> photos) {
        public PhotoView first() {
            return photos.get(0);
        }

        public PhotoView last() {
            return photos.get(photos.size() - 1);
        }
    }

    @Get
    @Transactional
    HttpResponse<String> timeline(HttpRequest<?> request, @PathVariable UUID patientId, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        List<PhotoStore.Stored> found = photos.forPatient(patientId);
        accessLog.record(user, patientId, "list photos", "care", found.size() + " photo(s)");
        Map<String, List<PhotoView>> byWound = new LinkedHashMap<>();
        found.stream().map(PhotoStore.Stored::view).sorted(Comparator.comparing(PhotoView::takenAt))
                .forEach(p -> byWound.computeIfAbsent(p.woundId(), w -> new ArrayList<>()).add(p));
        List<Wound> wounds = new ArrayList<>();
        byWound.forEach((id, list) -> wounds.add(new Wound(id, list.get(list.size() - 1).woundType(), list.get(list.size() - 1).bodySite(), list)));
        Map<String, Object> model = new HashMap<>();
        model.put("patient", patient);
        model.put("wounds", wounds);
        return pages.page(request, "nurse/photos", model);
    }

    /** Two photos side by side (chosen with a plain form: works without scripts). */
    @Get("/compare{?left,right}")
    @Transactional
    HttpResponse<String> compare(HttpRequest<?> request, @PathVariable UUID patientId, @Nullable @QueryValue UUID left,
                                 @Nullable @QueryValue UUID right, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Patient patient = access.requireCareAccess(user, patientId);
        if (left == null || right == null) {
            throw Refusal.invalid("Choose two photos to compare.");
        }
        PhotoView l = ofPatient(patientId, left).view();
        PhotoView r = ofPatient(patientId, right).view();
        accessLog.record(user, patientId, "read photo record", "care", left.toString());
        accessLog.record(user, patientId, "read photo record", "care", right.toString());
        Map<String, Object> model = new HashMap<>();
        model.put("patient", patient);
        // The older one on the left, so the change reads left to right whatever order they were picked in.
        boolean swap = r.takenAt().isBefore(l.takenAt());
        model.put("pair", swap ? List.of(r, l) : List.of(l, r));
        return pages.page(request, "nurse/photos-compare", model);
    }

    @Get(value = "/{photoId}/image", produces = MediaType.ALL)
    @Transactional
    HttpResponse<byte[]> image(@PathVariable UUID patientId, @PathVariable UUID photoId, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        access.requireCareAccess(user, patientId);
        PhotoStore.Stored photo = ofPatient(patientId, photoId);
        accessLog.record(user, patientId, "view photo", "care", photoId.toString());
        PhotoFile file = photo.read(blobs, false);
        return Downloads.inline(file.bytes(), file.contentType(), file.headers());
    }

    @Get(value = "/{photoId}/thumbnail", produces = MediaType.IMAGE_JPEG)
    @Transactional
    HttpResponse<byte[]> thumbnail(@PathVariable UUID patientId, @PathVariable UUID photoId, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        access.requireCareAccess(user, patientId);
        PhotoStore.Stored photo = ofPatient(patientId, photoId);
        PhotoFile file = photo.read(blobs, true);
        accessLog.record(user, patientId, "view photo thumbnail", "care", photoId.toString());
        return Downloads.inline(file.bytes(), file.contentType(), file.headers());
    }

    /** The photo, when it is this patient's; any other is "not found" like another organisation's. */
    private PhotoStore.Stored ofPatient(UUID patientId, UUID photoId) {
        return photos.find(photoId).filter(p -> p.view().patientId().equals(patientId))
                .orElseThrow(() -> Refusal.notFound("No photo " + photoId + " of this citizen."));
    }
}
