/**
 * Starting and stopping the whole system: Settings (every FSC_* variable), Launcher (embedded
 * servers first, then the service, stopped in reverse), local development secrets,
 * StartupProblem.
 */
package dk.fsc.service.platform.startup;
