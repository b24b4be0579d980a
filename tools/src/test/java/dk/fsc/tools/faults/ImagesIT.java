package dk.fsc.tools.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.fsc.service.platform.embedded.EmbeddedDatabase;
import dk.fsc.service.testing.TestInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The container images Maven builds with Jib (ops/images/README.md; .ci/run makes their base with
 * ops/images/make-base-image, so the build writes them): their configuration agrees with the code
 * (main class, port, user 10001), and the service's image really runs: its layers unpacked into a
 * folder and its entrypoint started there with chroot (as root, which chroot needs) against a
 * database of the test's own, until {@code /health/readiness} answers 200. No container engine.
 */
class ImagesIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SERVICE_IMAGE = ROOT.resolve("service/target/service-image.tar");
    private static final Path GATEWAY_IMAGE = ROOT.resolve("device-gateway/target/device-gateway-image.tar");
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theImagesNameTheMainClassesPortsAndAnUnprivilegedUser() throws Exception {
        assumeImagesBuilt();
        JsonNode service = config(SERVICE_IMAGE);
        assertEquals("dk.fsc.service.Application", last(service.get("Entrypoint")));
        assertTrue(service.get("ExposedPorts").has("8080/tcp"), service.toString());
        assertEquals("10001", service.get("User").asText());
        JsonNode gateway = config(GATEWAY_IMAGE);
        assertEquals("dk.fsc.gateway.GatewayApplication", last(gateway.get("Entrypoint")));
        assertTrue(gateway.get("ExposedPorts").has("8081/tcp"), gateway.toString());
        assertEquals("10001", gateway.get("User").asText());
    }

    @Test
    void theServiceImageRunsAndBecomesReady() throws Exception {
        assumeImagesBuilt();
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chroot needs root; skipped");
        Path folder = TestInfrastructure.scratch("image");
        Path rootfs = Files.createDirectories(folder.resolve("rootfs"));
        Path unpacked = Files.createDirectories(folder.resolve("image"));
        run(List.of("tar", "-xf", SERVICE_IMAGE.toString(), "-C", unpacked.toString()));
        JsonNode manifest = json.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
        for (JsonNode layer : manifest.get("Layers")) {
            run(List.of("tar", "-xf", unpacked.resolve(layer.asText()).toString(), "-C", rootfs.toString()));
        }
        JsonNode config = json.readTree(unpacked.resolve(manifest.get("Config").asText()).toFile()).get("config");
        Files.createDirectories(rootfs.resolve("proc"));
        Process mount = new ProcessBuilder("mount", "-t", "proc", "proc", rootfs.resolve("proc").toString()).redirectErrorStream(true).start();
        String mounted = new String(mount.getInputStream().readAllBytes());
        Assumptions.assumeTrue(mount.waitFor() == 0, () -> "cannot mount /proc for the image here (" + mounted.strip() + "); skipped");
        int port = TestInfrastructure.freePort();
        try (EmbeddedDatabase db = EmbeddedDatabase.start(folder.resolve("postgres"), TestInfrastructure.freePort(),
                EmbeddedDatabase.Durability.DURABLE)) {
            List<String> command = new ArrayList<>(List.of("chroot", "--userspec=" + config.get("User").asText() + ":10001", rootfs.toString()));
            config.get("Entrypoint").forEach(a -> command.add(a.asText()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(folder.resolve("service.log").toFile());
            builder.environment().clear();
            config.get("Env").forEach(e -> builder.environment().put(e.asText().split("=", 2)[0], e.asText().split("=", 2)[1]));
            builder.environment().put("FSC_DB_URL", db.jdbcUrl());
            builder.environment().put("FSC_HTTP_PORT", String.valueOf(port));
            // A production image meets an external broker (the embedded one wants /sys, which a runtime mounts and chroot does not).
            builder.environment().put("FSC_MQTT_URL", TestInfrastructure.brokerUrl());
            builder.environment().put("FSC_GATEWAY_ENABLED", "false");
            builder.environment().put("FSC_DEMO_DATA", "false");
            Process process = builder.start();
            try {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                int status = -1;
                while (status != 200 && System.nanoTime() < deadline && process.isAlive()) {
                    try {
                        status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/readiness"))
                                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (java.io.IOException notYet) {
                        Thread.sleep(500);
                    }
                }
                assertEquals(200, status, () -> "the image's service did not become ready; see " + folder.resolve("service.log"));
            } finally {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
                run(List.of("umount", rootfs.resolve("proc").toString()));
            }
        }
    }

    private static void assumeImagesBuilt() {
        Assumptions.assumeTrue(Files.exists(SERVICE_IMAGE) && Files.exists(GATEWAY_IMAGE),
                "no images: ops/images/make-base-image makes their base, then the build writes them (.ci/run does both)");
    }

    private JsonNode config(Path image) throws Exception {
        Path folder = TestInfrastructure.scratch("image-config");
        run(List.of("tar", "-xf", image.toString(), "-C", folder.toString(), "manifest.json", "config.json"));
        return json.readTree(folder.resolve("config.json").toFile()).get("config");
    }

    private static String last(JsonNode array) {
        return array.get(array.size() - 1).asText();
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), () -> String.join(" ", command) + ": " + output);
    }
}
