package dk.fsc.service.platform.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Readiness waits for this build's newest migration: the constant must follow the files. */
class MigrationsReadinessTest {

    @Test
    void theBuildVersionIsTheNewestMigration() throws IOException {
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            int newest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
            assertEquals(newest, MigrationsReadiness.BUILD_VERSION, "raise MigrationsReadiness.BUILD_VERSION with a new migration");
        }
    }
}
