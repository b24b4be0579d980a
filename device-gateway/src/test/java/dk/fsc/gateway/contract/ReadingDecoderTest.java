package dk.fsc.gateway.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ReadingDecoderTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private final ReadingDecoder decoder = new ReadingDecoder(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5), Duration.ofDays(30));

    @Test
    void decodesTheExamplePayloadOfTheContract() {
        Reading reading = valid("""
                {"messageId": "5b0f1a9e-2f7c-4d0a-9d8e-6a1f0c2b9e11",
                 "measuredAt": "2026-11-22T07:30:00+01:00",
                 "observations": [{"type": "spo2", "value": 94, "unit": "%"},
                                  {"type": "pulse", "value": 88, "unit": "/min"}]}""");

        assertEquals("5b0f1a9e-2f7c-4d0a-9d8e-6a1f0c2b9e11", reading.messageId());
        assertEquals(Instant.parse("2026-11-22T06:30:00Z"), reading.measuredAt());
        assertEquals(ObservationType.SPO2, reading.observations().get(0).type());
        assertEquals(94.0, reading.observations().get(0).value());
        assertEquals(88.0, reading.observations().get(1).value());
    }

    @ParameterizedTest(name = "{0} {1} {2} is stored as {3}")
    @CsvSource({
            "spo2, 0.97, 1, 97",
            "spo2, 97, %, 97",
            "temperature, 98.6, [degF], 37",
            "weight, 154, [lb_av], 69.8532",
            "systolic_bp, 16, kPa, 120.0099",
            "fev1, 2150, mL, 2.15",
            "consciousness, 0, {score}, 0",
    })
    void convertsToTheStoredUnit(String type, double value, String unit, double stored) {
        Reading reading = valid(one(type, value, unit));
        assertEquals(stored, reading.observations().get(0).value(), 1e-3);
    }

    @ParameterizedTest(name = "{0} {1} {2} is {3}")
    @CsvSource({
            "spo2, 101, %, IMPLAUSIBLE_VALUE",
            "spo2, 0.5, %, IMPLAUSIBLE_VALUE",
            "spo2, 1, %, IMPLAUSIBLE_VALUE",
            "spo2, 95, 1, IMPLAUSIBLE_VALUE",
            "pulse, 0, /min, IMPLAUSIBLE_VALUE",
            "consciousness, 1.5, {score}, IMPLAUSIBLE_VALUE",
            "consciousness, 4, {score}, IMPLAUSIBLE_VALUE",
            "pulse, 80, bananas, UNKNOWN_UNIT",
            "glucose, 5, mmol/L, UNKNOWN_TYPE",
    })
    void rejectsWhatIsNotPlausibleOrNotKnown(String type, double value, String unit, RejectionCode code) {
        assertEquals(code, rejection(one(type, value, unit)));
    }

    @Test
    void rejectsReadingsTooFarInTheFutureOrTooOld() {
        assertEquals(RejectionCode.MEASURED_IN_FUTURE, rejection(at("2026-11-22T12:06:00Z")));
        assertInstanceOf(Decoded.Valid.class, decode(at("2026-11-22T12:04:00Z")).get(0));
        assertEquals(RejectionCode.MEASURED_TOO_LONG_AGO, rejection(at("2026-10-22T11:59:00Z")));
    }

    @Test
    void rejectsMissingFieldsWithAReadableDetail() {
        Decoded.Invalid invalid = (Decoded.Invalid) decode("{\"messageId\":\"a\",\"observations\":[]}").get(0);
        assertEquals(RejectionCode.INVALID_PAYLOAD, invalid.reason().code());
        assertTrue(invalid.reason().detail().contains("measuredAt"), invalid.reason().detail());
        assertEquals("a", invalid.messageId());
    }

    @Test
    void rejectsATemperatureSiteOnOtherTypes() {
        String json = "{\"messageId\":\"s\",\"measuredAt\":\"2026-11-22T11:00:00Z\",\"observations\":["
                + "{\"type\":\"pulse\",\"value\":70,\"unit\":\"/min\",\"site\":\"oral\"}]}";
        assertEquals(RejectionCode.INVALID_PAYLOAD, rejection(json));
    }

    @Test
    void keepsTheTemperatureSite() {
        String json = "{\"messageId\":\"t\",\"measuredAt\":\"2026-11-22T11:00:00Z\",\"observations\":["
                + "{\"type\":\"temperature\",\"value\":37.2,\"unit\":\"Cel\",\"site\":\"axillary\"}]}";
        assertEquals("axillary", valid(json).observations().get(0).site());
    }

    @Test
    void decodesEachObjectOfABacklogArrayOnItsOwn() {
        List<Decoded> items = decode("[" + at("2026-11-22T11:00:00Z") + ", {\"messageId\": \"bad\"}]");
        assertEquals(2, items.size());
        assertInstanceOf(Decoded.Valid.class, items.get(0));
        assertEquals("bad", items.get(1).messageId());
        assertInstanceOf(Decoded.Invalid.class, items.get(1));
    }

    @Test
    void refusesDuplicateKeysAndTrailingGarbage() {
        assertEquals(RejectionCode.MALFORMED_JSON, rejection("{\"messageId\":\"a\",\"messageId\":\"b\"}"));
        assertEquals(RejectionCode.MALFORMED_JSON, rejection(at("2026-11-22T11:00:00Z") + " trailing"));
    }

    @Test
    void takesAnSpo2InPercentAsItIsNeverAsAFraction() {
        Decoded.Invalid invalid = (Decoded.Invalid) decode(one("spo2", 0.5, "%")).get(0);
        assertEquals("observations[0]: spo2 0.5 % is not physically plausible (accepted 30 to 100 %)", invalid.reason().detail());
    }

    @Test
    void callsANumberTooLargeForUsOutOfRangeInItsOwnWords() {
        String json = "{\"messageId\":\"m\",\"measuredAt\":\"2026-11-22T11:00:00Z\",\"observations\":["
                + "{\"type\":\"pulse\",\"value\":1e400,\"unit\":\"/min\"}]}";
        Decoded.Invalid invalid = (Decoded.Invalid) decode(json).get(0);
        assertEquals(RejectionCode.IMPLAUSIBLE_VALUE, invalid.reason().code());
        assertEquals("observations[0].value is out of range", invalid.reason().detail());
    }

    @Test
    void saysWhereJsonBreaksWithoutTheParsersWords() {
        Decoded.Invalid nan = (Decoded.Invalid) decode("{\"messageId\":\"m\",\"value\":NaN}").get(0);
        assertEquals(RejectionCode.MALFORMED_JSON, nan.reason().code());
        assertEquals("not valid JSON (line 1, column 29)", nan.reason().detail());
        Decoded.Invalid duplicate = (Decoded.Invalid) decode("{\"messageId\":\"a\",\"messageId\":\"b\"}").get(0);
        assertEquals("not valid JSON (line 1, column 29)", duplicate.reason().detail());
    }

    @Test
    void tellsAMissingAWrongAndAnEmptyFieldApart() {
        String base = "{\"messageId\":\"m\",\"measuredAt\":\"2026-11-22T11:00:00Z\",\"observations\":[{\"type\":\"pulse\",\"value\":70";
        assertEquals("observations[0].unit is required", detail(base + "}]}"));
        assertEquals("observations[0].unit must be a string", detail(base + ",\"unit\":5}]}"));
        assertEquals("observations[0].unit is empty", detail(base + ",\"unit\":\"\"}]}"));
        assertEquals("observations[0].value must be a number", detail(base.replace("70", "\"70\"") + ",\"unit\":\"/min\"}]}"));
    }

    @Test
    void aMessageIdThatIsNotSafeIsNotEchoed() {
        Decoded.Invalid invalid = (Decoded.Invalid) decode("{\"messageId\":\"a/b\\u0000\"}").get(0);
        assertNull(invalid.messageId());
    }

    private static String one(String type, double value, String unit) {
        return "{\"messageId\":\"m\",\"measuredAt\":\"2026-11-22T11:00:00Z\",\"observations\":[{\"type\":\"" + type
                + "\",\"value\":" + value + ",\"unit\":\"" + unit + "\"}]}";
    }

    private static String at(String measuredAt) {
        return "{\"messageId\":\"m\",\"measuredAt\":\"" + measuredAt + "\",\"observations\":[{\"type\":\"pulse\",\"value\":70,\"unit\":\"/min\"}]}";
    }

    private List<Decoded> decode(String json) {
        return decoder.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private Reading valid(String json) {
        Decoded d = decode(json).get(0);
        if (d instanceof Decoded.Invalid invalid) {
            throw new AssertionError(invalid.reason().code() + ": " + invalid.reason().detail());
        }
        return ((Decoded.Valid) d).reading();
    }

    private String detail(String json) {
        Decoded d = decode(json).get(0);
        assertInstanceOf(Decoded.Invalid.class, d, "expected a rejection for " + json);
        return ((Decoded.Invalid) d).reason().detail();
    }

    private RejectionCode rejection(String json) {
        Decoded d = decode(json).get(0);
        assertInstanceOf(Decoded.Invalid.class, d, "expected a rejection for " + json);
        return ((Decoded.Invalid) d).reason().code();
    }
}
