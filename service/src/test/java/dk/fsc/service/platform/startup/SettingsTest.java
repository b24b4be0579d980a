package dk.fsc.service.platform.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void defaultsToEmbeddedServersAndDemoData() {
        Settings s = Settings.fromEnvironment(Map.of());
        assertEquals(8080, s.httpPort());
        assertEquals(1883, s.mqttPort());
        assertTrue(s.embeddedDatabase());
        assertTrue(s.embeddedBroker());
        assertTrue(s.demoData());
        assertTrue(s.dataDir().endsWith("fsc-data"));
    }

    @Test
    void anInstalledDatabaseMeansNoDemoDataUnlessAskedFor() {
        Settings s = Settings.fromEnvironment(Map.of("FSC_DB_URL", "postgresql://db:5432/fsc"));
        assertEquals("jdbc:postgresql://db:5432/fsc", s.dbUrl());
        assertFalse(s.demoData());
        assertTrue(Settings.fromEnvironment(Map.of("FSC_DB_URL", "jdbc:postgresql://db/fsc", "FSC_DEMO_DATA", "true")).demoData());
    }

    @Test
    void embeddedServersListenOnLoopbackUnlessAnAddressIsSet() {
        Settings embedded = Settings.fromEnvironment(Map.of());
        assertEquals("127.0.0.1", embedded.bindAddress());
        assertTrue(embedded.loopbackOnly());
        Settings installed = Settings.fromEnvironment(Map.of("FSC_DB_URL", "jdbc:postgresql://db/fsc", "FSC_MQTT_URL", "tcp://mqtt:1883"));
        assertEquals("0.0.0.0", installed.bindAddress());
        assertFalse(installed.loopbackOnly());
        assertEquals("0.0.0.0", Settings.fromEnvironment(Map.of("FSC_BIND_ADDRESS", "0.0.0.0")).bindAddress());
    }

    @Test
    void refusesToPutTheDemoLoginsOnTheNetworkUnlessAskedForExplicitly() {
        StartupProblem problem = assertThrows(StartupProblem.class,
                () -> Settings.fromEnvironment(Map.of("FSC_BIND_ADDRESS", "0.0.0.0")).requireDemoNotExposed());
        assertTrue(problem.getMessage().contains("FSC_DEMO_DATA"), problem.getMessage());
        assertFalse(problem.getMessage().contains("\n"), problem.getMessage());

        Settings asked = Settings.fromEnvironment(Map.of("FSC_BIND_ADDRESS", "0.0.0.0", "FSC_DEMO_DATA", "true"));
        asked.requireDemoNotExposed();
        assertFalse(asked.refuseExposedDemoLogins());
        Settings without = Settings.fromEnvironment(Map.of("FSC_BIND_ADDRESS", "0.0.0.0", "FSC_DEMO_DATA", "false"));
        without.requireDemoNotExposed();
        assertTrue(without.refuseExposedDemoLogins(), "an old folder's demo logins must not go on the network either");
        assertFalse(Settings.fromEnvironment(Map.of()).refuseExposedDemoLogins());
    }

    @Test
    void theEmbeddedDatabaseIsDurableUnlessSwitchedOffByName() {
        assertTrue(Settings.fromEnvironment(Map.of()).durableEmbeddedDatabase());
        assertFalse(Settings.fromEnvironment(Map.of("FSC_EMBEDDED_DB_DURABLE", "false")).durableEmbeddedDatabase());
        StartupProblem problem = assertThrows(StartupProblem.class,
                () -> Settings.fromEnvironment(Map.of("FSC_EMBEDDED_DB_DURABLE", "no")));
        assertTrue(problem.getMessage().contains("FSC_EMBEDDED_DB_DURABLE"), problem.getMessage());
    }

    @Test
    void aMalformedDatabaseUrlIsNotEchoedBecauseItMayHoldAPassword() {
        StartupProblem problem = assertThrows(StartupProblem.class,
                () -> Settings.fromEnvironment(Map.of("FSC_DB_URL", "mysql://db/fsc?password=s3cret")));
        assertTrue(problem.getMessage().contains("FSC_DB_URL"), problem.getMessage());
        assertFalse(problem.getMessage().contains("s3cret"), problem.getMessage());
    }

    @Test
    void aBadPortNamesTheVariable() {
        StartupProblem problem = assertThrows(StartupProblem.class, () -> Settings.fromEnvironment(Map.of("FSC_HTTP_PORT", "eighty")));
        assertTrue(problem.getMessage().contains("FSC_HTTP_PORT"), problem.getMessage());
    }

    @Test
    void aTakenPortNamesTheVariableToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            StartupProblem problem = assertThrows(StartupProblem.class,
                    () -> Settings.requireFreePort(taken.getLocalPort(), "FSC_MQTT_PORT"));
            assertTrue(problem.getMessage().contains("already in use"), problem.getMessage());
            assertTrue(problem.getMessage().contains("FSC_MQTT_PORT="), problem.getMessage());
        }
    }
}
