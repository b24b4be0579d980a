/**
 * Small helpers for the service's own MQTT clients (Paho MQTT 5).
 */
package dk.fsc.service.platform.mqtt;
