/**
 * Messages the gateway could not store: listing, reading and replaying them through the
 * gateway's replay interface. FSC roles only.
 */
package dk.fsc.service.quarantine;
