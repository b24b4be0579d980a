/**
 * The interfaces through which the service puts messages into the gateway's chain: replays of
 * quarantined messages, and device messages that came in over HTTP (FHIR) rather than MQTT.
 */
package dk.fsc.gateway.replay;
