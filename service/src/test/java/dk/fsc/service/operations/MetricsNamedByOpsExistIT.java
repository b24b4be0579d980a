package dk.fsc.service.operations;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every metric an alert rule or a dashboard reads exists on a running system: the service with its
 * gateway is scraped at /prometheus after a reading was stored and one refused, and each name in
 * ops/prometheus/rules and ops/grafana/dashboards must be among the scraped ones. A rename in the
 * code that would leave a rule silent or a panel empty fails here. Only the metrics of the
 * exporters named in ops/prometheus/prometheus.yml (Prometheus' own {@code up}, the blackbox
 * exporter's {@code probe_*}, node_exporter's {@code node_*}, EMQX's {@code emqx_*}) come from elsewhere.
 * The TimescaleDB jobs' metrics ({@code fsc_timescaledb_*} but {@code fsc_timescaledb_enabled})
 * exist only on TimescaleDB: this test runs in the TimescaleDB suite too, and checks them there.
 */
@MicronautTest(transactional = false)
class MetricsNamedByOpsExistIT extends IntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Set<String> OTHER_EXPORTERS = Set.of("up");
    private static final String TIMESCALEDB_ENABLED = "fsc_timescaledb_enabled";

    @Inject
    @Client("/")
    HttpClient http;

    private final Fixtures fixtures = new Fixtures();

    @Test
    void everyMetricARuleOrADashboardNamesIsScraped() throws Exception {
        String org = fixtures.organisation();
        UUID patient = fixtures.patient(org);
        String device = fixtures.deviceOnLoanTo(patient, org);
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            String stored = d.sendReading("ops-" + UUID.randomUUID(), 1, "{\"type\":\"spo2\",\"value\":85,\"unit\":\"%\"}", WAIT);
            assertNotNull(stored, "no reply to the reading");
            String refused = d.sendReading("ops-" + UUID.randomUUID(), 1, "{\"type\":\"spo2\",\"value\":95,\"unit\":\"mmHg\"}", WAIT);
            assertTrue(refused != null && refused.contains("rejected"), String.valueOf(refused));
        }
        String scraped = http.toBlocking().retrieve("/prometheus");
        Set<String> exposed = new TreeSet<>();
        for (String line : scraped.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                exposed.add(line.split("[{ ]", 2)[0]);
            }
        }

        Map<String, List<String>> named = new TreeMap<>();
        for (String expr : OpsFiles.ruleExpressions()) {
            OpsFiles.metricNames(expr).forEach(n -> named.computeIfAbsent(n, k -> new ArrayList<>()).add("rule: " + expr));
        }
        for (String expr : OpsFiles.dashboardExpressions()) {
            OpsFiles.metricNames(expr).forEach(n -> named.computeIfAbsent(n, k -> new ArrayList<>()).add("dashboard: " + expr));
        }
        assertTrue(named.size() >= 20, "only " + named.size() + " metric names found in the rules and dashboards: " + named.keySet());
        assertTrue(exposed.contains(TIMESCALEDB_ENABLED), "no " + TIMESCALEDB_ENABLED + " among the scraped metrics");
        boolean timescale = scraped.lines().anyMatch(l -> l.matches(TIMESCALEDB_ENABLED + "(\\{[^}]*})? 1(\\.0)?"));
        List<String> missing = new ArrayList<>();
        named.forEach((name, where) -> {
            boolean elsewhere = OTHER_EXPORTERS.contains(name) || name.startsWith("probe_") || name.startsWith("node_")
                    || name.startsWith("emqx_") || !timescale && name.startsWith("fsc_timescaledb_");
            if (!elsewhere && !exposed.contains(name)) {
                missing.add(name + " (" + where.get(0) + ")");
            }
        });
        assertTrue(missing.isEmpty(), "named by ops/ but not scraped from a running system:\n" + String.join("\n", missing)
                + "\n\nscraped: " + exposed);
    }
}
