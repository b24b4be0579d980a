/**
 * The service: the HTTP API and the domain, one package per feature. Application is the run
 * command's main. Feature packages may use platform and each other's public stores; platform may
 * not use features (ArchitectureTest).
 */
package dk.fsc.service;
