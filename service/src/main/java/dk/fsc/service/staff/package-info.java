/**
 * Staff login (built-in accounts, lockout, backoff) and StaffUser, the caller a token describes.
 * Uses platform.security and platform.database only.
 */
package dk.fsc.service.staff;
