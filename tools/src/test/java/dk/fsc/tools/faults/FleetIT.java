package dk.fsc.tools.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.platform.embedded.EmbeddedDatabase;
import dk.fsc.service.testing.LocalMosquitto;
import dk.fsc.service.testing.TestInfrastructure;
import dk.fsc.tools.bench.FleetPhase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark's fleet phase, small: devices with a connection and an account each, on a
 * Mosquitto with the production ACL, through a broker restart, against the stand-alone gateway.
 * What the benchmark's figures rest on is checked here: every device connects with its own
 * account, every message is answered, and the database holds each reading message answered once
 * with all its observations and nothing else, also after every device lost its connection.
 */
class FleetIT {
    private static final int DEVICES = 42; // six COPD kits of seven devices

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyDeviceOnItsOwnAccountLosesNothingThroughABrokerRestart() throws Exception {
        Assumptions.assumeTrue(LocalMosquitto.unavailable().isEmpty(), () -> "skipped: " + LocalMosquitto.unavailable().get());
        Path folder = TestInfrastructure.scratch("fleet");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(folder.resolve("postgres"), TestInfrastructure.freePort(),
                EmbeddedDatabase.Durability.DURABLE)) {
            String url = db.jdbcUrl();
            Flyway.configure().dataSource(url, null, null).load().migrate();
            try (FleetPhase fleet = new FleetPhase(url, folder.resolve("fleet"), DEVICES)) {
                Map<String, String> env = new HashMap<>(fleet.systemEnvironment());
                env.putAll(Map.of(
                        "FSC_DB_URL", url,
                        "FSC_GATEWAY_CLIENT_ID", "fsc-gateway-fleet-it",
                        "FSC_GATEWAY_SHARE_GROUP", "fsc-gateways",
                        "FSC_GATEWAY_HTTP_PORT", String.valueOf(TestInfrastructure.freePort()),
                        "FSC_BLOB_DIR", folder.resolve("blobs").toString()));
                try (GatewayProcess gateway = new GatewayProcess(env, folder.resolve("gateway.log"))) {
                    gateway.start();
                    gateway.awaitSubscribed(Duration.ofMinutes(2));

                    Map<String, Object> steady = fleet.run(DEVICES, 8, 2, false);
                    assertEquals(0L, steady.get("fleet 42" + FleetPhase.ERRORS), steady.toString());
                    assertTrue(((Number) steady.get("fleet 42: observations answered per second")).longValue() > 0, steady.toString());

                    Map<String, Object> storm = fleet.run(DEVICES, 12, 2, true);
                    String name = "fleet 42 with a broker restart";
                    assertEquals(0L, storm.get(name + FleetPhase.ERRORS), storm.toString());
                    double reconnected = ((Number) storm.get(name + ": storm: all devices connected again after the broker came back (s)"))
                            .doubleValue();
                    assertTrue(reconnected >= 0 && reconnected < 60, "every device connected again: " + storm);
                    double kept = ((Number) storm.get(name + ": storm: every message kept through the restart answered after the broker came back (s)"))
                            .doubleValue();
                    assertTrue(kept >= 0, "what the devices kept was answered: " + storm);
                }
            }
        }
    }
}
