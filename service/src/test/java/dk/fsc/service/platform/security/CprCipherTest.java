package dk.fsc.service.platform.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CprCipherTest {
    private static final String KEY = key(0);
    private static final String NEW_KEY = key(7);
    private final CprCipher cipher = new CprCipher(KEY, "");

    private static String key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return Base64.getEncoder().encodeToString(k);
    }

    @Test
    void encryptsSoTheNumberIsNotInTheStoredBytesAndDecryptsBack() {
        byte[] sealed = cipher.encrypt("0101401111");
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("0101401111"));
        assertEquals("0101401111", cipher.decrypt(sealed));
        assertFalse(Arrays.equals(sealed, cipher.encrypt("0101401111")), "a fresh nonce every time");
    }

    @Test
    void theLookupHashIsStableAndKeyed() {
        assertArrayEquals(cipher.lookupHash("0101401111"), cipher.lookupHash("0101401111"));
        assertFalse(Arrays.equals(cipher.lookupHash("0101401111"), new CprCipher(NEW_KEY, "").lookupHash("0101401111")));
    }

    @Test
    void duringRotationOldValuesStillDecryptAndAreFoundByTheirOldHash() {
        byte[] old = cipher.encrypt("0101401111");
        CprCipher rotating = new CprCipher(NEW_KEY, KEY);
        assertTrue(rotating.rotating());
        assertEquals("0101401111", rotating.decrypt(old));
        assertArrayEquals(rotating.lookupHash("0101401111"), rotating.lookupHashes("0101401111").get(0), "current key first");
        assertArrayEquals(cipher.lookupHash("0101401111"), rotating.lookupHashes("0101401111").get(1));
        byte[] fresh = rotating.encrypt("0101401111");
        assertArrayEquals(rotating.currentPrefix(), Arrays.copyOf(fresh, 5));
        assertFalse(Arrays.equals(rotating.currentPrefix(), Arrays.copyOf(old, 5)));
        IllegalStateException lost = assertThrows(IllegalStateException.class, () -> new CprCipher(NEW_KEY, "").decrypt(old));
        assertFalse(lost.getMessage().contains("0101401111"));
    }

    @Test
    void readsTheFirstStoredFormWithoutKeyId() throws Exception {
        byte[] nonce = new byte[12];
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(KEY), "AES"), new GCMParameterSpec(128, nonce));
        byte[] sealed = aes.doFinal("0101401111".getBytes(StandardCharsets.US_ASCII));
        byte[] v1 = ByteBuffer.allocate(13 + sealed.length).put((byte) 1).put(nonce).put(sealed).array();
        assertEquals("0101401111", new CprCipher(NEW_KEY, KEY).decrypt(v1));
    }

    @Test
    void validatesTheFormat() {
        assertTrue(CprCipher.isValid("0101401111"));
        assertTrue(CprCipher.isValid("2902401111"));
        assertFalse(CprCipher.isValid("3002401111"));
        assertFalse(CprCipher.isValid("3213401111"));
        assertFalse(CprCipher.isValid("010140-111"));
        assertFalse(CprCipher.isValid(null));
        assertEquals("0101401111", CprCipher.normalise(" 010140-1111 "));
    }

    @Test
    void refusesAShortKey() {
        assertThrows(IllegalArgumentException.class, () -> new CprCipher(Base64.getEncoder().encodeToString(new byte[16]), ""));
        assertThrows(IllegalArgumentException.class, () -> new CprCipher(KEY, "not-base64!"));
    }
}
