package dk.fsc.service.operations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.gateway.photos.TestImages;
import dk.fsc.service.testing.Api;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The small site's backup and restore (ops/backup) on a database of this test's own: a reading
 * with its alert, a wound photo and access-log lines are stored; {@code ops/backup/backup} writes
 * the backup; the database is dropped and the photo folder deleted; {@code ops/backup/restore}
 * brings them back into an empty database; every row and the photo's bytes are there again.
 */
@MicronautTest(transactional = false)
class BackupRestoreIT extends IntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String DATABASE = "fsc_bk_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    BlobStore blobs;

    private String url;
    private Path blobDir;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        TestInfrastructure.Database admin = TestInfrastructure.database();
        admin(admin, "CREATE DATABASE " + DATABASE);
        url = admin.url().replaceFirst("/[^/?]+(\\?|$)", "/" + DATABASE + "$1");
        blobDir = Path.of(p.get("fsc.blobs.dir"));
        p.put("datasources.default.url", url);
        return p;
    }

    @AfterAll
    void dropTheDatabase() {
        admin(TestInfrastructure.database(), "DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    }

    @Test
    void aBackupRestoredIntoAnEmptyDatabaseHasEveryReadingAlertPhotoAndAccessLogLine() throws Exception {
        TestInfrastructure.Database admin = TestInfrastructure.database();
        Fixtures fixtures = new Fixtures(url, admin.user(), admin.password());
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        byte[] jpeg = TestImages.jpegWithExif(64, 48);
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            String reply = d.sendReading("bk-" + UUID.randomUUID(), 1, "{\"type\":\"spo2\",\"value\":84,\"unit\":\"%\"}", WAIT);
            assertTrue(reply != null && reply.contains("accepted"), String.valueOf(reply));
            d.publishPhoto(TestDevice.photo("bk-photo", "image/jpeg", jpeg));
            assertNotNull(d.nextReply(WAIT));
        }
        for (int i = 0; i < 100 && fixtures.count("SELECT count(*) FROM alerts WHERE patient_id = ?", patient) == 0; i++) {
            Thread.sleep(100);
        }
        Api nurse = new Api(http, fixtures.nurse(org));
        nurse.get("/api/patients/" + patient + "/readings");
        for (int i = 0; i < 100 && fixtures.count("SELECT count(*) FROM access_log WHERE patient_id = ?", patient) == 0; i++) {
            Thread.sleep(100); // the access log is written off the request's thread
        }
        Map<String, Long> before = counts(fixtures, patient);
        assertTrue(before.values().stream().allMatch(n -> n > 0), "everything is there to back up: " + before);
        String sha = fixtures.text("SELECT sha256 FROM photos WHERE patient_id = ?", patient);
        byte[] photo = blobs.get(sha);

        Path backup = Files.createTempDirectory("fsc-backup");
        run(Path.of("..", "ops", "backup", "backup").toAbsolutePath().normalize(), backup.toString());
        assertTrue(Files.size(backup.resolve("database.dump")) > 0);

        // The disaster: the database and the photo folder are gone.
        admin(admin, "DROP DATABASE " + DATABASE + " WITH (FORCE)");
        deleteTree(blobDir);
        admin(admin, "CREATE DATABASE " + DATABASE);

        run(Path.of("..", "ops", "backup", "restore").toAbsolutePath().normalize(), backup.toString());
        assertEquals(before, counts(fixtures, patient), "readings, alert, photo and access-log lines after the restore");
        assertArrayEquals(photo, blobs.get(sha), "the photo's file, byte for byte");
        deleteTree(backup);
    }

    private static Map<String, Long> counts(Fixtures fixtures, UUID patient) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (String table : List.of("readings", "alerts", "photos", "access_log", "wounds", "device_messages")) {
            counts.put(table, fixtures.count("SELECT count(*) FROM " + table + " WHERE patient_id = ?", patient));
        }
        return counts;
    }

    /** Runs a backup script with the libpq variables of this test's database and the photo folder. */
    private void run(Path script, String folder) throws IOException, InterruptedException {
        TestInfrastructure.Database admin = TestInfrastructure.database();
        URI uri = URI.create(url.substring("jdbc:".length()));
        ProcessBuilder pb = new ProcessBuilder(script.toString(), folder).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PGHOST", uri.getHost());
        env.put("PGPORT", String.valueOf(uri.getPort() < 0 ? 5432 : uri.getPort()));
        env.put("PGDATABASE", DATABASE);
        String user = admin.user();
        if (user == null && uri.getQuery() != null) {
            user = uri.getQuery().replaceAll(".*\\buser=([^&]*).*", "$1");
        }
        env.put("PGUSER", user == null ? "postgres" : user);
        if (admin.password() != null) {
            env.put("PGPASSWORD", admin.password());
        }
        env.put("FSC_BLOB_DIR", blobDir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), script + " did not finish");
        assertEquals(0, p.exitValue(), script + ":\n" + out);
    }

    private static void admin(TestInfrastructure.Database admin, String sql) {
        try (Connection c = DriverManager.getConnection(admin.url(), admin.user(), admin.password()); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var walk = Files.walk(root)) {
                for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
