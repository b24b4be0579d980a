/** Time as the service counts it: Danish days and hours. */
package dk.fsc.service.platform.time;
