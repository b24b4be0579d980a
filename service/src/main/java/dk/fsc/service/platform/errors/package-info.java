/**
 * What domain code raises when it refuses a request (Refusal, with a kind and a message safe to
 * show) and shared input checks (Times). Plain Java: no HTTP, no database.
 */
package dk.fsc.service.platform.errors;
