package dk.fsc.service.console;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.filter.FilterContinuation;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.http.server.filter.FilterBodyParser;
import io.micronaut.security.authentication.Authentication;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Every state-changing request of the console carries its session's CSRF token: a form in the
 * {@value #FIELD} field, a script in the {@value #HEADER} header. Without it, or with another
 * session's, the answer is 403 and nothing is changed. Sign-in has no session yet: its form
 * carries the token of a short-lived cookie instead (double submit, {@link SignInController}). A
 * file upload (multipart) carries it in a {@value #FIELD} part, which its route checks with
 * {@link #tokenMatches} before anything else, since the body is not read before the route.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class CsrfCheck implements Ordered {
    static final String FIELD = "_csrf";
    static final String HEADER = "X-CSRF-Token";
    /** The console's one multipart route: a nurse's wound photo (WoundsPageController.photo). */
    private static final java.util.regex.Pattern UPLOAD = java.util.regex.Pattern.compile("/patients/[0-9a-fA-F-]{36}/wounds/[0-9a-fA-F-]{36}/photos");
    private final FilterBodyParser bodies;

    CsrfCheck(FilterBodyParser bodies) {
        this.bodies = bodies;
    }

    /** After security (which finds the session), before the route runs. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }

    @RequestFilter
    Publisher<MutableHttpResponse<?>> check(HttpRequest<?> request, FilterContinuation<Publisher<MutableHttpResponse<?>>> next) {
        if (isSafe(request.getMethod()) || ConsolePaths.isApi(request.getPath())) {
            return next.proceed();
        }
        String expected = expectedToken(request);
        if (expected == null) {
            return next.proceed(); // not signed in: the route's own @Secured answers (sign in again)
        }
        String header = request.getHeaders().get(HEADER);
        if (header != null) {
            return matches(header, expected) ? next.proceed() : refused();
        }
        if (request.getContentType().map(t -> t.matches(MediaType.MULTIPART_FORM_DATA_TYPE)).orElse(false)) {
            // A file upload's body is not read before the route: the one route that takes one checks
            // its _csrf part itself (tokenMatches) before it does anything. Any other is refused.
            return UPLOAD.matcher(request.getPath()).matches() ? next.proceed() : refused();
        }
        if (!request.getContentType().map(t -> t.matches(MediaType.APPLICATION_FORM_URLENCODED_TYPE)).orElse(false)) {
            return refused();
        }
        return Mono.fromFuture(bodies.parseBody(request))
                .map(form -> Optional.ofNullable(form.get(FIELD)).map(Object::toString).orElse(""))
                .defaultIfEmpty("")
                .flatMapMany(token -> matches(token, expected) ? next.proceed() : refused());
    }

    /** Whether a token sent in a multipart form's {@value #FIELD} part is the session's (the upload route asks). */
    public static boolean tokenMatches(Authentication auth, @io.micronaut.core.annotation.Nullable String given) {
        Object expected = auth.getAttributes().get(ConsoleSession.CSRF_ATTRIBUTE);
        return given != null && expected instanceof String e && matches(given, e);
    }

    private static String expectedToken(HttpRequest<?> request) {
        if (request.getPath().equals(SignInController.SIGN_IN)) {
            return request.getCookies().findCookie(SignInController.LOGIN_CSRF_COOKIE).map(c -> c.getValue()).orElse("");
        }
        return request.getUserPrincipal(Authentication.class)
                .map(a -> (String) a.getAttributes().get(ConsoleSession.CSRF_ATTRIBUTE))
                .orElse(null);
    }

    private static boolean isSafe(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS;
    }

    private static boolean matches(String given, String expected) {
        return !expected.isEmpty() && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private static Publisher<MutableHttpResponse<?>> refused() {
        return Mono.just(HttpResponse.status(HttpStatus.FORBIDDEN).body(Map.of("reason", "csrf")));
    }
}
