package dk.fsc.service.platform.embedded;

import com.codahale.metrics.Counter;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import dk.fsc.service.platform.startup.StartupProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 5 broker (HiveMQ Community Edition) inside the JVM, for the demo and for tests on a
 * machine without Mosquitto. Queued messages persist in its folder. When given a
 * {@link BrokerAccess}, devices must log in and may publish only under their own topic.
 */
public final class EmbeddedBroker implements AutoCloseable {
    /** Messages a session may have queued (the gateway's, while it is away or behind), as ops/mosquitto sets. */
    public static final int MAX_QUEUED_MESSAGES = 1_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    private final EmbeddedHiveMQ hivemq;
    private final int port;
    private final ScheduledExecutorService dropWatch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fsc-broker-drops");
        t.setDaemon(true);
        return t;
    });
    private long dropsReported;

    private EmbeddedBroker(EmbeddedHiveMQ hivemq, int port) {
        this.hivemq = hivemq;
        this.port = port;
        dropWatch.scheduleWithFixedDelay(this::reportDrops, 5, 5, TimeUnit.SECONDS);
    }

    /**
     * Messages the broker accepted and then dropped since it started (a full queue, a failed
     * delivery): each one a reading a device thinks delivered. Should stay 0; exported as
     * {@code fsc_broker_messages_dropped_total} and logged as an error when it grows.
     */
    public long droppedMessages() {
        Counter dropped = hivemq.getMetricRegistry().getCounters().get("com.hivemq.messages.dropped.count");
        return dropped == null ? 0 : dropped.getCount();
    }

    private synchronized void reportDrops() {
        long now = droppedMessages();
        if (now > dropsReported) {
            LOG.error("The embedded MQTT broker dropped {} messages it had acknowledged ({} since start): a device will not "
                    + "resend them. Cause: a session's queue was full (max {}) or a delivery failed; see docs/mqtt.md",
                    now - dropsReported, now, MAX_QUEUED_MESSAGES);
            dropsReported = now;
        }
    }

    /**
     * @param folder where configuration and persistent sessions live
     * @param access who may connect and what they may do; null lets anyone do anything (tests)
     */
    public static EmbeddedBroker start(Path folder, String bindAddress, int port, BrokerAccess access) {
        try {
            Path config = Files.createDirectories(folder.resolve("conf"));
            Files.writeString(config.resolve("config.xml"), """
                    <?xml version="1.0"?>
                    <hivemq>
                      <listeners>
                        <tcp-listener><port>%d</port><bind-address>%s</bind-address></tcp-listener>
                      </listeners>
                      <mqtt>
                        <packets><max-packet-size>25165824</max-packet-size></packets>
                        <!-- A session's queue: the default (1000) let a burst from one device be acknowledged and
                             then dropped while the gateway caught up. Queues are on disk; one per session. -->
                        <queued-messages><max-queue-size>%d</max-queue-size><strategy>discard</strategy></queued-messages>
                      </mqtt>
                      <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(port, bindAddress, MAX_QUEUED_MESSAGES));
            var builder = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(config)
                    .withDataFolder(Files.createDirectories(folder.resolve("data")))
                    .withExtensionsFolder(Files.createDirectories(folder.resolve("extensions")))
                    .withoutLoggingBootstrap();
            if (access != null) {
                builder.withEmbeddedExtension(accessExtension(access));
            }
            EmbeddedHiveMQ hivemq = builder.build();
            hivemq.start().get(60, TimeUnit.SECONDS);
            return new EmbeddedBroker(hivemq, port);
        } catch (IOException e) {
            throw new StartupProblem("Could not prepare the embedded MQTT broker's folder " + folder + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new StartupProblem("Could not start the embedded MQTT broker on port " + port + ": " + e.getMessage()
                    + ". Set FSC_MQTT_PORT to a free port, or FSC_MQTT_URL to use an installed broker.", e);
        }
    }

    private static EmbeddedExtension accessExtension(BrokerAccess access) {
        return EmbeddedExtension.builder()
                .withId("fsc-device-access")
                .withName("FSC device access")
                .withVersion("1")
                .withExtensionMain(new ExtensionMain() {
                    @Override
                    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
                        Services.securityRegistry().setAuthenticatorProvider(provider -> access);
                    }

                    @Override
                    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
                    }
                })
                .build();
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        dropWatch.shutdownNow();
        reportDrops();
        try {
            hivemq.stop().get(30, TimeUnit.SECONDS);
            hivemq.close();
        } catch (Exception e) {
            // ending anyway; persisted sessions are flushed by HiveMQ on stop where it can
        }
        LOG.info("Embedded MQTT broker stopped");
    }
}
