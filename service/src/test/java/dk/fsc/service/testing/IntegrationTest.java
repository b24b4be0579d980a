package dk.fsc.service.testing;

import dk.fsc.service.platform.security.PasswordHasher;
import io.micronaut.test.support.TestPropertyProvider;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of tests that start the service (with the gateway in-process) against the real database
 * and broker of {@link TestInfrastructure}. Each test class gets its own gateway session and
 * shared-subscription group, so it never takes messages meant for another process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class IntegrationTest implements TestPropertyProvider {

    protected final String runId = UUID.randomUUID().toString().substring(0, 8);

    @Override
    public Map<String, String> getProperties() {
        TestInfrastructure.Database db = TestInfrastructure.database();
        Map<String, String> p = new HashMap<>();
        p.put("datasources.default.url", db.url());
        p.put("datasources.default.username", db.user() == null ? "" : db.user());
        p.put("datasources.default.password", db.password() == null ? "" : db.password());
        p.put("fsc.gateway.enabled", "true");
        p.put("fsc.gateway.broker-url", TestInfrastructure.brokerUrl());
        p.put("fsc.gateway.client-id", "fsc-test-gateway-" + runId);
        // Long enough for every redelivery a test waits for; short so a shared broker does not keep
        // queueing all later traffic for the sessions of finished test runs (the default is 7 days).
        p.put("fsc.gateway.session-expiry", "10m");
        // Embedded HiveMQ CE: a plain subscription, as the run command uses it (its shared-subscription
        // delivery can stall on back-to-back messages; docs/mqtt.md). Other brokers: a group of this class's own.
        p.put("fsc.gateway.share-group", TestInfrastructure.brokerKind().equals("embedded") ? "" : "fsc-test-" + runId);
        p.put("micronaut.server.port", "-1");
        p.put("micronaut.security.token.jwt.signatures.secret.generator.secret", PasswordHasher.randomSecret(48));
        p.put("fsc.cpr-key", TestInfrastructure.cprKey());
        p.put("fsc.demo.enabled", "false");
        p.put("fsc.blobs.dir", TestInfrastructure.scratch("blobs-" + runId).toString());
        return p;
    }
}
