package dk.fsc.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.GatewayConfig;
import dk.fsc.gateway.contract.Decoded;
import dk.fsc.gateway.contract.DeviceTopic;
import dk.fsc.gateway.contract.RejectionCode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Checks 1 to 4 of the chain, which need no database: rate, topic, payload (decoding and plausibility). */
class MessageChainTest {
    private static final String READINGS = "fsc/v1/devices/DEV-1/readings";

    @Test
    void aValidReadingIsDecodedForItsDevice() {
        Parsed parsed = MessageChain.live(new GatewayConfig()).check(message(READINGS, reading("m-1", 94)));
        assertNull(parsed.refused());
        assertEquals("DEV-1", parsed.deviceId());
        assertEquals(DeviceTopic.Kind.readings, parsed.kind());
        Decoded.Valid valid = assertInstanceOf(Decoded.Valid.class, parsed.items().get(0));
        assertEquals("m-1", valid.reading().messageId());
        assertEquals(94.0, valid.reading().observations().get(0).value());
    }

    @Test
    void aTopicThatIsNotADeviceTopicIsRefusedWholeKeepingTheDeviceIdForTheReply() {
        Parsed parsed = MessageChain.live(new GatewayConfig()).check(message("fsc/v1/devices/DEV-1/nonsense", reading("m-1", 94)));
        assertEquals(RejectionCode.BAD_TOPIC, parsed.refused().code());
        assertEquals("DEV-1", parsed.deviceId());
        assertTrue(parsed.items().isEmpty());
    }

    @Test
    void anImplausibleValueRejectsTheObjectNotTheMessage() {
        Parsed parsed = MessageChain.live(new GatewayConfig()).check(message(READINGS, reading("m-1", 101)));
        assertNull(parsed.refused());
        Decoded.Invalid invalid = assertInstanceOf(Decoded.Invalid.class, parsed.items().get(0));
        assertEquals(RejectionCode.IMPLAUSIBLE_VALUE, invalid.reason().code());
        assertEquals("m-1", invalid.messageId());
    }

    @Test
    void aPayloadThatIsNotJsonIsRejected() {
        Parsed parsed = MessageChain.live(new GatewayConfig()).check(message(READINGS, "not json"));
        Decoded.Invalid invalid = assertInstanceOf(Decoded.Invalid.class, parsed.items().get(0));
        assertTrue(invalid.reason().code() != null, invalid.reason().detail());
    }

    @Test
    void theRateIsCheckedFirstBeforeAnyParsing() {
        GatewayConfig config = new GatewayConfig();
        config.setDeviceRate(0.001);
        config.setDeviceBurst(1);
        MessageChain chain = MessageChain.live(config);
        assertNull(chain.check(message(READINGS, reading("m-1", 94))).refused());
        Parsed second = chain.check(message("fsc/v1/devices/DEV-1/nonsense", "not json"));
        assertEquals(RejectionCode.RATE_LIMITED, second.refused().code(), "over its rate, even a bad topic is refused for its rate");
        assertEquals("DEV-1", second.deviceId());
        assertTrue(second.refused().detail().startsWith("more than 0.001 messages per second from this device; this one is kept in "
                + "quarantine. Wait "), second.refused().detail());
        assertNull(chain.check(message("fsc/v1/devices/DEV-2/readings", reading("m-1", 94))).refused(), "another device has its own rate");
    }

    @Test
    void aReplayHasNoRateLimitAndTheClockOfItsFirstArrival() {
        GatewayConfig config = new GatewayConfig();
        config.setDeviceRate(0.001);
        config.setDeviceBurst(1);
        Instant firstArrived = Instant.now().minusSeconds(40L * 24 * 3600); // beyond the backlog window from now
        MessageChain chain = MessageChain.replay(Clock.fixed(firstArrived, java.time.ZoneOffset.UTC), config);
        String old = "{\"messageId\":\"m-1\",\"measuredAt\":\"" + firstArrived.minusSeconds(60)
                + "\",\"observations\":[{\"type\":\"spo2\",\"value\":94,\"unit\":\"%\"}]}";
        for (int i = 0; i < 3; i++) {
            Parsed parsed = chain.check(message(READINGS, old));
            assertNull(parsed.refused());
            assertInstanceOf(Decoded.Valid.class, parsed.items().get(0), "measured a minute before it first arrived");
        }
    }

    static Incoming message(String topic, String payload) {
        return new Incoming(topic, payload.getBytes(StandardCharsets.UTF_8), 1, 1, 0, System.nanoTime());
    }

    static String reading(String messageId, double spo2) {
        return "{\"messageId\":\"" + messageId + "\",\"measuredAt\":\"" + Instant.now().minusSeconds(60)
                + "\",\"observations\":[{\"type\":\"spo2\",\"value\":" + spo2 + ",\"unit\":\"%\"}]}";
    }
}
