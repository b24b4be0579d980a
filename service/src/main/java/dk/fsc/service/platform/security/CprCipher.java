package dk.fsc.service.platform.security;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts CPR numbers (AES-256-GCM, random nonce) and gives the keyed hash (HMAC-SHA256) used
 * to find a patient by CPR without decrypting. The key comes from {@code FSC_CPR_KEY}; keys being
 * rotated out are in {@code FSC_CPR_PREVIOUS_KEYS} (comma-separated) until {@link CprRekeyJob} has
 * moved every row to the current key (docs/security.md, "Rotating the CPR key"). A CPR number is
 * never logged and never leaves this class in an exception message.
 *
 * <p>Stored form: version byte 2, the key's 4-byte id, 12-byte nonce, ciphertext with tag.
 * Version 1 (no key id) is still read, trying each key.
 */
@Singleton
public class CprCipher {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte VERSION = 2;
    private static final int KEY_ID_BYTES = 4;

    private record Key(SecretKeySpec encryption, SecretKeySpec hash, byte[] id) {
        static Key of(String base64, String variable) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(base64.strip());
            } catch (IllegalArgumentException e) {
                key = new byte[0];
            }
            if (key.length != 32) {
                throw new IllegalArgumentException(variable + " must hold keys of 32 bytes, base64-encoded");
            }
            SecretKeySpec derive = new SecretKeySpec(key, "HmacSHA256");
            return new Key(new SecretKeySpec(key, "AES"),
                    new SecretKeySpec(hmac(derive, "fsc-cpr-lookup-v1"), "HmacSHA256"),
                    Arrays.copyOf(hmac(derive, "fsc-cpr-key-id"), KEY_ID_BYTES));
        }
    }

    private final Key current;
    private final List<Key> all;

    public CprCipher(@Value("${fsc.cpr-key}") String base64Key, @Value("${fsc.cpr-previous-keys:}") String previousKeys) {
        this.current = Key.of(base64Key, "fsc.cpr-key (FSC_CPR_KEY)");
        List<Key> keys = new ArrayList<>(List.of(current));
        for (String k : previousKeys.split(",")) {
            if (!k.isBlank()) {
                keys.add(Key.of(k, "fsc.cpr-previous-keys (FSC_CPR_PREVIOUS_KEYS)"));
            }
        }
        this.all = List.copyOf(keys);
    }

    /** Ten digits, the first six a valid date (DDMMYY); no modulus-11 check, it was dropped in 2007. */
    public static boolean isValid(String cpr) {
        if (cpr == null || !cpr.matches("\\d{10}")) {
            return false;
        }
        int day = Integer.parseInt(cpr.substring(0, 2));
        int month = Integer.parseInt(cpr.substring(2, 4));
        return month >= 1 && month <= 12 && day >= 1 && day <= java.time.YearMonth.of(2000, month).lengthOfMonth();
    }

    /** The form people write ("010203-1234" or with a space) reduced to ten digits; anything else unchanged. */
    public static String normalise(String cpr) {
        return cpr == null ? null : cpr.strip().replaceFirst("^(\\d{6})[- ](\\d{4})$", "$1$2");
    }

    public byte[] encrypt(String cpr) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current.encryption(), new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(cpr.getBytes(StandardCharsets.US_ASCII));
            return ByteBuffer.allocate(1 + KEY_ID_BYTES + nonce.length + sealed.length)
                    .put(VERSION).put(current.id()).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("CPR encryption failed");
        }
    }

    public String decrypt(byte[] stored) {
        ByteBuffer in = ByteBuffer.wrap(stored);
        byte version = in.get();
        List<Key> candidates = all;
        if (version == VERSION) {
            byte[] id = new byte[KEY_ID_BYTES];
            in.get(id);
            candidates = all.stream().filter(k -> Arrays.equals(k.id(), id)).toList();
        } else if (version != 1) {
            throw new IllegalStateException("unknown CPR cipher version " + version);
        }
        byte[] nonce = new byte[12];
        in.get(nonce);
        byte[] sealed = new byte[in.remaining()];
        in.get(sealed);
        for (Key key : candidates) {
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, key.encryption(), new GCMParameterSpec(128, nonce));
                return new String(cipher.doFinal(sealed), StandardCharsets.US_ASCII);
            } catch (GeneralSecurityException e) {
                // not this key (GCM's tag does not match): try the next
            }
        }
        throw new IllegalStateException("CPR decryption failed: encrypted with a key that is neither FSC_CPR_KEY nor in FSC_CPR_PREVIOUS_KEYS");
    }

    /** The look-up hash under the current key: what is stored. */
    public byte[] lookupHash(String cpr) {
        return hmac(current.hash(), cpr);
    }

    /** The look-up hash under every configured key, current first: what to search for while keys rotate. */
    public List<byte[]> lookupHashes(String cpr) {
        return all.stream().map(k -> hmac(k.hash(), cpr)).toList();
    }

    /** The leading bytes (version and key id) of a value encrypted with the current key, for finding rows that are not. */
    public byte[] currentPrefix() {
        return ByteBuffer.allocate(1 + KEY_ID_BYTES).put(VERSION).put(current.id()).array();
    }

    public boolean rotating() {
        return all.size() > 1;
    }

    private static byte[] hmac(SecretKeySpec key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC failed");
        }
    }
}
