package dk.fsc.gateway.photos;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Pictures for tests, with identifying metadata planted the way cameras and phones write it: an
 * EXIF block with a GPS position in JPEG, an eXIf chunk and text in PNG, a comment and XMP in GIF.
 * The marker text {@value #SECRET} must not survive processing.
 */
public final class TestImages {
    public static final String SECRET = "GPS 56.1572N 10.2107E Jens Jensen";

    private TestImages() {
    }

    public static BufferedImage picture(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(200, 120, 110));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(120, 30, 40));
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        return image;
    }

    public static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IOException("no writer for " + format);
        }
        return out.toByteArray();
    }

    /** A JPEG with an APP1 EXIF segment (carrying the secret as GPS text) and a comment, right after SOI. */
    public static byte[] jpegWithExif(int width, int height) throws IOException {
        byte[] plain = encode(picture(width, height), "jpeg");
        byte[] exif = ("Exif\0\0MM\0*" + SECRET).getBytes(StandardCharsets.ISO_8859_1);
        byte[] comment = ("comment " + SECRET).getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, 2);
        segment(out, 0xE1, exif);
        segment(out, 0xFE, comment);
        out.write(plain, 2, plain.length - 2);
        return out.toByteArray();
    }

    /**
     * A JPEG as a phone writes one when held sideways: an EXIF block (little-endian, like most
     * phones) with an image description holding the secret and orientation 6 (turn 90° clockwise).
     */
    public static byte[] jpegTakenSideways(int width, int height) throws IOException {
        byte[] plain = encode(picture(width, height), "jpeg");
        byte[] secret = (SECRET + "\0").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 24 + 4 + secret.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        tiff.putShort((short) 2);
        tiff.putShort((short) 0x010E).putShort((short) 2).putInt(secret.length).putInt(8 + 2 + 24 + 4); // ImageDescription
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) 6).putShort((short) 0); // Orientation
        tiff.putInt(0);
        tiff.put(secret);
        ByteArrayOutputStream exif = new ByteArrayOutputStream();
        exif.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        exif.writeBytes(tiff.array());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, 2);
        segment(out, 0xE1, exif.toByteArray());
        out.write(plain, 2, plain.length - 2);
        return out.toByteArray();
    }

    /** A PNG with eXIf and tEXt chunks holding the secret, before the image data. */
    public static byte[] pngWithMetadata(int width, int height) throws IOException {
        byte[] plain = encode(picture(width, height), "png");
        int afterHeader = 8 + 8 + 13 + 4; // signature + IHDR
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, afterHeader);
        chunk(out, "eXIf", ("MM\0*" + SECRET).getBytes(StandardCharsets.ISO_8859_1));
        chunk(out, "tEXt", ("Author\0" + SECRET).getBytes(StandardCharsets.ISO_8859_1));
        out.write(plain, afterHeader, plain.length - afterHeader);
        return out.toByteArray();
    }

    /** A GIF with a comment extension and an XMP application extension holding the secret. */
    public static byte[] gifWithMetadata(int width, int height) throws IOException {
        byte[] plain = encode(picture(width, height), "gif");
        int afterHeader = 13;
        if ((plain[10] & 0x80) != 0) {
            afterHeader += 3 * (1 << ((plain[10] & 0x07) + 1));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, afterHeader);
        out.write(0x21);
        out.write(0xFE);
        subBlocks(out, SECRET.getBytes(StandardCharsets.ISO_8859_1));
        out.write(0x21);
        out.write(0xFF);
        out.write(11);
        out.write("XMP DataXMP".getBytes(StandardCharsets.ISO_8859_1));
        subBlocks(out, SECRET.getBytes(StandardCharsets.ISO_8859_1));
        out.write(plain, afterHeader, plain.length - afterHeader);
        return out.toByteArray();
    }

    public static boolean contains(byte[] data, String text) {
        return new String(data, StandardCharsets.ISO_8859_1).contains(text);
    }

    private static void segment(ByteArrayOutputStream out, int marker, byte[] body) {
        out.write(0xFF);
        out.write(marker);
        int length = body.length + 2;
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.write(body, 0, body.length);
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static void subBlocks(ByteArrayOutputStream out, byte[] data) {
        for (int i = 0; i < data.length; i += 255) {
            int n = Math.min(255, data.length - i);
            out.write(n);
            out.write(data, i, n);
        }
        out.write(0);
    }
}
