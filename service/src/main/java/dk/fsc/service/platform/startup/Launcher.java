package dk.fsc.service.platform.startup;

import dk.fsc.service.Application;
import dk.fsc.service.platform.embedded.BrokerAccess;
import dk.fsc.service.platform.embedded.EmbeddedBroker;
import dk.fsc.service.platform.embedded.EmbeddedDatabase;
import dk.fsc.service.platform.mqtt.BrokerRules;
import dk.fsc.service.platform.security.PasswordHasher;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.EmbeddedApplication;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the whole system in one JVM: the embedded PostgreSQL and MQTT broker where no URL is
 * given, then the service with the gateway hosted in-process. Closing stops them in reverse order.
 */
public final class Launcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
    private final List<AutoCloseable> started = new ArrayList<>();
    private ApplicationContext context;

    public static Launcher start(Settings settings, String... args) {
        Launcher launcher = new Launcher();
        try {
            launcher.startAll(settings, args);
            return launcher;
        } catch (RuntimeException e) {
            launcher.close();
            throw e;
        }
    }

    private void startAll(Settings s, String[] args) {
        s.requireDemoNotExposed();
        Settings.requireFreePort(s.httpPort(), "FSC_HTTP_PORT");
        if (s.embeddedBroker()) {
            Settings.requireFreePort(s.mqttPort(), "FSC_MQTT_PORT");
        }
        Map<String, Object> p = new HashMap<>();
        p.put("micronaut.server.port", s.httpPort());
        p.put("fsc.data-dir", s.dataDir().toString());
        if (System.getenv("FSC_BLOB_DIR") == null) {
            p.put("fsc.blobs.dir", s.dataDir().resolve("blobs").toString());
        }

        String dbUrl = s.dbUrl();
        if (s.embeddedDatabase()) {
            LOG.info("No FSC_DB_URL: starting embedded PostgreSQL with its data in {}", s.dataDir().resolve("postgres"));
            EmbeddedDatabase db = EmbeddedDatabase.start(s.dataDir().resolve("postgres"), 0,
                    s.durableEmbeddedDatabase() ? EmbeddedDatabase.Durability.DURABLE : EmbeddedDatabase.Durability.UNSAFE_FAST);
            started.add(db);
            dbUrl = db.jdbcUrl();
        }
        p.put("datasources.default.url", dbUrl);
        p.put("datasources.default.username", s.dbUser() == null ? "" : s.dbUser());
        p.put("datasources.default.password", s.dbPassword() == null ? "" : s.dbPassword());
        // Least privilege (ops/postgres/roles.sql): the migrations as the schema's owner, the rest as FSC_DB_USER.
        String migrationUser = System.getenv("FSC_DB_MIGRATION_USER");
        if (migrationUser != null && !migrationUser.isBlank()) {
            p.put("flyway.datasources.default.url", dbUrl);
            p.put("flyway.datasources.default.user", migrationUser.strip());
            p.put("flyway.datasources.default.password", java.util.Objects.requireNonNullElse(System.getenv("FSC_DB_MIGRATION_PASSWORD"), ""));
        }

        String brokerUrl = s.mqttUrl();
        String gatewayUser = s.mqttUsername();
        String gatewayPassword = s.mqttPassword();
        String mqttHost;
        int mqttPort;
        if (s.embeddedBroker()) {
            gatewayUser = "fsc-gateway";
            gatewayPassword = PasswordHasher.randomSecret(24);
            BrokerRules.Account tool = simulatorAccount(s, p);
            LOG.info("No FSC_MQTT_URL: starting the embedded MQTT 5 broker on {}:{}", s.bindAddress(), s.mqttPort());
            EmbeddedBroker broker = EmbeddedBroker.start(s.dataDir().resolve("mqtt"), s.bindAddress(), s.mqttPort(),
                    new BrokerAccess(new BrokerRules.Account(gatewayUser, gatewayPassword), s.gatewayClientId(), tool,
                            dbUrl, s.dbUser(), s.dbPassword()));
            started.add(broker);
            brokerUrl = broker.url();
            // One gateway, in this process: a plain subscription. HiveMQ CE's shared-subscription
            // delivery was seen to stall when a device sends messages back to back (docs/mqtt.md).
            p.put("fsc.gateway.share-group", "");
            // It has no $SYS topics; it reports its drops itself (EmbeddedBrokerMetrics).
            p.put("fsc.gateway.broker-drops-topic", "");
            mqttHost = "127.0.0.1";
            mqttPort = broker.port();
        } else {
            URI uri = URI.create(brokerUrl);
            mqttHost = uri.getHost();
            mqttPort = uri.getPort() < 0 ? 1883 : uri.getPort();
        }
        p.put("fsc.gateway.enabled", s.gatewayEnabled());
        p.put("fsc.gateway.client-id", s.gatewayClientId());
        p.put("fsc.gateway.broker-url", brokerUrl);
        if (gatewayUser != null) {
            p.put("fsc.gateway.username", gatewayUser);
            p.put("fsc.gateway.password", gatewayPassword == null ? "" : gatewayPassword);
        }
        p.put("fsc.demo.enabled", s.demoData());
        p.put("fsc.demo.refuse-exposed-logins", s.refuseExposedDemoLogins());
        p.put("fsc.demo.bind-address", s.bindAddress());
        p.put("fsc.demo.mqtt-host", mqttHost);
        p.put("fsc.demo.mqtt-port", mqttPort);
        p.put("fsc.demo.http-port", s.httpPort());
        p.put("fsc.demo.credentials-file", s.dataDir().resolve("demo-credentials.json").toString());
        p.put("micronaut.security.token.jwt.signatures.secret.generator.secret",
                s.jwtSecret() != null ? s.jwtSecret() : LocalSecrets.jwtSecret(s.dataDir()));
        p.put("micronaut.server.host", s.bindAddress());
        p.put("fsc.cpr-key", s.cprKey() != null ? s.cprKey() : LocalSecrets.cprKey(s.dataDir()));
        if (s.oidcJwksUrl() != null) {
            // Staff tokens from the organisations' OpenID Connect provider, besides built-in logins.
            p.put("micronaut.security.token.jwt.signatures.jwks.oidc.url", s.oidcJwksUrl());
        }

        // Not Micronaut.run: its own shutdown hook would race ours, which must stop the
        // embedded database and broker only after the context (and the gateway) closed.
        var builder = ApplicationContext.builder(Application.class).args(args).properties(p);
        started.stream().filter(EmbeddedBroker.class::isInstance).forEach(builder::singletons);
        context = builder.start();
        context.findBean(EmbeddedApplication.class).ifPresent(EmbeddedApplication::start);
        LOG.info("FSC is running: HTTP on {}:{}{}, data in {}", s.bindAddress(), s.httpPort(),
                s.embeddedBroker() ? ", embedded MQTT broker on " + s.bindAddress() + ":" + mqttPort : ", MQTT at " + mqttHost + ":" + mqttPort,
                s.dataDir());
        if (!s.loopbackOnly() && (s.embeddedBroker() || s.embeddedDatabase())) {
            LOG.warn("The embedded servers are reachable from other machines (FSC_BIND_ADDRESS={}): the embedded set-up is "
                    + "for demos and small installations; use TLS in front of it (ops/tls)", s.bindAddress());
        }
        if (s.demoData()) {
            LOG.info("Demo logins and device credentials (development only): {}", s.dataDir().resolve("demo-credentials.json"));
        }
    }

    /**
     * The account the device simulator publishes with on the embedded broker: the one given in
     * FSC_SIMULATOR_MQTT_USERNAME / _PASSWORD, else a random one when the simulator runs.
     */
    private static BrokerRules.Account simulatorAccount(Settings s, Map<String, Object> p) {
        if (s.simulatorUsername() != null && s.simulatorPassword() != null) {
            LOG.warn("The embedded broker lets {} publish as any device (FSC_SIMULATOR_MQTT_USERNAME): development only",
                    s.simulatorUsername());
            return new BrokerRules.Account(s.simulatorUsername(), s.simulatorPassword());
        }
        if (!s.simulatorRuns()) {
            return null;
        }
        BrokerRules.Account generated = new BrokerRules.Account("fsc-simulator", PasswordHasher.randomSecret(24));
        p.put("fsc.simulator.username", generated.username());
        p.put("fsc.simulator.password", generated.password());
        return generated;
    }

    public ApplicationContext context() {
        return context;
    }

    @Override
    public synchronized void close() {
        if (context == null && started.isEmpty()) {
            return;
        }
        if (context != null && context.isRunning()) {
            context.close();
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("Stopping {}: {}", started.get(i).getClass().getSimpleName(), e.getMessage());
            }
        }
        started.clear();
        context = null;
        LOG.info("FSC stopped");
    }
}
