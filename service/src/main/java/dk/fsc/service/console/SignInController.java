package dk.fsc.service.console;

import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.authentication.AuthenticationFailed;
import io.micronaut.security.authentication.AuthenticationFailureReason;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.authentication.Authenticator;
import io.micronaut.security.authentication.UsernamePasswordCredentials;
import io.micronaut.security.rules.SecurityRule;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Signing in with a built-in account (the same accounts, lockout and roles as {@code POST /login}),
 * signing out, staying signed in when the idle warning is answered, and the page language.
 */
@Controller(produces = MediaType.TEXT_HTML)
class SignInController {
    static final String SIGN_IN = "/sign-in";
    static final String LOGIN_CSRF_COOKIE = "fsc_login_csrf";
    static final String LANGUAGE_COOKIE = "fsc_lang";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Authenticator<HttpRequest<?>> authenticator;
    private final ConsoleSessions sessions;
    private final ConsoleSettings settings;
    private final Pages pages;
    private final SignInOptions options;

    SignInController(Authenticator<HttpRequest<?>> authenticator, ConsoleSessions sessions, ConsoleSettings settings,
                     Pages pages, SignInOptions options) {
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.settings = settings;
        this.pages = pages;
        this.options = options;
    }

    /** The form for people with a built-in account (sign in through the region's provider too, when configured). */
    @Get(SIGN_IN)
    @Secured(SecurityRule.IS_ANONYMOUS)
    HttpResponse<String> form(HttpRequest<?> request, @Nullable @QueryValue String next, @Nullable @QueryValue String expired,
                              @Nullable @QueryValue("signed-out") String signedOut,
                              @Nullable @QueryValue("provider-failed") String providerFailed) {
        Map<String, Object> model = new HashMap<>();
        if (providerFailed != null) {
            model.put("problem", "signIn.providerFailed");
        } else if (expired != null) {
            model.put("notice", "signIn.expired");
        } else if (signedOut != null) {
            model.put("notice", "signIn.signedOut");
        }
        return form(request, next, model, "");
    }

    @Post(value = SIGN_IN, consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(SecurityRule.IS_ANONYMOUS)
    @ExecuteOn(TaskExecutors.BLOCKING)
    HttpResponse<String> signIn(HttpRequest<?> request, @Body Map<String, String> form) {
        String username = form.getOrDefault("username", "").strip();
        String password = form.getOrDefault("password", "");
        String next = form.get("next");
        if (!options.passwordsAllowed()) {
            return form(request, next, Map.of("problem", "signIn.passwordsOff"), username);
        }
        if (username.isEmpty() || password.isEmpty()) {
            return form(request, next, Map.of("problem", "signIn.missing"), username);
        }
        AuthenticationResponse answer = Mono.from(authenticator.authenticate(request, new UsernamePasswordCredentials(username, password)))
                .blockOptional().orElse(AuthenticationResponse.failure());
        if (!answer.isAuthenticated() || answer.getAuthentication().isEmpty()) {
            String problem = answer instanceof AuthenticationFailed f && f.getReason() == AuthenticationFailureReason.ACCOUNT_LOCKED
                    ? "signIn.locked" : "signIn.wrong";
            return form(request, next, Map.of("problem", problem), username);
        }
        Authentication who = answer.getAuthentication().get();
        StaffUser user = StaffUser.of(who);
        ConsoleSessions.Opened opened = sessions.open(user.username(), user.role(), user.organisationId(), "password");
        return signedIn(request, opened, next);
    }

    /** The response that starts a session (a form's or the provider's): its cookie, and on to where the person was going. */
    MutableHttpResponse<String> signedIn(HttpRequest<?> request, ConsoleSessions.Opened opened, @Nullable String next) {
        return HttpResponse.<String>seeOther(URI.create(safeNext(next)))
                .cookie(cookie(request, SessionAuthentication.COOKIE, opened.cookieValue(), null))
                .cookie(cookie(request, LOGIN_CSRF_COOKIE, "", Duration.ZERO));
    }

    // A form post: without consumes the route takes JSON only and the form gets 415.
    @Post(value = "/sign-out", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(SecurityRule.IS_AUTHENTICATED)
    @ExecuteOn(TaskExecutors.BLOCKING)
    HttpResponse<?> signOut(HttpRequest<?> request, Authentication auth) {
        Object hash = auth.getAttributes().get(ConsoleSession.SESSION_ATTRIBUTE);
        if (hash != null) {
            sessions.close(hash.toString());
        }
        return HttpResponse.seeOther(URI.create(SIGN_IN + "?signed-out=true"))
                .cookie(cookie(request, SessionAuthentication.COOKIE, "", Duration.ZERO));
    }

    /** The idle warning's "stay signed in": any request restarts the idle clock, this one does nothing else. */
    @Get("/session/alive")
    @Secured(SecurityRule.IS_AUTHENTICATED)
    HttpResponse<?> alive() {
        return HttpResponse.noContent();
    }

    /** Switches the console's language (da or en) and goes back. */
    @Get("/language")
    @Secured(SecurityRule.IS_ANONYMOUS)
    HttpResponse<?> language(HttpRequest<?> request, @QueryValue String lang, @Nullable @QueryValue String next) {
        String chosen = "en".equals(lang) ? "en" : "da";
        return HttpResponse.seeOther(URI.create(safeNext(next)))
                .cookie(cookie(request, LANGUAGE_COOKIE, chosen, Duration.ofDays(365)).httpOnly(true));
    }

    private HttpResponse<String> form(HttpRequest<?> request, @Nullable String next, Map<String, Object> extra, String username) {
        String token = request.getCookies().findCookie(LOGIN_CSRF_COOKIE).map(Cookie::getValue).filter(v -> v.length() > 20)
                .orElseGet(SignInController::random);
        Map<String, Object> model = new HashMap<>(extra);
        model.put("loginCsrf", token);
        model.put("next", safeNext(next));
        model.put("username", username);
        model.put("passwords", options.passwordsAllowed());
        model.put("provider", options.providerConfigured());
        return pages.page(request, "sign-in", model)
                .cookie(cookie(request, LOGIN_CSRF_COOKIE, token, Duration.ofHours(2)));
    }

    /** Only a path of this console: never another site (an open redirect would help phishing). */
    static String safeNext(@Nullable String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.startsWith(SIGN_IN)) {
            return "/";
        }
        return next;
    }

    Cookie cookie(HttpRequest<?> request, String name, String value, @Nullable Duration maxAge) {
        Cookie c = Cookie.of(name, value).httpOnly(true).path("/").sameSite(SameSite.Strict)
                .secure(settings.secureCookie() || request.isSecure()
                        || "https".equalsIgnoreCase(request.getHeaders().get("X-Forwarded-Proto")));
        if (maxAge != null) {
            c.maxAge(maxAge);
        }
        return c;
    }

    private static String random() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
