/**
 * HTTP edges shared by all controllers: problem+json for every error (ProblemResponseProcessor),
 * Refusal to status (RefusalHandler, the one exception mapping), CSV downloads, and the current
 * request's method and path for records written below the controllers (CurrentRequest).
 */
package dk.fsc.service.platform.web;
