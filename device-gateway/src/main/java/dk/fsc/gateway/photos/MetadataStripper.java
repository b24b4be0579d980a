package dk.fsc.gateway.photos;

import dk.fsc.gateway.contract.ImageFormat;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.TreeSet;

/**
 * Removes metadata that can identify a person or a place (EXIF with its GPS block, XMP, IPTC,
 * comments, text chunks) from JPEG, PNG and GIF files without re-encoding the picture. TIFF keeps
 * its metadata in the same directories as the picture and is re-written by {@link PhotoProcessor}
 * instead. Throws {@link IllegalArgumentException} for a file whose structure is broken.
 */
final class MetadataStripper {

    /**
     * The stripped bytes, the names of what was removed (for the photo's record), and the EXIF
     * orientation (1-8; 1 is upright), which is kept because it is how the picture is meant to
     * be shown.
     */
    record Result(byte[] bytes, Set<String> removed, int orientation) {
        Result(byte[] bytes, Set<String> removed) {
            this(bytes, removed, 1);
        }
    }

    private MetadataStripper() {
    }

    static Result strip(ImageFormat format, byte[] data) {
        return switch (format) {
            case JPEG -> jpeg(data);
            case PNG -> png(data);
            case GIF -> gif(data);
            default -> new Result(data, Set.of());
        };
    }

    /**
     * JPEG: keeps JFIF (APP0), the ICC colour profile (APP2 "ICC_PROFILE") and Adobe's colour
     * transform (APP14); drops every other APPn segment (EXIF and GPS are APP1) and comments.
     * From the start of scan on, the bytes are copied as they are. A photo taken sideways gets a
     * new EXIF segment holding the orientation and nothing else, so it still shows upright.
     */
    private static Result jpeg(byte[] d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(d.length);
        Set<String> removed = new TreeSet<>();
        int orientation = 1;
        int i = 2;
        while (true) {
            require(i + 4 <= d.length && (d[i] & 0xFF) == 0xFF, "JPEG segment marker expected at byte " + i);
            int marker = d[i + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                i++;
                continue;
            }
            if (marker == 0xDA) { // start of scan: the rest is picture data
                out.write(d, i, d.length - i);
                return new Result(withOrientation(out.toByteArray(), orientation), removed, orientation);
            }
            int length = ((d[i + 2] & 0xFF) << 8) | (d[i + 3] & 0xFF);
            require(length >= 2 && i + 2 + length <= d.length, "JPEG segment runs past the end of the file");
            boolean keep = true;
            if (marker == 0xE1 && startsWith(d, i + 4, "Exif\0\0")) {
                orientation = exifOrientation(d, i + 10, length - 8);
            }
            if (marker >= 0xE1 && marker <= 0xEF) {
                keep = marker == 0xEE || (marker == 0xE2 && startsWith(d, i + 4, "ICC_PROFILE"));
                if (!keep) {
                    removed.add(jpegSegmentName(d, i + 4, marker));
                }
            } else if (marker == 0xFE) {
                keep = false;
                removed.add("comment");
            }
            if (keep) {
                out.write(d, i, 2 + length);
            }
            i += 2 + length;
        }
    }

    /** SOI, then (for a turned picture) an EXIF segment with only the orientation, then the rest. */
    private static byte[] withOrientation(byte[] segmentsAndScan, int orientation) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(segmentsAndScan.length + 40);
        out.write(0xFF);
        out.write(0xD8);
        if (orientation != 1) {
            // "Exif\0\0", big-endian TIFF header, IFD0 at 8 with one entry: 0x0112 SHORT 1 = orientation.
            byte[] exif = {'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1,
                    0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, 0, 0, 0, 0};
            out.write(0xFF);
            out.write(0xE1);
            out.write(0);
            out.write(exif.length + 2);
            out.write(exif, 0, exif.length);
        }
        out.write(segmentsAndScan, 0, segmentsAndScan.length);
        return out.toByteArray();
    }

    /** The orientation tag of an EXIF block (TIFF structure at {@code tiff}), or 1 when absent or unreadable. */
    static int exifOrientation(byte[] d, int tiff, int length) {
        int end = Math.min(d.length, tiff + length);
        if (length < 8 || end - tiff < 8) {
            return 1;
        }
        boolean little;
        if (d[tiff] == 'I' && d[tiff + 1] == 'I') {
            little = true;
        } else if (d[tiff] == 'M' && d[tiff + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        long first = u16(d, tiff + 4, little);
        long second = u16(d, tiff + 6, little);
        long ifd = little ? second << 16 | first : first << 16 | second; // offset of IFD0, 32 bits
        if (ifd < 8 || tiff + ifd + 2 > end) {
            return 1;
        }
        int entries = u16(d, (int) (tiff + ifd), little);
        for (int k = 0; k < entries; k++) {
            int e = (int) (tiff + ifd + 2 + 12L * k);
            if (e + 12 > end) {
                return 1;
            }
            if (u16(d, e, little) == 0x0112 && u16(d, e + 2, little) == 3) {
                int value = u16(d, e + 8, little);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] d, int at, boolean little) {
        int a = d[at] & 0xFF;
        int b = d[at + 1] & 0xFF;
        return little ? b << 8 | a : a << 8 | b;
    }

    private static String jpegSegmentName(byte[] d, int at, int marker) {
        if (startsWith(d, at, "Exif")) {
            return "EXIF";
        }
        if (startsWith(d, at, "http://ns.adobe.com/xap")) {
            return "XMP";
        }
        if (startsWith(d, at, "Photoshop")) {
            return "IPTC";
        }
        return "APP" + (marker - 0xE0);
    }

    private static final Set<String> PNG_KEEP = Set.of("IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB",
            "iCCP", "sBIT", "pHYs", "bKGD", "acTL", "fcTL", "fdAT");

    /** PNG: keeps the picture and colour chunks; drops eXIf, text (tEXt, zTXt, iTXt, which carry XMP), tIME and others. */
    private static Result png(byte[] d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(d.length);
        Set<String> removed = new TreeSet<>();
        out.write(d, 0, 8);
        int i = 8;
        while (i < d.length) {
            require(i + 12 <= d.length, "PNG chunk header runs past the end of the file");
            long length = ByteBuffer.wrap(d, i, 4).getInt() & 0xFFFFFFFFL;
            require(length <= d.length - i - 12, "PNG chunk runs past the end of the file");
            String type = new String(d, i + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
            int total = (int) length + 12;
            if (PNG_KEEP.contains(type)) {
                out.write(d, i, total);
            } else {
                removed.add(type.equals("eXIf") ? "EXIF" : type);
            }
            i += total;
            if (type.equals("IEND")) {
                break;
            }
        }
        return new Result(out.toByteArray(), removed);
    }

    /** GIF: drops comment and application extensions (XMP lives in one) but keeps the NETSCAPE loop count. */
    private static Result gif(byte[] d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(d.length);
        Set<String> removed = new TreeSet<>();
        require(d.length >= 13, "GIF header is cut short");
        int i = 13;
        if ((d[10] & 0x80) != 0) {
            i += 3 * (1 << ((d[10] & 0x07) + 1)); // global colour table
        }
        require(i <= d.length, "GIF colour table runs past the end of the file");
        out.write(d, 0, i);
        while (i < d.length) {
            int block = d[i] & 0xFF;
            if (block == 0x3B) { // trailer
                out.write(0x3B);
                return new Result(out.toByteArray(), removed);
            }
            int start = i;
            if (block == 0x21) {
                require(i + 2 < d.length, "GIF extension is cut short");
                int label = d[i + 1] & 0xFF;
                i = skipSubBlocks(d, i + 2);
                boolean keep = true;
                if (label == 0xFE) {
                    keep = false;
                    removed.add("comment");
                } else if (label == 0xFF) {
                    keep = startsWith(d, start + 3, "NETSCAPE2.0");
                    if (!keep) {
                        removed.add(startsWith(d, start + 3, "XMP Data") ? "XMP" : "application extension");
                    }
                }
                if (keep) {
                    out.write(d, start, i - start);
                }
            } else if (block == 0x2C) { // image descriptor, optional local colour table, LZW data
                require(i + 10 < d.length, "GIF image descriptor is cut short");
                int packed = d[i + 9] & 0xFF;
                i += 10;
                if ((packed & 0x80) != 0) {
                    i += 3 * (1 << ((packed & 0x07) + 1));
                }
                i = skipSubBlocks(d, i + 1); // +1: LZW minimum code size
                out.write(d, start, i - start);
            } else {
                throw new IllegalArgumentException("unknown GIF block 0x" + Integer.toHexString(block) + " at byte " + i);
            }
        }
        throw new IllegalArgumentException("GIF has no trailer");
    }

    private static int skipSubBlocks(byte[] d, int i) {
        while (true) {
            require(i < d.length, "GIF data block runs past the end of the file");
            int size = d[i] & 0xFF;
            i += 1 + size;
            if (size == 0) {
                return i;
            }
        }
    }

    private static boolean startsWith(byte[] d, int at, String ascii) {
        byte[] prefix = ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return at + prefix.length <= d.length && java.util.Arrays.equals(d, at, at + prefix.length, prefix, 0, prefix.length);
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }
}
