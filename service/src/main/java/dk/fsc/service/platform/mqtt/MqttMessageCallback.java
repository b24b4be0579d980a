package dk.fsc.service.platform.mqtt;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A Paho callback for a client that only cares about the messages it receives: a lambda for
 * {@code messageArrived}, every other event ignored. (Paho's per-subscription listeners are not
 * called reliably by its MQTT 5 client, so a callback it is.)
 */
@FunctionalInterface
public interface MqttMessageCallback extends MqttCallback {

    @Override
    void messageArrived(String topic, MqttMessage message);

    @Override
    default void disconnected(MqttDisconnectResponse response) {
    }

    @Override
    default void mqttErrorOccurred(MqttException exception) {
    }

    @Override
    default void deliveryComplete(IMqttToken token) {
    }

    @Override
    default void connectComplete(boolean reconnect, String serverUri) {
    }

    @Override
    default void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
}
