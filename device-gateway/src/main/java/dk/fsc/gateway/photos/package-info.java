/**
 * Wound photos on their way in: identifying metadata removed, thumbnail made. Plain Java image
 * handling.
 */
package dk.fsc.gateway.photos;
