package dk.fsc.gateway.blobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderBlobStoreTest {
    @TempDir
    Path folder;

    @Test
    void storesUnderTheSha256AndReadsBack() throws Exception {
        FolderBlobStore store = new FolderBlobStore(folder);
        byte[] bytes = "wound photo".getBytes(StandardCharsets.UTF_8);
        String sha = store.put(bytes);
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)), sha);
        assertArrayEquals(bytes, store.get(sha));
        assertEquals(sha, store.put(bytes), "storing the same bytes again is harmless");
        try (Stream<Path> files = Files.walk(folder)) {
            assertEquals(1, files.filter(Files::isRegularFile).count(), "one file, no leftovers");
        }
    }

    @Test
    void refusesToServeADamagedFile() throws Exception {
        FolderBlobStore store = new FolderBlobStore(folder);
        String sha = store.put("original".getBytes(StandardCharsets.UTF_8));
        Path file = folder.resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha);
        Files.writeString(file, "tampered");
        assertThrows(BlobStore.CorruptBlobException.class, () -> store.get(sha));
    }

    @Test
    void saysWhenABlobIsMissing() throws Exception {
        FolderBlobStore store = new FolderBlobStore(folder);
        assertThrows(BlobStore.MissingBlobException.class, () -> store.get(BlobStore.sha256(new byte[] {1})));
        assertThrows(IllegalArgumentException.class, () -> store.get("../../etc/passwd"));
    }
}
