package dk.fsc.gateway.photos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.contract.ImageFormat;
import dk.fsc.gateway.contract.RejectedMessage;
import dk.fsc.gateway.contract.RejectionCode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PhotoProcessorTest {
    private final PhotoProcessor processor = new PhotoProcessor();

    @Test
    void removesExifAndCommentsFromAJpegAndKeepsThePicture() throws Exception {
        byte[] original = TestImages.jpegWithExif(640, 480);
        assertTrue(TestImages.contains(original, TestImages.SECRET));

        PhotoProcessor.Processed out = processor.process(ImageFormat.JPEG, original);

        assertFalse(TestImages.contains(out.image(), TestImages.SECRET), "EXIF/GPS text survived");
        assertTrue(out.removedMetadata().contains("EXIF") && out.removedMetadata().contains("comment"), out.removedMetadata().toString());
        assertEquals(640, out.width());
        assertEquals(480, out.height());
        BufferedImage back = read(out.image());
        assertEquals(640, back.getWidth());
        // Lossless: the picture data after the start of scan is byte for byte the original's.
        byte[] tail = Arrays.copyOfRange(original, original.length - 1000, original.length);
        assertTrue(Arrays.equals(tail, Arrays.copyOfRange(out.image(), out.image().length - 1000, out.image().length)));
    }

    @Test
    void keepsOnlyTheOrientationOfAPhotoTakenSidewaysAndTurnsTheThumbnail() throws Exception {
        byte[] original = TestImages.jpegTakenSideways(640, 480);
        assertEquals(6, orientationOf(original), "the test photo itself");

        PhotoProcessor.Processed out = processor.process(ImageFormat.JPEG, original);

        assertFalse(TestImages.contains(out.image(), TestImages.SECRET), "the rest of the EXIF block survived");
        assertEquals(6, orientationOf(out.image()), "viewers must still turn it upright");
        assertEquals(640, read(out.image()).getWidth(), "the picture itself is untouched");
        BufferedImage thumbnail = read(out.thumbnail());
        assertEquals(240, thumbnail.getWidth(), "the thumbnail is turned upright");
        assertEquals(320, thumbnail.getHeight());
    }

    @Test
    void turnsPixelsForEveryOrientation() {
        BufferedImage s = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        s.setRGB(0, 0, 0xFF0000); // the top-left pixel as stored
        int[][] expectedCorner = {{}, {}, {2, 0}, {2, 1}, {0, 1}, {0, 0}, {1, 0}, {1, 2}, {0, 2}};
        for (int orientation = 2; orientation <= 8; orientation++) {
            BufferedImage o = PhotoProcessor.upright(s, orientation);
            int[] at = expectedCorner[orientation];
            assertEquals(0xFF0000, o.getRGB(at[0], at[1]) & 0xFFFFFF, "orientation " + orientation);
            assertEquals(orientation >= 5 ? 2 : 3, o.getWidth());
        }
    }

    private static int orientationOf(byte[] jpeg) {
        // The EXIF segment directly after SOI: FF D8 FF E1 len(2) "Exif\0\0" then the TIFF structure.
        assertEquals(0xE1, jpeg[3] & 0xFF, "EXIF right after SOI");
        int length = ((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF);
        return MetadataStripper.exifOrientation(jpeg, 12, length - 8);
    }

    @Test
    void removesExifAndTextChunksFromAPng() throws Exception {
        byte[] original = TestImages.pngWithMetadata(300, 200);
        assertEquals(300, read(original).getWidth(), "the test PNG itself must be readable");

        PhotoProcessor.Processed out = processor.process(ImageFormat.PNG, original);

        assertFalse(TestImages.contains(out.image(), TestImages.SECRET));
        assertTrue(out.removedMetadata().contains("EXIF") && out.removedMetadata().contains("tEXt"), out.removedMetadata().toString());
        assertEquals(200, read(out.image()).getHeight());
    }

    @Test
    void removesCommentAndXmpFromAGif() throws Exception {
        byte[] original = TestImages.gifWithMetadata(120, 90);
        PhotoProcessor.Processed out = processor.process(ImageFormat.GIF, original);
        assertFalse(TestImages.contains(out.image(), TestImages.SECRET));
        assertTrue(out.removedMetadata().contains("XMP") && out.removedMetadata().contains("comment"), out.removedMetadata().toString());
        assertEquals(120, read(out.image()).getWidth());
    }

    @Test
    void rewritesATiffWithThePictureOnly() throws Exception {
        byte[] original = TestImages.encode(TestImages.picture(200, 150), "tiff");
        PhotoProcessor.Processed out = processor.process(ImageFormat.TIFF, original);
        assertEquals(150, read(out.image()).getHeight());
        assertTrue(ImageFormat.TIFF.matches(out.image()));
    }

    @Test
    void makesAJpegThumbnailOfAtMost320Pixels() throws Exception {
        PhotoProcessor.Processed out = processor.process(ImageFormat.JPEG, TestImages.jpegWithExif(1600, 1200));
        assertNotNull(out.thumbnail());
        assertTrue(ImageFormat.JPEG.matches(out.thumbnail()));
        BufferedImage thumb = read(out.thumbnail());
        assertEquals(320, thumb.getWidth());
        assertEquals(240, thumb.getHeight());
        // Decoded subsampled for the thumbnail; the size kept is the picture's own.
        assertEquals(1600, out.width());
        assertEquals(1200, out.height());
        assertEquals(1200, read(out.image()).getHeight(), "the picture stored is whole");
    }

    @Test
    void keepsAPdfAsItIsWithoutAThumbnail() throws Exception {
        byte[] pdf = "%PDF-1.4\n%wound report\n".getBytes();
        PhotoProcessor.Processed out = processor.process(ImageFormat.PDF, pdf);
        assertEquals(pdf, out.image());
        assertNull(out.thumbnail());
    }

    @Test
    void refusesAPictureThatCannotBeRead() throws IOException {
        byte[] broken = Arrays.copyOf(TestImages.encode(TestImages.picture(100, 100), "png"), 60);
        RejectedMessage e = assertThrows(RejectedMessage.class, () -> processor.process(ImageFormat.PNG, broken));
        assertEquals(RejectionCode.INVALID_IMAGE, e.code());
        assertEquals("the image/png image cannot be read: it is damaged or of a kind we cannot decode", e.detail(),
                "ImageIO's own message never reaches a device");
    }

    private static BufferedImage read(byte[] data) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(data));
        assertNotNull(image, "not readable as an image");
        return image;
    }
}
