/**
 * The clinical rules in plain Java: TOBS scoring, thresholds, weight trend, pauses, overall
 * colour. No framework, no database, no HTTP (ArchitectureTest); may use the gateway's contract
 * for types and ranges.
 */
package dk.fsc.service.alerts.scoring;
