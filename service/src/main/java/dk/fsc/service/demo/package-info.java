/**
 * Demo data and simulated home devices for the run command in development (FSC_DEMO_DATA);
 * refuses public demo logins on an exposed server. Nothing else depends on it.
 */
package dk.fsc.service.demo;
