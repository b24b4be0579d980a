package dk.fsc.service.platform.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * One spelling per route: a path with a trailing slash or an empty segment ({@code /login/},
 * {@code /sign-in//}) is sent to its canonical form with 308 (the method and body kept), before
 * any other filter looks at it. The router takes {@code /login/} for {@code /login}, but the
 * filters that compare paths did not: the login rate limit, the locked-account answer and the
 * sign-in form's CSRF check could each be passed by adding a slash (security review).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class CanonicalPaths implements Ordered {

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> canonical(HttpRequest<?> request) {
        String path = request.getPath();
        String canonical = canonical(path);
        if (canonical.equals(path)) {
            return null;
        }
        String query = request.getUri().getRawQuery();
        return HttpResponse.status(HttpStatus.PERMANENT_REDIRECT)
                .header(HttpHeaders.LOCATION, query == null ? canonical : canonical + "?" + query);
    }

    /** The path without empty segments and without a trailing slash ("/" stays "/"). */
    static String canonical(String path) {
        if (path.length() <= 1 || !path.endsWith("/") && !path.contains("//")) {
            return path;
        }
        String collapsed = path.replaceAll("/{2,}", "/");
        return collapsed.length() > 1 && collapsed.endsWith("/") ? collapsed.substring(0, collapsed.length() - 1) : collapsed;
    }
}
