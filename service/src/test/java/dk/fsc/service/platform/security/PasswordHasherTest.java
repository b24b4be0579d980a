package dk.fsc.service.platform.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    @Test
    void matchesOnlyTheRightPasswordAndSaltsEachHash() {
        String hash = PasswordHasher.hash("dev-nurse-aarhus");
        assertTrue(PasswordHasher.matches("dev-nurse-aarhus", hash));
        assertFalse(PasswordHasher.matches("dev-nurse-aarhuS", hash));
        assertNotEquals(hash, PasswordHasher.hash("dev-nurse-aarhus"));
        assertFalse(hash.contains("dev-nurse-aarhus"));
    }

    @Test
    void aMalformedStoredHashNeverMatches() {
        assertFalse(PasswordHasher.matches("x", "plain-text"));
        assertFalse(PasswordHasher.matches("x", null));
    }
}
