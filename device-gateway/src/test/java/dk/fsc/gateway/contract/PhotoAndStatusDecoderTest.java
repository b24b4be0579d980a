package dk.fsc.gateway.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhotoAndStatusDecoderTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16};
    private final PhotoDecoder photos = new PhotoDecoder(CLOCK, Duration.ofMinutes(5), Duration.ofDays(30));
    private final StatusDecoder status = new StatusDecoder(CLOCK, Duration.ofMinutes(5), Duration.ofDays(30));

    @Test
    void decodesAPhotoWithItsMetadata() {
        Decoded.Photo photo = assertInstanceOf(Decoded.Photo.class, photos.decode(photo("image/jpeg", JPEG, ", \"areaCm2\": 6.5")));
        assertEquals("p-1", photo.messageId());
        assertEquals(ImageFormat.JPEG, photo.photo().format());
        assertEquals(6.5, photo.photo().areaCm2());
        assertEquals("venous_leg_ulcer", photo.photo().woundType());
        assertEquals(JPEG.length, photo.photo().image().length);
    }

    @Test
    void refusesAPhotoOver10MiBWithItsOwnCode() {
        byte[] big = new byte[PhotoDecoder.MAX_IMAGE_BYTES + 1];
        System.arraycopy(JPEG, 0, big, 0, JPEG.length);
        assertEquals(RejectionCode.PHOTO_TOO_LARGE, code(photos.decode(photo("image/jpeg", big, ""))));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "image/webp, UNSUPPORTED_CONTENT_TYPE",
            "image/png, INVALID_IMAGE",
    })
    void refusesAWrongContentType(String contentType, RejectionCode expected) {
        assertEquals(expected, code(photos.decode(photo(contentType, JPEG, ""))));
    }

    @Test
    void refusesAnUnknownWoundTypeAndBadBase64() {
        String badType = new String(photo("image/jpeg", JPEG, ""), StandardCharsets.UTF_8).replace("venous_leg_ulcer", "scratch");
        assertEquals(RejectionCode.INVALID_PAYLOAD, code(photos.decode(badType.getBytes(StandardCharsets.UTF_8))));
        String badBase64 = new String(photo("image/jpeg", JPEG, ""), StandardCharsets.UTF_8).replace("\"image\": \"", "\"image\": \"%%");
        Decoded.Invalid invalid = assertInstanceOf(Decoded.Invalid.class, photos.decode(badBase64.getBytes(StandardCharsets.UTF_8)));
        assertEquals("p-1", invalid.messageId(), "the reply names the message");
    }

    @Test
    void saysAnEmptyImageIsEmpty() {
        Decoded.Invalid invalid = assertInstanceOf(Decoded.Invalid.class, photos.decode(photo("image/jpeg", new byte[0], "")));
        assertEquals(RejectionCode.INVALID_PAYLOAD, invalid.reason().code());
        assertEquals("image is empty", invalid.reason().detail());
    }

    @Test
    void callsABatteryLevelTooLargeForUsOutOfRange() {
        String json = "{\"messageId\": \"s-3\", \"reportedAt\": \"2026-11-22T11:00:00Z\", \"batteryPercent\": 1e400}";
        Decoded.Invalid invalid = assertInstanceOf(Decoded.Invalid.class, status.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals("batteryPercent is out of range", invalid.reason().detail());
    }

    /** PostgreSQL keeps no NUL in text or jsonb: refused here with where it is, not by the database. */
    @Test
    void refusesTheNulCharacterWhereverItIsWithItsPlace() {
        String json = "{\"messageId\": \"s-4\", \"reportedAt\": \"2026-11-22T11:00:00Z\", \"firmware\": \"2.4\\u0000\"}";
        Decoded.Invalid invalid = assertInstanceOf(Decoded.Invalid.class, status.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(RejectionCode.INVALID_PAYLOAD, invalid.reason().code());
        assertEquals("firmware holds the NUL character (\\u0000), which cannot be stored", invalid.reason().detail());
        assertEquals("s-4", invalid.messageId(), "the reply names the message");

        ReadingDecoder readings = new ReadingDecoder(CLOCK, Duration.ofMinutes(5), Duration.ofDays(30));
        List<Decoded> backlog = readings.decode(("[{\"messageId\": \"r-1\", \"measuredAt\": \"2026-11-22T11:00:00Z\","
                + " \"observations\": [{\"type\": \"pulse\", \"value\": 70, \"unit\": \"/min\"}]},"
                + " {\"messageId\": \"r-2\", \"measuredAt\": \"2026-11-22T11:00:00Z\", \"extra\": {\"x\": [\"a\\u0000\"]},"
                + " \"observations\": [{\"type\": \"pulse\", \"value\": 71, \"unit\": \"/min\"}]}]").getBytes(StandardCharsets.UTF_8));
        assertInstanceOf(Decoded.Valid.class, backlog.get(0), "the other reading of a backlog is kept");
        Decoded.Invalid second = assertInstanceOf(Decoded.Invalid.class, backlog.get(1));
        assertEquals("r-2", second.messageId());
        assertEquals("extra.x[0] holds the NUL character (\\u0000), which cannot be stored", second.reason().detail());
    }

    @Test
    void decodesAStatusReport() {
        Decoded.Status report = assertInstanceOf(Decoded.Status.class, status.decode(("""
                {"messageId": "s-1", "reportedAt": "2026-11-22T12:59:00+01:00", "batteryPercent": 14, "firmware": "2.4.1",
                 "signalDbm": -71, "faults": ["E12_SENSOR", "E12_SENSOR", "LOW_MEMORY"]}""").getBytes(StandardCharsets.UTF_8)));
        assertEquals(14, report.status().batteryPercent());
        assertEquals(-71, report.status().signalDbm());
        assertEquals(List.of("E12_SENSOR", "LOW_MEMORY"), report.status().faults());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "\"batteryPercent\": 140 | IMPLAUSIBLE_VALUE",
            "\"signalDbm\": 20 | IMPLAUSIBLE_VALUE",
            "\"faults\": \"E1\" | INVALID_PAYLOAD",
            "\"faults\": [\"bad code with spaces\"] | INVALID_PAYLOAD",
            "\"firmware\": 7 | INVALID_PAYLOAD",
    })
    void refusesABadStatusField(String field, RejectionCode expected) {
        String json = "{\"messageId\": \"s-2\", \"reportedAt\": \"2026-11-22T11:00:00Z\", " + field + "}";
        assertEquals(expected, code(status.decode(json.getBytes(StandardCharsets.UTF_8))));
    }

    /** Mutated photo and status payloads: an answer for every one, never an exception. */
    @Test
    void survivesMutatedPayloads() {
        Random random = new Random(42);
        byte[][] seeds = {photo("image/jpeg", JPEG, ""), ("{\"messageId\": \"s-1\", \"reportedAt\": \"2026-11-22T11:00:00Z\","
                + " \"batteryPercent\": 50, \"faults\": [\"E1\"]}").getBytes(StandardCharsets.UTF_8)};
        for (int i = 0; i < 3_000; i++) {
            byte[] seed = seeds[i % 2];
            byte[] mutated = seed.clone();
            for (int m = 0; m < 1 + random.nextInt(4); m++) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            Decoded d = i % 2 == 0 ? photos.decode(mutated) : status.decode(mutated);
            assertNotNull(d);
            if (d instanceof Decoded.Invalid invalid) {
                assertTrue(invalid.reason().detail().chars().noneMatch(Character::isISOControl), invalid.reason().detail());
                assertFalse(ReadingDecoderFuzzTest.LIBRARY_WORDS.matcher(invalid.reason().detail()).find(), invalid.reason().detail());
            }
        }
    }

    private static byte[] photo(String contentType, byte[] image, String extra) {
        return ("{\"messageId\": \"p-1\", \"takenAt\": \"2026-11-22T11:50:00Z\", \"woundId\": \"w-1\","
                + " \"woundType\": \"venous_leg_ulcer\", \"bodySite\": \"left lower leg\", \"contentType\": \"" + contentType + "\","
                + " \"image\": \"" + Base64.getEncoder().encodeToString(image) + "\"" + extra + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static RejectionCode code(Decoded d) {
        return assertInstanceOf(Decoded.Invalid.class, d).reason().code();
    }
}
