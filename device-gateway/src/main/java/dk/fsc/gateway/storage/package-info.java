/**
 * The write statements the gateway and the service share: the one insert of readings and the one
 * evaluation-request upsert with its urgency rule. Plain Java building SQL parameters; the
 * service may use it (unlike ingest).
 */
package dk.fsc.gateway.storage;
