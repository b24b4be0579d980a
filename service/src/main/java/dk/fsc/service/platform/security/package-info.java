/**
 * Security shared by all features: password hashing, CPR encryption and re-keying, token
 * issuers, citizen roles, rate limits, security headers.
 */
package dk.fsc.service.platform.security;
