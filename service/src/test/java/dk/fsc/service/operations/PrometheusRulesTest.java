package dk.fsc.service.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The operators' alert rules are checked and unit-tested by Prometheus' own promtool (Debian's
 * {@code prometheus} package; .ci/run installs it): the configuration parses, every rule parses,
 * and each alert fires on its trouble and stays quiet on a normal day (ops/prometheus/rules/
 * fsc.rules.test.yml). Without promtool this fails and says how to get it.
 */
class PrometheusRulesTest {

    @Test
    void theConfigurationAndTheRulesParseAndTheRulesPassTheirUnitTests() throws Exception {
        Path prometheus = OpsFiles.OPS.resolve("prometheus");
        run(prometheus, promtool(), "check", "config", "prometheus.yml");
        run(prometheus.resolve("rules"), promtool(), "test", "rules", "fsc.rules.test.yml");
    }

    @Test
    void everyAlertIsUnitTestedAndPointsToItsRunbook() throws IOException {
        String rules = Files.readString(OpsFiles.RULES);
        String tests = Files.readString(OpsFiles.OPS.resolve("prometheus/rules/fsc.rules.test.yml"));
        String runbook = Files.readString(OpsFiles.OPS.resolve("../docs/operations.md"));
        List<String> alerts = rules.lines().map(String::strip).filter(l -> l.startsWith("- alert: "))
                .map(l -> l.substring("- alert: ".length())).toList();
        assertTrue(alerts.size() >= 10, "only " + alerts.size() + " alerts found");
        for (String alert : alerts) {
            assertTrue(tests.contains("alertname: " + alert + "\n"), alert + " has no unit test in fsc.rules.test.yml");
            assertTrue(rules.contains("docs/operations.md#" + alert.toLowerCase(java.util.Locale.ROOT)), alert + " has no runbook_url");
            assertTrue(runbook.contains("### " + alert), alert + " has no runbook section in docs/operations.md");
        }
    }

    @Test
    void metricNamesAreReadOutOfPromQl() {
        assertEquals(Set.of("fsc_gateway_readings_rejected_total", "fsc_gateway_readings_received_total"), OpsFiles.metricNames(
                "sum by (code) (increase(fsc_gateway_readings_rejected_total{code=\"X\"}[15m])) / scalar(clamp_min(sum(increase("
                        + "fsc_gateway_readings_received_total[15m])), 1)) > 0.05"));
        assertEquals(Set.of("probe_ssl_earliest_cert_expiry"), OpsFiles.metricNames("probe_ssl_earliest_cert_expiry - time() < 21 * 86400"));
        assertEquals(Set.of("fsc_alert_latency_seconds_bucket"), OpsFiles.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(fsc_alert_latency_seconds_bucket[10m]))) > 5"));
    }

    /** promtool from FSC_TEST_PROMTOOL, else the PATH; missing is a failure that says how to install it. */
    static String promtool() {
        String configured = System.getenv("FSC_TEST_PROMTOOL");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail("promtool is needed to test the alert rules: install Debian's prometheus package (apt-get install prometheus; "
                + ".ci/run does) or set FSC_TEST_PROMTOOL to the binary");
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in 120 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " in " + dir + ":\n" + out);
    }
}
