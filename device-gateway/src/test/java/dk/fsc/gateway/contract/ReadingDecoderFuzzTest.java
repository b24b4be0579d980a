package dk.fsc.gateway.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Throws random and mutated payloads at the decoder: it must answer every one with outcomes
 * (never an exception), every rejection must carry a printable detail, and every accepted value
 * must be plausible in its stored unit. Seeded, so a failure can be replayed.
 */
class ReadingDecoderFuzzTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final String SEED_PAYLOAD = """
            [{"messageId": "m-1", "measuredAt": "2026-11-22T11:30:00+01:00",
              "observations": [{"type": "spo2", "value": 0.94, "unit": "1"},
                               {"type": "temperature", "value": 37.5, "unit": "Cel", "site": "oral"},
                               {"type": "weight", "value": 180.5, "unit": "[lb_av]", "source": {"serial": "A1", "model": "S"}}]},
             {"messageId": "m-2", "measuredAt": "2026-11-22T10:00:00Z",
              "observations": [{"type": "systolic_bp", "value": 16.2, "unit": "kPa"},
                               {"type": "consciousness", "value": 0, "unit": "{score}"}]}]""";
    private static final String[] TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "null", "true", "-1e309", "1e400", "NaN",
            "\"type\"", "\"value\"", "\\u0000", "\"messageId\"", "0.0000001", "\uD800", "observations", "999999999999999999999"};

    /**
     * What Jackson says in its own messages (class names, switches, its phrasing) and what it makes
     * of 1e400; a device must never see it. (A detail may echo up to 40 characters the device sent.)
     */
    static final java.util.regex.Pattern LIBRARY_WORDS = java.util.regex.Pattern.compile(
            "Feature|jackson|Unexpected|Unrecognized|token|Infinity|\\[Source|not a number");

    private final ReadingDecoder decoder = new ReadingDecoder(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5), Duration.ofDays(30));

    @Test
    void theSeedPayloadIsValid() {
        List<Decoded> items = decoder.decode(SEED_PAYLOAD.getBytes(StandardCharsets.UTF_8));
        assertTrue(items.stream().allMatch(d -> d instanceof Decoded.Valid), items.toString());
    }

    @Test
    void survivesRandomBytes() {
        Random random = new Random(20261122);
        for (int i = 0; i < 2_000; i++) {
            byte[] payload = new byte[random.nextInt(600)];
            random.nextBytes(payload);
            check(payload);
        }
    }

    @Test
    void survivesMutationsOfAValidPayload() {
        Random random = new Random(1234);
        byte[] seed = SEED_PAYLOAD.getBytes(StandardCharsets.UTF_8);
        int accepted = 0;
        for (int i = 0; i < 5_000; i++) {
            accepted += check(mutate(seed, random));
        }
        assertTrue(accepted > 0, "some mutations should still be valid readings");
    }

    private int check(byte[] payload) {
        List<Decoded> outcomes = decoder.decode(payload);
        assertNotNull(outcomes);
        assertFalse(outcomes.isEmpty());
        int valid = 0;
        for (Decoded d : outcomes) {
            if (d instanceof Decoded.Invalid invalid) {
                String detail = invalid.reason().detail();
                assertFalse(detail.isBlank());
                assertFalse(detail.chars().anyMatch(Character::isISOControl), "control characters in: " + detail);
                assertFalse(LIBRARY_WORDS.matcher(detail).find(), "the parser's words in: " + detail);
            } else {
                valid++;
                for (Observation o : ((Decoded.Valid) d).reading().observations()) {
                    assertTrue(o.type().isPlausible(o.value()), o.toString());
                }
                assertEquals(Decoded.Valid.class, d.getClass());
            }
        }
        return valid;
    }

    private static byte[] mutate(byte[] seed, Random random) {
        String s = new String(seed, StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(s);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && b.length() > 0; e++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(4)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
                case 2 -> b.setCharAt(at, (char) random.nextInt(128));
                default -> {
                    int end = Math.min(b.length(), at + random.nextInt(20));
                    b.replace(at, end, TOKENS[random.nextInt(TOKENS.length)]);
                }
            }
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(10) == 0 && bytes.length > 0) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256); // invalid UTF-8 too
        }
        return bytes;
    }
}
