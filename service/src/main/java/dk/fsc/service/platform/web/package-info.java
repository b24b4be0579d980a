/**
 * HTTP edges shared by all controllers: problem+json for every error (ProblemResponseProcessor),
 * Refusal to status (RefusalHandler, the one exception mapping), CSV downloads.
 */
package dk.fsc.service.platform.web;
