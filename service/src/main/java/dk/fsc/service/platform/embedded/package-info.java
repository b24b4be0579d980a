/**
 * The embedded PostgreSQL (durable by default) and HiveMQ broker with its device access control,
 * used when no server is configured. Started by platform.startup only.
 */
package dk.fsc.service.platform.embedded;
