/**
 * Infrastructure shared by every feature, split by concern into the sub-packages; none of them
 * depends on a feature package (platform.security only on staff's role names).
 */
package dk.fsc.service.platform;
