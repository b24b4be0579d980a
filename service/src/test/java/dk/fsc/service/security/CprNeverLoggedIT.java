package dk.fsc.service.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.security.CprCipher;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestCprs;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Runs after every other integration test (its own failsafe execution, see service/pom.xml):
 * sends CPR numbers through the paths where one could slip into a log or an error message
 * (invalid, duplicate, unknown, of the wrong JSON type), then reads every log file of the build
 * (this build's target/test-logs file, the gateway processes' and brokers' logs under target/scratch) for each CPR
 * number any test used and for anything written like one ("DDMMYY-NNNN").
 */
@MicronautTest(transactional = false)
class CprNeverLoggedIT extends IntegrationTest {
    private static final Pattern WRITTEN_LIKE_CPR = Pattern.compile("(?<![\\d-])(\\d{6})-(\\d{4})(?![\\d-])");
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    @Test
    void noCprNumberReachesALogOrAnErrorMessage() throws Exception {
        String token = login(fixtures.nurse(fixtures.organisation()));
        String cpr = TestCprs.next();
        String unknown = TestCprs.next();
        List<String> answers = new ArrayList<>();
        answers.add(post("/api/patients", "{\"displayName\":\"Log Scan\",\"cpr\":\"" + cpr + "\"}", token));
        answers.add(post("/api/patients", "{\"displayName\":\"Log Scan\",\"cpr\":\"" + cpr + "\"}", token)); // duplicate
        answers.add(post("/api/patients/search", "{\"cpr\":\"" + unknown + "\"}", token));
        // as a JSON number: the same citizen again (409), or nine digits when it began with 0 (400)
        answers.add(post("/api/patients", "{\"displayName\":\"Log Scan\",\"cpr\":" + Long.parseLong(cpr) + "}", token));
        answers.add(post("/api/patients", "{\"displayName\":[\"" + TestCprs.next() + "\"],\"cpr\":\"" + cpr + "\"}", token));
        answers.add(post("/api/patients", "{\"displayName\":\"Log Scan\",\"cpr\":\"" + TestCprs.next() + "-x\"}", token));
        answers.add(post("/api/patients", "{\"displayName\":\"Log Scan\",\"cpr\":{\"v\":\"" + TestCprs.next() + "\"}}", token));
        String canary = "3112990001";
        LoggerFactory.getLogger(CprNeverLoggedIT.class).info("log scan canary {}", canary);

        List<String> cprs = TestCprs.all();
        assertTrue(cprs.containsAll(List.of(cpr, unknown)), "the CPR numbers the tests use are recorded in " + TestCprs.FILE);
        for (int i = 1; i < answers.size(); i++) {
            String answer = answers.get(i);
            assertTrue(answer.startsWith("4"), "refused: " + answer);
            for (String number : cprs) {
                assertFalse(answer.contains(number), "an error answer shows a CPR number: " + answer);
            }
        }

        Path testLog = Path.of(System.getProperty("fsc.test.log", "target/test-logs/tests.log")).toAbsolutePath();
        List<Path> logs = logFiles(testLog);
        assertTrue(Files.exists(testLog), "the tests' log file is not where logback-test.xml puts it: " + testLog);
        List<String> found = new ArrayList<>();
        boolean canarySeen = false;
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            canarySeen |= text.contains(canary);
            for (String number : cprs) {
                if (text.contains(number)) {
                    found.add(number + " in " + log);
                }
            }
            Matcher written = WRITTEN_LIKE_CPR.matcher(text);
            while (written.find()) {
                if (CprCipher.isValid(written.group(1) + written.group(2))) {
                    found.add("'" + written.group() + "' in " + log);
                }
            }
        }
        assertTrue(canarySeen, "the scan does not see what the service logs (no canary in " + logs + ")");
        assertEquals(List.of(), found, "CPR numbers in the logs");
    }

    /** This build's test log, and the logs of the gateway processes and brokers the tests started. */
    private static List<Path> logFiles(Path testLog) throws IOException {
        List<Path> files = new ArrayList<>(List.of(testLog));
        for (Path root : List.of(Path.of("target", "scratch"))) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".log")).forEach(files::add);
                }
            }
        }
        return files;
    }

    private String post(String path, String json, String token) {
        try {
            return http.toBlocking().exchange(HttpRequest.POST(path, json).contentType(MediaType.APPLICATION_JSON_TYPE).bearerAuth(token),
                    String.class).code() + " ";
        } catch (HttpClientResponseException e) {
            return e.getStatus().getCode() + " " + e.getResponse().getBody(String.class).orElse("");
        }
    }

    private String login(Fixtures.Login login) {
        return (String) http.toBlocking().retrieve(HttpRequest.POST("/login", Map.of("username", login.username(), "password",
                login.password())), Map.class).get("access_token");
    }
}
