/**
 * The console people work in, served at {@code /} (the API stays under {@code /api}): sign-in
 * and the browser session ({@link dk.fsc.service.console.ConsoleSessions}, a cookie, CSRF tokens,
 * idle timeout), the shared page frame and error pages. Pages by audience live below
 * ({@code nurse/}); they call the features' stores and services, never the HTTP API, and hold no
 * SQL of their own. Templates are in {@code resources/views/}, every text in
 * {@code resources/i18n/messages*.properties} (Danish first, English selectable).
 */
package dk.fsc.service.console;
