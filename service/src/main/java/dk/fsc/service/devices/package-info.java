/**
 * Device registry: registration, MQTT broker accounts (Mosquitto dynamic security or the
 * embedded broker), device health and the tickets it opens. Uses logistics and tickets.
 */
package dk.fsc.service.devices;
