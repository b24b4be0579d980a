package dk.fsc.gateway.blobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 store against a real S3-compatible server: S3Proxy (in-memory back end) in its own
 * process, checking AWS Signature V4 on every request, so a signing mistake fails here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3BlobStoreTest {
    private static final Path SERVER = Path.of("target", "test-servers", "s3proxy.jar");
    private Process s3proxy;
    private URI endpoint;

    @BeforeAll
    void startServer(@TempDir Path folder) throws Exception {
        if (!Files.exists(SERVER)) {
            throw new IllegalStateException(SERVER + " is missing; the build copies it (mvn generate-test-resources)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        endpoint = URI.create("http://127.0.0.1:" + port);
        Path properties = folder.resolve("s3proxy.conf");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=test-access-key",
                "s3proxy.credential=test-secret-key",
                "jclouds.provider=transient",
                "jclouds.identity=unused",
                "jclouds.credential=unused", ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        s3proxy = new ProcessBuilder(java, "-jar", SERVER.toString(), "--properties", properties.toString())
                .redirectErrorStream(true).redirectOutput(folder.resolve("s3proxy.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!s3proxy.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start: " + Files.readString(folder.resolve("s3proxy.log")));
                }
                Thread.sleep(100);
            }
        }
    }

    @AfterAll
    void stopServer() {
        if (s3proxy != null) {
            s3proxy.destroy();
        }
    }

    @Test
    void storesAndReadsBackUnderTheSha256() throws Exception {
        S3BlobStore store = store("test-secret-key", "photos-a");
        store.ensureBucket();
        store.ensureBucket(); // a second time finds it
        byte[] bytes = "a wound photo's bytes".getBytes();
        String sha = store.put(bytes);
        assertEquals(BlobStore.sha256(bytes), sha);
        assertArrayEquals(bytes, store.get(sha));
        assertEquals(sha, store.put(bytes), "storing the same bytes again is harmless");
        assertThrows(BlobStore.MissingBlobException.class, () -> store.get(BlobStore.sha256(new byte[] {7})));
    }

    @Test
    void aWrongSecretIsRefusedByTheServer() throws Exception {
        store("test-secret-key", "photos-b").ensureBucket();
        S3BlobStore wrong = store("not-the-secret", "photos-b");
        IOException e = assertThrows(IOException.class, () -> wrong.put(new byte[] {1, 2, 3}));
        assertTrue(e.getMessage().contains("403"), e.getMessage());
    }

    private S3BlobStore store(String secret, String bucket) {
        return new S3BlobStore(endpoint, bucket, "photos/", "eu-north-1", "test-access-key", secret);
    }
}
