/**
 * Simulated home devices (kits, message shapes, fleet, log of what was sent) that the run
 * command's demo publishes with; the load and fault tools in tools/ build on it.
 */
package dk.fsc.service.simulator;
