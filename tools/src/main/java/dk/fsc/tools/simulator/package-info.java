/**
 * The load simulator's command (bin/simulate) and the reconciliation of a simulator log with the
 * database (fault suites, --check). Builds on the service's simulated devices.
 */
package dk.fsc.tools.simulator;
