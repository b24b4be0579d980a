package dk.fsc.gateway.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** What makes two messages with one id the same reading: what they say, not how the JSON is spelled. */
class ReadingContentTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private final ReadingDecoder decoder = new ReadingDecoder(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5), Duration.ofDays(30));

    @Test
    void otherValuesUnderTheSameIdAreOtherContent() {
        assertNotEquals(content(spo2("95", "%")), content(spo2("70", "%")));
    }

    @Test
    void theSameValuesSpelledOtherwiseAreTheSameContent() {
        assertEquals(content(spo2("95", "%")), content(spo2("0.95", "1")));
        assertEquals(content("{\"messageId\":\"m\",\"measuredAt\":\"2026-11-22T12:30:00+01:00\",\"observations\":["
                        + "{\"type\":\"spo2\",\"value\":95,\"unit\":\"%\"}]}"),
                content("{ \"observations\": [{\"unit\": \"%\", \"value\": 95.0, \"type\": \"spo2\"}], \"measuredAt\": \"2026-11-22T11:30:00Z\","
                        + " \"messageId\": \"m\" }"));
    }

    private static String spo2(String value, String unit) {
        return "{\"messageId\":\"m\",\"measuredAt\":\"2026-11-22T11:30:00Z\",\"observations\":[{\"type\":\"spo2\",\"value\":" + value
                + ",\"unit\":\"" + unit + "\"}]}";
    }

    private String content(String json) {
        return ((Decoded.Valid) decoder.decode(json.getBytes(StandardCharsets.UTF_8)).get(0)).reading().content();
    }
}
