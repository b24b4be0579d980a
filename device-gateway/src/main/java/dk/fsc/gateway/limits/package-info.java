/**
 * Rate limiting (token bucket per device), plain Java; the service uses it for its HTTP rate
 * limits too.
 */
package dk.fsc.gateway.limits;
