package dk.fsc.service.platform.security;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts CPR numbers (AES-256-GCM, random nonce) and gives the keyed hash (HMAC-SHA256) used
 * to find a patient by CPR without decrypting. The key comes from {@code FSC_CPR_KEY}. A CPR
 * number is never logged and never leaves this class in an exception message.
 */
@Singleton
public class CprCipher {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec encryptionKey;
    private final SecretKeySpec hashKey;

    public CprCipher(@Value("${fsc.cpr-key}") String base64Key) {
        byte[] key = Base64.getDecoder().decode(base64Key);
        if (key.length != 32) {
            throw new IllegalArgumentException("fsc.cpr-key (FSC_CPR_KEY) must be 32 bytes, base64-encoded");
        }
        this.encryptionKey = new SecretKeySpec(key, "AES");
        this.hashKey = new SecretKeySpec(hmac(new SecretKeySpec(key, "HmacSHA256"), "fsc-cpr-lookup-v1"), "HmacSHA256");
    }

    /** Ten digits, the first six a valid date (DDMMYY); no modulus-11 check, it was dropped in 2007. */
    public static boolean isValid(String cpr) {
        if (cpr == null || !cpr.matches("\\d{10}")) {
            return false;
        }
        int day = Integer.parseInt(cpr.substring(0, 2));
        int month = Integer.parseInt(cpr.substring(2, 4));
        return month >= 1 && month <= 12 && day >= 1 && day <= 31;
    }

    public byte[] encrypt(String cpr) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(cpr.getBytes(StandardCharsets.US_ASCII));
            return ByteBuffer.allocate(1 + nonce.length + sealed.length).put((byte) 1).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("CPR encryption failed");
        }
    }

    public String decrypt(byte[] stored) {
        try {
            ByteBuffer in = ByteBuffer.wrap(stored);
            if (in.get() != 1) {
                throw new IllegalStateException("unknown CPR cipher version");
            }
            byte[] nonce = new byte[12];
            in.get(nonce);
            byte[] sealed = new byte[in.remaining()];
            in.get(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(128, nonce));
            return new String(cipher.doFinal(sealed), StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("CPR decryption failed (wrong FSC_CPR_KEY?)");
        }
    }

    public byte[] lookupHash(String cpr) {
        return hmac(hashKey, cpr);
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
