/**
 * The access log (who read which citizen's data, when, why) and the security log, and the
 * endpoints that read them. Every feature writes to AccessLog; audit depends on no feature but
 * patients and staff.
 */
package dk.fsc.service.audit;
