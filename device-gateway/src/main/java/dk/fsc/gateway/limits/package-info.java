/**
 * Rate limiting (token bucket per device), plain Java; the service uses it for its HTTP rate
 * limits too. And whether the gateway is behind its broker ({@code GatewayBacklog}), which the
 * service's evaluation workers read to give storing precedence during a flood.
 */
package dk.fsc.gateway.limits;
