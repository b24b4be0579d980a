/**
 * The device gateway: receives readings, status reports and photos over MQTT and stores them in
 * PostgreSQL, exactly once, acknowledging after commit. Runs inside the service or alone
 * (GatewayApplication). Knows nothing of the service (ArchitectureTest).
 */
package dk.fsc.gateway;
