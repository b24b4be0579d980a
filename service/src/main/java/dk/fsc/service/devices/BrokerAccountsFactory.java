package dk.fsc.service.devices;

import dk.fsc.gateway.GatewayConfig;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses how device accounts reach the broker ({@code fsc.mqtt-accounts.kind}):
 * {@code registry} (default; the embedded broker reads the devices table) or
 * {@code mosquitto-dynsec} (Mosquitto 2 with the dynamic-security plugin; needs the admin
 * account in {@code fsc.mqtt-accounts.username/password}).
 */
@Factory
class BrokerAccountsFactory {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerAccountsFactory.class);

    @Singleton
    @Bean(preDestroy = "close")
    BrokerAccounts brokerAccounts(@Value("${fsc.mqtt-accounts.kind:registry}") String kind,
                                        @Value("${fsc.mqtt-accounts.url:}") String url, GatewayConfig gateway,
                                        @Value("${fsc.mqtt-accounts.username:}") String username,
                                        @Value("${fsc.mqtt-accounts.password:}") String password) {
        BrokerAccounts accounts = switch (kind) {
            case "registry" -> new RegistryAccounts();
            case "mosquitto-dynsec" -> {
                if (username.isBlank()) {
                    throw new ConfigurationException("fsc.mqtt-accounts.kind=mosquitto-dynsec needs FSC_MQTT_ADMIN_USERNAME and "
                            + "FSC_MQTT_ADMIN_PASSWORD: the dynamic-security admin account (see docs/mqtt.md)");
                }
                yield new MosquittoDynamicSecurity(url.isBlank() ? gateway.getBrokerUrl() : url, username, password);
            }
            default -> throw new ConfigurationException("fsc.mqtt-accounts.kind must be registry or mosquitto-dynsec, not '" + kind + "'");
        };
        LOG.info("Device MQTT accounts are kept in {}", accounts.describe());
        return accounts;
    }
}
