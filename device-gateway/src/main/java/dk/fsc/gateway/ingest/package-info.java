/**
 * The MQTT and database side of the gateway: session and acknowledgements (MqttIngest), the
 * chain each message goes through, the batch transaction, replies, quarantine, metrics.
 * Internal: the service may not use it.
 */
package dk.fsc.gateway.ingest;
