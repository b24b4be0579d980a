package dk.fsc.service.console;

import dk.fsc.service.platform.security.CitizenCpr;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.AuthenticationFetcher;
import jakarta.inject.Singleton;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Authenticates the console's requests by their session cookie. Requests under {@code /api} are
 * left to the bearer token: the cookie never opens the API, so the API needs no CSRF defence. A
 * citizen's session carries their CPR number as the provider's token would ({@link CitizenCpr}).
 */
@Singleton
class SessionAuthentication implements AuthenticationFetcher<HttpRequest<?>> {
    static final String COOKIE = "fsc_session";
    private final ConsoleSessions sessions;
    private final CitizenCpr citizenCpr;

    SessionAuthentication(ConsoleSessions sessions, CitizenCpr citizenCpr) {
        this.sessions = sessions;
        this.citizenCpr = citizenCpr;
    }

    @Override
    public Publisher<Authentication> fetchAuthentication(HttpRequest<?> request) {
        if (ConsolePaths.isApi(request.getPath()) || ConsolePaths.isAsset(request.getPath())) {
            return Mono.empty(); // assets are public: no session look-up per script and style
        }
        Cookie cookie = request.getCookies().get(COOKIE);
        if (cookie == null) {
            return Mono.empty();
        }
        return Mono.fromCallable(() -> sessions.find(cookie.getValue())
                        .map(found -> found.session().authentication(found.hash(),
                                found.cpr() == null ? Map.of() : Map.of(citizenCpr.claim(), found.cpr())))
                        .orElse(null))
                .subscribeOn(Schedulers.boundedElastic());
    }
}
