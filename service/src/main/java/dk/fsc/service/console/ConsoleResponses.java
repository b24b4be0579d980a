package dk.fsc.service.console;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What the console's answers carry beyond the API's: its Content-Security-Policy (scripts and
 * styles from this server only, no inline code), caching of its assets, and pages instead of
 * problem+json when something goes wrong. Runs outside the security filter so that its refusals
 * pass here too: a page that needs a sign-in redirects to the sign-in form and comes back.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class ConsoleResponses implements Ordered {
    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private final Pages pages;

    ConsoleResponses(Pages pages) {
        this.pages = pages;
    }

    /** Outside the security filter: its refusals (401, 403) pass through here. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.before();
    }

    @ResponseFilter
    void answer(HttpRequest<?> request, MutableHttpResponse<?> response) {
        String path = request.getPath();
        if (ConsolePaths.isApi(path)) {
            return;
        }
        if (ConsolePaths.isAsset(path)) {
            if (response.code() < 400) {
                // WebJar paths name their version; the console's own files are checked again on each load.
                response.header(HttpHeaders.CACHE_CONTROL, path.startsWith("/webjars/") ? "public, max-age=604800, immutable" : "no-cache");
            }
            return;
        }
        response.header("Content-Security-Policy", POLICY);
        // Not the API's no-referrer: under it the browser sends "Origin: null" with the console's own
        // posts, which Micronaut refuses (403) on a server at localhost or 127.0.0.1 as a drive-by
        // attack (the demo's address). same-origin still sends nothing to other sites.
        response.header("Referrer-Policy", "same-origin");
        int status = response.code();
        if (status < 400 || !wantsPage(request)) {
            return;
        }
        if (status == 401) {
            if (request.getMethod() == HttpMethod.GET) {
                String query = request.getUri().getRawQuery();
                String next = query == null ? path : path + "?" + query;
                response.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION,
                        SignInController.SIGN_IN + "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
                response.body(null);
            } else {
                response.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, SignInController.SIGN_IN + "?expired=true");
                response.body(null);
            }
            return;
        }
        String key = switch (status) {
            case 403 -> isCsrf(response) ? "error.csrf" : "error.forbidden";
            case 404 -> "error.notFound";
            case 413 -> "error.tooLarge";
            case 429 -> "error.tooMany";
            case 503 -> "error.unavailable";
            default -> status >= 500 ? "error.server" : "error.badRequest";
        };
        String html = pages.render(request, "error", Map.of("status", status, "messageKey", key));
        response.body(html).contentType(MediaType.TEXT_HTML_TYPE.toString() + ";charset=utf-8");
    }

    private static boolean isCsrf(MutableHttpResponse<?> response) {
        return response.getBody(Map.class).map(m -> "csrf".equals(m.get("reason"))).orElse(false);
    }

    /** A browser navigating (not a script asking for data or a stream). */
    private static boolean wantsPage(HttpRequest<?> request) {
        return request.getHeaders().accept().stream().anyMatch(t -> t.matches(MediaType.TEXT_HTML_TYPE))
                && request.getHeaders().get("X-Requested-With") == null;
    }
}
