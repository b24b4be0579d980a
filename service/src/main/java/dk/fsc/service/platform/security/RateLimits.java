package dk.fsc.service.platform.security;

import dk.fsc.gateway.limits.RateLimiter;
import dk.fsc.service.platform.web.Problem;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.http.server.util.HttpClientAddressResolver;
import java.security.Principal;

/**
 * A rate limit per account (per client address for callers without a token, and a stricter one
 * for {@code POST /login} against password guessing), answered with 429 problem+json and
 * Retry-After. Runs after the security filter, so the account is known.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class RateLimits implements Ordered {
    private final RateLimiter accounts;
    private final RateLimiter logins;

    private final HttpClientAddressResolver addresses;

    RateLimits(HttpClientAddressResolver addresses, @Value("${fsc.rate-limit.requests-per-second:20}") double perSecond,
                  @Value("${fsc.rate-limit.burst:200}") int burst,
                  @Value("${fsc.rate-limit.logins-per-minute:60}") double loginsPerMinute) {
        this.addresses = addresses;
        this.accounts = new RateLimiter(perSecond, burst);
        this.logins = new RateLimiter(loginsPerMinute / 60.0, (int) Math.max(1, loginsPerMinute));
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> limit(HttpRequest<?> request) {
        // The client's address; behind a proxy, set micronaut.server.client-address-header (e.g. X-Forwarded-For).
        String address = addresses.resolve(request);
        if (address == null) {
            address = request.getRemoteAddress().getAddress().getHostAddress(); // the configured header was missing
        }
        // Password guesses: the API's login and the console's sign-in form (paths canonical by CanonicalPaths).
        if (request.getPath().equals("/login") || request.getPath().equals("/sign-in") && request.getMethod() == io.micronaut.http.HttpMethod.POST) {
            return refusal(request, logins.take("login " + address), "Too many login attempts from your address; wait ");
        }
        String account = request.getUserPrincipal().map(Principal::getName).map(n -> "account " + n).orElse("address " + address);
        return refusal(request, accounts.take(account), "Too many requests for your account; wait ");
    }

    private static HttpResponse<?> refusal(HttpRequest<?> request, long waitSeconds, String message) {
        if (waitSeconds == 0) {
            return null;
        }
        Problem body = new Problem("about:blank", HttpStatus.TOO_MANY_REQUESTS.getReason(), 429,
                message + waitSeconds + " s and try again.", request.getPath());
        return HttpResponse.status(HttpStatus.TOO_MANY_REQUESTS).body(body).contentType(Problem.MEDIA_TYPE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(waitSeconds));
    }
}
