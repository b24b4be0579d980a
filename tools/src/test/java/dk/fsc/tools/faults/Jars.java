package dk.fsc.tools.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The runnable jars the fault suites start as processes, as the other modules build them (their
 * package phase runs before these tests; {@code bin/fault-suite} installs them first).
 */
final class Jars {
    private Jars() {
    }

    /** The stand-alone gateway: device-gateway's shaded jar. */
    static Path gateway() {
        Path target = Path.of("..", "device-gateway", "target").toAbsolutePath().normalize();
        try (var files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("device-gateway-.*-all\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no device-gateway-*-all.jar in " + target
                            + "; build it first: ./mvnw -q install -DskipTests"));
        } catch (IOException e) {
            throw new IllegalStateException("no " + target + "; build the device-gateway module first", e);
        }
    }

    /** The run command's jar: the service's shaded jar. */
    static Path service() {
        Path jar = Path.of("..", "service", "target", "fsc-service.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + "; build it first: ./mvnw -q install -DskipTests");
        }
        return jar;
    }
}
