package dk.fsc.tools.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dk.fsc.service.platform.security.CprCipher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs after the fault suites (its own failsafe execution, see tools/pom.xml), as the service's
 * CprNeverLoggedIT runs after the service's tests: reads this build's test log and the logs of the
 * gateways, run commands and brokers the suites started (target/scratch) for anything written like
 * a CPR number ("DDMMYY-NNNN").
 */
class NoCprInTheLogsIT {
    private static final Pattern WRITTEN_LIKE_CPR = Pattern.compile("(?<![\\d-])(\\d{6})-(\\d{4})(?![\\d-])");

    @Test
    void noLogOfTheFaultSuitesHoldsACprNumber() throws Exception {
        List<Path> logs = new ArrayList<>();
        Path testLog = Path.of(System.getProperty("fsc.test.log", "target/test-logs/tests.log"));
        if (Files.isRegularFile(testLog)) {
            logs.add(testLog);
        }
        Path scratch = Path.of("target", "scratch");
        if (Files.isDirectory(scratch)) {
            try (Stream<Path> walk = Files.walk(scratch)) {
                walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".log")).forEach(logs::add);
            }
        }
        Assumptions.assumeFalse(logs.isEmpty(), "no fault suite ran in this build");
        List<String> found = new ArrayList<>();
        for (Path log : logs) {
            Matcher written = WRITTEN_LIKE_CPR.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
            while (written.find()) {
                if (CprCipher.isValid(written.group(1) + written.group(2))) {
                    found.add("'" + written.group() + "' in " + log);
                }
            }
        }
        assertEquals(List.of(), found, "CPR numbers in the logs");
    }
}
