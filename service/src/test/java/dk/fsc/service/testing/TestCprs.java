package dk.fsc.service.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * CPR numbers for tests: random, valid, and each written to {@code target/test-cprs.txt}, so
 * {@code CprNeverLoggedIT} can look for every one of them in the logs of the whole test run.
 */
public final class TestCprs {
    public static final Path FILE = Path.of("target", "test-cprs.txt");

    private TestCprs() {
    }

    public static synchronized String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String cpr = String.format("%02d%02d%02d%04d", r.nextInt(1, 29), r.nextInt(1, 13), r.nextInt(0, 100), r.nextInt(0, 10000));
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, cpr + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cpr;
    }

    public static List<String> all() throws IOException {
        return Files.exists(FILE) ? Files.readAllLines(FILE).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }
}
