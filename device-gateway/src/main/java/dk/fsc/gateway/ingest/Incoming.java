package dk.fsc.gateway.ingest;

/**
 * One MQTT message as it arrived, waiting for its batch to commit.
 *
 * @param mqttId      the packet id to acknowledge after commit
 * @param epoch        the connection it arrived on; an ack is only valid on that connection
 * @param arrivedNanos when it arrived ({@link System#nanoTime()}), for the age of the oldest unacknowledged message
 */
record Incoming(String topic, byte[] payload, int mqttId, int qos, long epoch, long arrivedNanos) {
}
