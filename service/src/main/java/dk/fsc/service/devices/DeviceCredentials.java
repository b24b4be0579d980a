package dk.fsc.service.devices;

import dk.fsc.gateway.contract.DeviceTopic;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.serde.annotation.Serdeable;
import java.util.Arrays;
import java.util.List;

/**
 * A device's MQTT account as issued: the password is not stored in clear and is shown only in this
 * answer (the API's, or the console's page right after registering), with the topics it may use.
 */
@Serdeable
@Introspected
public record DeviceCredentials(String deviceId, String mqttUsername, String mqttPassword, List<String> publishTopics,
                                String repliesTopic, String accounts) {
    static DeviceCredentials of(String id, String password, String accounts) {
        List<String> topics = Arrays.stream(DeviceTopic.Kind.values()).map(k -> DeviceTopic.PREFIX + id + "/" + k.name()).toList();
        return new DeviceCredentials(id, id, password, topics, DeviceTopic.repliesTopic(id), accounts);
    }
}
