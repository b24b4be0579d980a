package dk.fsc.gateway.photos;

import dk.fsc.gateway.contract.ImageFormat;
import dk.fsc.gateway.contract.RejectedMessage;
import dk.fsc.gateway.contract.RejectionCode;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Makes a received wound photo fit to store: removes identifying metadata (EXIF, GPS, XMP, IPTC,
 * comments), checks that the picture can be read and is not a decompression bomb, and makes a
 * JPEG thumbnail. PDF documents are kept as they are, without a thumbnail.
 */
public final class PhotoProcessor {

    public static final int THUMBNAIL_EDGE = 320;
    /** Largest picture accepted, in pixels (a 12000 x 12000 camera image would be 144 M). */
    public static final long MAX_PIXELS = 100_000_000L;
    /**
     * Largest TIFF accepted: a TIFF is decoded whole to be written again without its tags (4 bytes
     * a pixel: 100 MB at this size). Other pictures are decoded subsampled, to the thumbnail's
     * scale, so a 100-million-pixel JPEG or PNG takes a few megabytes, not 400 (a heap of 768 MB
     * ran out on one, and the broker handed the same photo back after each reconnect).
     */
    public static final long MAX_TIFF_PIXELS = 25_000_000L;

    /** A reason of our own words that a picture cannot be used; ImageIO's messages never reach a device. */
    private static final class Unreadable extends IOException {
        Unreadable(String reason) {
            super(reason);
        }
    }

    /** What is stored: the cleaned file, its size in pixels, the thumbnail and what was removed. */
    public record Processed(byte[] image, Integer width, Integer height, byte[] thumbnail, Set<String> removedMetadata) {
    }

    public Processed process(ImageFormat format, byte[] original) throws RejectedMessage {
        if (format == ImageFormat.PDF) {
            return new Processed(original, null, null, null, Set.of());
        }
        try {
            boolean whole = format == ImageFormat.TIFF;
            Decoded decoded = read(original, whole ? MAX_TIFF_PIXELS : MAX_PIXELS, whole);
            BufferedImage picture = decoded.picture();
            byte[] cleaned;
            Set<String> removed;
            int orientation = 1;
            if (whole) {
                cleaned = tiffWithoutMetadata(picture);
                removed = Set.of("TIFF tags other than the picture's (EXIF, GPS, XMP, IPTC)");
            } else {
                MetadataStripper.Result stripped = strip(format, original);
                cleaned = stripped.bytes();
                removed = stripped.removed();
                orientation = stripped.orientation();
            }
            return new Processed(cleaned, decoded.width(), decoded.height(), thumbnail(picture, orientation), removed);
        } catch (RuntimeException | IOException e) {
            // Any failure of the decoders (ImageIO throws RasterFormatException, ArrayIndexOutOfBounds... on
            // damaged files) is a refused picture: kept in quarantine with a reason, never a message left unanswered.
            throw new RejectedMessage(RejectionCode.INVALID_IMAGE, "the " + format.contentType() + " image cannot be read: "
                    + (e instanceof Unreadable ? e.getMessage() : "it is damaged or of a kind we cannot decode"));
        }
    }

    private static MetadataStripper.Result strip(ImageFormat format, byte[] original) throws Unreadable {
        try {
            return MetadataStripper.strip(format, original);
        } catch (IllegalArgumentException e) {
            throw new Unreadable(e.getMessage()); // the stripper's reasons are our own words
        }
    }

    /**
     * Applies an EXIF orientation (2-8: mirrored and/or turned by 90, 180 or 270 degrees) to a
     * small picture, pixel by pixel.
     */
    static BufferedImage upright(BufferedImage s, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return s;
        }
        int w = s.getWidth();
        int h = s.getHeight();
        boolean swap = orientation >= 5;
        BufferedImage o = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < o.getHeight(); y++) {
            for (int x = 0; x < o.getWidth(); x++) {
                int rgb = switch (orientation) {
                    case 2 -> s.getRGB(w - 1 - x, y);
                    case 3 -> s.getRGB(w - 1 - x, h - 1 - y);
                    case 4 -> s.getRGB(x, h - 1 - y);
                    case 5 -> s.getRGB(y, x);
                    case 6 -> s.getRGB(y, h - 1 - x);
                    case 7 -> s.getRGB(w - 1 - y, h - 1 - x);
                    default -> s.getRGB(w - 1 - y, x); // 8
                };
                o.setRGB(x, y, rgb);
            }
        }
        return o;
    }

    /** A decoded picture (subsampled unless asked whole) and the size of the picture in the file. */
    private record Decoded(BufferedImage picture, int width, int height) {
    }

    private static Decoded read(byte[] data, long maxPixels, boolean whole) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new Unreadable("no reader for this image format");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                long pixels = (long) width * height;
                if (pixels > maxPixels) {
                    throw new Unreadable("the picture has " + pixels + " pixels; at most " + maxPixels + " are accepted");
                }
                ImageReadParam param = reader.getDefaultReadParam();
                // Every n-th pixel of every n-th row: still at least twice the thumbnail's edge.
                int step = whole ? 1 : Math.max(1, Math.max(width, height) / (2 * THUMBNAIL_EDGE));
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage image = reader.read(0, param);
                if (image == null) {
                    throw new Unreadable("no picture in the file");
                }
                return new Decoded(image, width, height);
            } finally {
                reader.dispose();
            }
        }
    }

    /** Writes the picture alone as a Deflate-compressed TIFF: only the tags the picture itself needs. */
    private static byte[] tiffWithoutMetadata(BufferedImage picture) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            var param = writer.getDefaultWriteParam();
            param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType("Deflate");
            writer.write(null, new javax.imageio.IIOImage(picture, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The thumbnail is turned the way the camera's orientation tag says, so it shows upright. */
    private static byte[] thumbnail(BufferedImage picture, int orientation) throws IOException {
        double scale = Math.min(1.0, (double) THUMBNAIL_EDGE / Math.max(picture.getWidth(), picture.getHeight()));
        int w = Math.max(1, (int) Math.round(picture.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(picture.getHeight() * scale));
        BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(picture, 0, 0, w, h, java.awt.Color.WHITE, null);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(upright(small, orientation), "jpeg", out)) {
            throw new IOException("no JPEG writer");
        }
        return out.toByteArray();
    }
}
