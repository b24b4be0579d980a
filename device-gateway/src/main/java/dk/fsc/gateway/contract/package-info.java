/**
 * The MQTT contract in plain Java: topics, decoders, observation types with units, ranges and
 * codes, red limits, the stable rejection codes. No framework, no database, no MQTT client; the
 * service may use it.
 */
package dk.fsc.gateway.contract;
