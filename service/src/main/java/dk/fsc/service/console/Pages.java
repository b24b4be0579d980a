package dk.fsc.service.console;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.util.locale.HttpLocaleResolver;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.views.thymeleaf.ThymeleafViewsRenderer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one way the console renders: a template of {@code resources/views/} with the model given
 * and what every page needs (the signed-in session and its CSRF token, the language, the
 * {@link Format} for dates and numbers, the idle timeout). A fragment is named as
 * {@code "view :: fragment"} (the live worklist sends rows this way).
 */
@Singleton
public class Pages {
    private final ThymeleafViewsRenderer<Map<String, Object>> renderer;
    private final HttpLocaleResolver locales;
    private final ConsoleSettings settings;

    Pages(ThymeleafViewsRenderer<Map<String, Object>> renderer, HttpLocaleResolver locales, ConsoleSettings settings) {
        this.renderer = renderer;
        this.locales = locales;
        this.settings = settings;
    }

    /** A whole page, 200 text/html. */
    public MutableHttpResponse<String> page(HttpRequest<?> request, String view, Map<String, Object> model) {
        return HttpResponse.ok(render(request, view, model)).contentType(MediaType.TEXT_HTML_TYPE.toString() + ";charset=utf-8");
    }

    public String render(HttpRequest<?> request, String view, Map<String, Object> model) {
        Map<String, Object> all = new HashMap<>(model);
        Locale locale = locale(request);
        all.put("fmt", new Format(locale, Instant.now()));
        all.put("lang", locale.getLanguage());
        all.put("path", request.getPath());
        all.put("idleSeconds", settings.idle().toSeconds());
        all.put("warnSeconds", settings.warnBefore().toSeconds());
        request.getUserPrincipal(Authentication.class)
                .filter(a -> a.getAttributes().containsKey(ConsoleSession.CSRF_ATTRIBUTE))
                .map(ConsoleSession::of)
                .ifPresent(s -> {
                    all.put("me", s);
                    all.put("csrf", s.csrfToken());
                });
        all.putIfAbsent("csrf", "");
        StringWriter out = new StringWriter(16_384);
        try {
            renderer.render(view, all, request).writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public Locale locale(HttpRequest<?> request) {
        return locales.resolveOrDefault(request);
    }

    public Format format(HttpRequest<?> request) {
        return new Format(locale(request), Instant.now());
    }
}
