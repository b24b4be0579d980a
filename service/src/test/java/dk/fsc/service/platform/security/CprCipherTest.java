package dk.fsc.service.platform.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CprCipherTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private final CprCipher cipher = new CprCipher(KEY);

    @Test
    void encryptsSoTheNumberIsNotInTheStoredBytesAndDecryptsBack() {
        byte[] sealed = cipher.encrypt("0101401111");
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("0101401111"));
        assertEquals("0101401111", cipher.decrypt(sealed));
        assertFalse(java.util.Arrays.equals(sealed, cipher.encrypt("0101401111")), "a fresh nonce every time");
    }

    @Test
    void theLookupHashIsStableAndKeyed() {
        assertArrayEquals(cipher.lookupHash("0101401111"), cipher.lookupHash("0101401111"));
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        assertFalse(java.util.Arrays.equals(cipher.lookupHash("0101401111"),
                new CprCipher(Base64.getEncoder().encodeToString(otherKey)).lookupHash("0101401111")));
    }

    @Test
    void validatesTheFormat() {
        assertTrue(CprCipher.isValid("0101401111"));
        assertFalse(CprCipher.isValid("3213401111"));
        assertFalse(CprCipher.isValid("010140-111"));
        assertFalse(CprCipher.isValid(null));
    }

    @Test
    void refusesAShortKey() {
        assertThrows(IllegalArgumentException.class, () -> new CprCipher(Base64.getEncoder().encodeToString(new byte[16])));
    }
}
