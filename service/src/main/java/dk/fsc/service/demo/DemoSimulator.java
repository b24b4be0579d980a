package dk.fsc.service.demo;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.security.CprCipher;
import dk.fsc.service.simulator.DeviceSimulator;
import dk.fsc.service.simulator.Kit;
import dk.fsc.service.simulator.SimulatedFleet;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.sql.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code FSC_SIMULATOR_DEVICES} set, the run command also plays that many home devices
 * (COPD kits of the organisation {@code FSC_SIMULATOR_ORGANISATION}) against its broker at
 * {@code FSC_SIMULATOR_RATE} messages a second, so the demo's worklist and alert feed show life:
 * daily rhythms, a few patients deteriorating, the odd refused payload and wound photo
 * (docs/simulator.md). For demonstrations and load, never for production.
 */
@Singleton
@Requires(property = "fsc.simulator.devices", notEquals = "0")
class DemoSimulator {
    private static final Logger LOG = LoggerFactory.getLogger(DemoSimulator.class);
    private final Database db;
    private final CprCipher cpr;
    private final int devices;
    private final double rate;
    private final String organisation;
    private final String brokerUrl;
    private final String username;
    private final String password;
    private final Path log;
    private DeviceSimulator simulator;

    DemoSimulator(Database db, CprCipher cpr,
                  @Value("${fsc.simulator.devices}") int devices, @Value("${fsc.simulator.rate:2}") double rate,
                  @Value("${fsc.simulator.organisation:aarhus}") String organisation,
                  @Value("${fsc.gateway.broker-url}") String brokerUrl,
                  @Nullable @Value("${fsc.simulator.username:}") String username, @Nullable @Value("${fsc.simulator.password:}") String password,
                  @Value("${fsc.data-dir:fsc-data}") String dataDir) {
        this.db = db;
        this.cpr = cpr;
        this.devices = devices;
        this.rate = rate;
        this.organisation = organisation;
        this.brokerUrl = brokerUrl;
        // An account that may publish as any device: on the embedded broker the run command makes one.
        this.username = username;
        this.password = password;
        this.log = Path.of(dataDir).resolve("simulator-log.tsv");
    }

    @EventListener
    void onStartup(StartupEvent event) {
        try (Connection c = db.ownConnection()) {
            SimulatedFleet fleet = SimulatedFleet.create(c, organisation, Kit.named("copd", true), devices, cpr);
            DeviceSimulator.Options options = DeviceSimulator.Options.defaults(brokerUrl)
                    .withCredentials(blankToNull(username), blankToNull(password))
                    .withLoad(rate, 0, null, 1)
                    // more drama than the defaults: a quarter of the patients deteriorate within ten minutes
                    .withShares(0.01, 0.005, 0.02, 0.25, 0.1)
                    .withLog(log);
            simulator = new DeviceSimulator(fleet, options).start();
            LOG.info("Simulating {} home devices of {} at {} messages/s (development only); log: {}", fleet.devices().size(),
                    organisation, rate, log);
        } catch (Exception e) {
            LOG.warn("The device simulator did not start: {}", e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
