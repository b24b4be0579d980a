package dk.fsc.service.console;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * The console's settings (application.yml, {@code fsc.console.*}).
 *
 * @param idle          FSC_CONSOLE_IDLE: a session with no request for this long is signed out
 * @param warnBefore    how long before that the page warns and offers to stay signed in
 * @param secureCookie  FSC_CONSOLE_SECURE_COOKIE: always mark the cookie Secure (it is anyway when
 *                      the request came over TLS or through a proxy saying X-Forwarded-Proto: https)
 */
@ConfigurationProperties("fsc.console")
public record ConsoleSettings(Duration idle, Duration warnBefore, boolean secureCookie) {
}
