package dk.fsc.gateway.contract;

import java.util.Arrays;
import java.util.Optional;

/** The image formats a photo may come in, each recognised by its first bytes. */
public enum ImageFormat {
    JPEG("image/jpeg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}),
    PNG("image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}),
    TIFF("image/tiff", new byte[] {'I', 'I', 42, 0}, new byte[] {'M', 'M', 0, 42}),
    GIF("image/gif", "GIF87a".getBytes(), "GIF89a".getBytes()),
    PDF("application/pdf", "%PDF-".getBytes());

    private final String contentType;
    private final byte[][] signatures;

    ImageFormat(String contentType, byte[]... signatures) {
        this.contentType = contentType;
        this.signatures = signatures;
    }

    public String contentType() {
        return contentType;
    }

    public static Optional<ImageFormat> ofContentType(String contentType) {
        return Arrays.stream(values()).filter(f -> f.contentType.equalsIgnoreCase(contentType)).findFirst();
    }

    /** Whether the bytes begin like this format. */
    public boolean matches(byte[] data) {
        for (byte[] signature : signatures) {
            if (data.length >= signature.length && Arrays.equals(data, 0, signature.length, signature, 0, signature.length)) {
                return true;
            }
        }
        return false;
    }

    public static String accepted() {
        return Arrays.stream(values()).map(ImageFormat::contentType).toList().toString();
    }
}
