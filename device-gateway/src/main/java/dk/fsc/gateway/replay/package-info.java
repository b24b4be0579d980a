/**
 * The interface through which the service replays quarantined messages into the gateway's chain.
 */
package dk.fsc.gateway.replay;
