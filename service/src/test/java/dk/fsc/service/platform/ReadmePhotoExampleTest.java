package dk.fsc.service.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The README's wound photo example sends a file the repository ships: a small JPEG. */
class ReadmePhotoExampleTest {

    @Test
    void thePhotoInTheReadmeExampleIsASmallJpegInTheRepository() throws Exception {
        Path root = Path.of("..");
        Matcher sent = Pattern.compile("base64 -w0 (\\S+)\\)").matcher(Files.readString(root.resolve("README.md")));
        assertTrue(sent.find(), "the README's photo example encodes a file with base64");
        Path photo = root.resolve(sent.group(1));
        assertTrue(Files.isRegularFile(photo), photo + " is in the repository");

        byte[] bytes = Files.readAllBytes(photo);
        assertTrue(bytes.length < 20_000, "a few KB, not " + bytes.length + " bytes");
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, Arrays.copyOf(bytes, 3), "a JPEG");
        BufferedImage image = ImageIO.read(photo.toFile());
        assertNotNull(image, "a JPEG that decodes");
        assertTrue(image.getWidth() >= 100 && image.getHeight() >= 100, image.getWidth() + "x" + image.getHeight());
    }
}
