package dk.fsc.service.photos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.gateway.photos.TestImages;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Wound photos from a device over MQTT to a nurse's screen: cleaned, stored, shown only to the right staff. */
@MicronautTest(transactional = false)
class PhotosIT extends IntegrationTest {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    MeterRegistry metrics;

    @Test
    void storesAPhotoWithoutItsMetadataAndShowsItOnlyToThePatientsOrganisation() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        byte[] original = TestImages.jpegWithExif(800, 600);
        String messageId = "photo-" + runId;

        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publish("fsc/v1/devices/" + device + "/photos", TestDevice.photo(messageId, "image/jpeg", original));
            assertReply(d, "\"status\":\"accepted\"");
            d.publish("fsc/v1/devices/" + device + "/photos", TestDevice.photo(messageId, "image/jpeg", original));
            assertReply(d, "\"status\":\"duplicate\"");
        }

        assertTrue(metrics.counter("fsc.gateway.photos.received", "status", "accepted").count() >= 1, "photos counted as photos");
        assertTrue(metrics.counter("fsc.gateway.photos.received", "status", "duplicate").count() >= 1);

        Api nurse = new Api(http, fixtures.nurse(org));
        List<Map<String, Object>> photos = nurse.getList("/api/patients/" + patient + "/photos");
        assertEquals(1, photos.size(), "stored once");
        Map<String, Object> record = photos.get(0);
        assertEquals("venous_leg_ulcer", record.get("woundType"));
        assertEquals(800, record.get("widthPx"));
        assertTrue(((List<?>) record.get("removedMetadata")).contains("EXIF"), record.toString());

        HttpResponse<byte[]> image = nurse.getBytes((String) record.get("imageUrl"));
        byte[] served = image.body();
        assertEquals("image/jpeg", image.getContentType().orElseThrow().toString());
        assertEquals(record.get("sha256"), BlobStore.sha256(served), "served bytes match their SHA-256");
        assertFalse(TestImages.contains(served, TestImages.SECRET), "the GPS/EXIF text was served");
        assertEquals(800, ImageIO.read(new ByteArrayInputStream(served)).getWidth());

        BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(nurse.getBytes((String) record.get("thumbnailUrl")).body()));
        assertEquals(320, thumbnail.getWidth());

        String photoId = (String) record.get("id");
        Api otherNurse = new Api(http, fixtures.nurse(fixtures.organisation()));
        assertEquals(404, otherNurse.statusOf(() -> otherNurse.getBytes("/api/photos/" + photoId + "/image")));
        assertEquals(404, otherNurse.statusOf(() -> otherNurse.get("/api/photos/" + photoId)));
        assertEquals(404, otherNurse.statusOf(() -> otherNurse.getList("/api/patients/" + patient + "/photos")));
        Api support = new Api(http, fixtures.staff(org, "fsc_support"));
        assertEquals(403, support.statusOf(() -> support.getBytes("/api/photos/" + photoId + "/image")));

        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'view photo'", patient));
        assertEquals(1, fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ? AND action = 'list photos'", patient));
    }

    @Test
    void refusesAnOversizePhotoAndKeepsItsFirst64KiBWithItsSize() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        byte[] big = new byte[10 * 1024 * 1024 + 100];
        System.arraycopy(TestImages.encode(TestImages.picture(10, 10), "png"), 0, big, 0, 60);
        byte[] payload = TestDevice.photo("big-" + runId, "image/png", big);

        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publish("fsc/v1/devices/" + device + "/photos", payload);
            String reply = assertReply(d, "\"code\":\"PHOTO_TOO_LARGE\"");
            assertTrue(reply.contains("\"messageId\":\"big-" + runId + "\""), reply);
        }
        assertEquals(64 * 1024, fixtures.count(
                "SELECT octet_length(payload) FROM quarantine WHERE device_id = ? AND code = 'PHOTO_TOO_LARGE'", device));
        assertEquals(payload.length, fixtures.count(
                "SELECT payload_size FROM quarantine WHERE device_id = ? AND code = 'PHOTO_TOO_LARGE' AND payload_truncated", device));
        assertEquals(0, fixtures.count("SELECT count(*) FROM photos WHERE device_id = ?", device));
    }

    @Test
    void refusesAPhotoTakenWhenTheDeviceWasNotOnLoan() throws Exception {
        String device = fixtures.device("ready");
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            d.publish("fsc/v1/devices/" + device + "/photos", TestDevice.photo("p-" + runId, "image/jpeg", TestImages.jpegWithExif(50, 50)));
            assertReply(d, "\"code\":\"DEVICE_NOT_ON_LOAN\"");
        }
    }

    private static String assertReply(TestDevice d, String expected) throws InterruptedException {
        String reply = d.nextReply(REPLY_TIMEOUT);
        assertNotNull(reply, "no reply");
        assertTrue(reply.contains(expected), "expected " + expected + " in " + reply);
        return reply;
    }

}
