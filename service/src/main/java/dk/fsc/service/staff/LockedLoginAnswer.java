package dk.fsc.service.staff;

import dk.fsc.service.platform.web.Problem;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Answers a login refused because the account is locked ({@link LoginLockout}) with 429
 * problem+json and Retry-After instead of the 401 the login endpoint gives every refusal: the
 * caller learns to wait, and that even the right password will not do until then.
 */
@ServerFilter("/login")
class LockedLoginAnswer {
    /** Request attribute set by the authentication provider: seconds the account stays locked. */
    static final String LOCKED_SECONDS = "fsc.login.locked-seconds";

    @ResponseFilter
    @SuppressWarnings("unchecked") // the 401 body is replaced by a Problem
    void lockedAccount(HttpRequest<?> request, MutableHttpResponse<?> response) {
        Long seconds = request.getAttribute(LOCKED_SECONDS, Long.class).orElse(null);
        if (seconds == null || response.code() != HttpStatus.UNAUTHORIZED.getCode()) {
            return;
        }
        Problem body = new Problem("about:blank", HttpStatus.TOO_MANY_REQUESTS.getReason(), 429,
                "Too many failed logins for this account in a row; it is locked: wait " + seconds + " s and try again.",
                request.getPath());
        response.status(HttpStatus.TOO_MANY_REQUESTS);
        ((MutableHttpResponse<Object>) response).body(body).contentType(Problem.MEDIA_TYPE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
    }
}
