package dk.fsc.service.console;

import dk.fsc.service.platform.security.CitizenCpr;
import dk.fsc.service.platform.web.PublicUrl;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.token.RolesFinder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signing in through the region's OpenID Connect provider (authorization code with PKCE), when
 * {@code FSC_OIDC_CLIENT_ID} is set. The first request makes a state, a nonce and a code verifier,
 * keeps them in a short-lived cookie and sends the browser to the provider; the provider sends it
 * back to the callback with a code, which is exchanged for an ID token. The token's claims give
 * role and organisation exactly as a bearer token's do ({@code roles}, {@code organisation}; a
 * citizen, CPR number and no role, is {@code citizen}) and open a console session.
 */
@Controller(value = ProviderSignIn.PATH, produces = MediaType.TEXT_HTML)
@Secured(SecurityRule.IS_ANONYMOUS)
class ProviderSignIn {
    static final String PATH = "/sign-in/provider";
    static final String CALLBACK = PATH + "/callback";
    /**
     * SameSite=Lax, not Strict: the provider sends the browser back from its own site, and a Strict
     * cookie would not come along on that navigation. It holds nothing that opens anything by itself.
     */
    static final String FLOW_COOKIE = "fsc_oidc_flow";
    private static final Duration FLOW_LIFETIME = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(ProviderSignIn.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private final OidcClient oidc;
    private final ConsoleSessions sessions;
    private final SignInController signIn;
    private final RolesFinder roles;
    private final PublicUrl hosts;
    private final String cprClaim;
    private final CitizenCpr citizenCpr;
    private final String redirectUri;

    ProviderSignIn(OidcClient oidc, ConsoleSessions sessions, SignInController signIn, RolesFinder roles, PublicUrl hosts,
                   CitizenCpr citizenCpr, @Nullable @Value("${fsc.oidc.redirect-uri:}") String redirectUri) {
        this.oidc = oidc;
        this.sessions = sessions;
        this.signIn = signIn;
        this.roles = roles;
        this.hosts = hosts;
        this.cprClaim = citizenCpr.claim();
        this.citizenCpr = citizenCpr;
        this.redirectUri = redirectUri == null || redirectUri.isBlank() ? null : redirectUri.strip();
    }

    @Get
    @ExecuteOn(TaskExecutors.BLOCKING)
    HttpResponse<?> start(HttpRequest<?> request, @Nullable @QueryValue String next) {
        if (!oidc.configured()) {
            return HttpResponse.notFound();
        }
        Flow flow = new Flow(random(), random(), random() + random(), SignInController.safeNext(next));
        try {
            URI target = oidc.authorizationUri(redirectUri(request), flow.state(), flow.nonce(), flow.verifier());
            return HttpResponse.seeOther(target).cookie(flowCookie(request, flow.encode(), FLOW_LIFETIME));
        } catch (OidcClient.OidcException e) {
            return failed(request, e.getMessage());
        }
    }

    @Get("/callback")
    @ExecuteOn(TaskExecutors.BLOCKING)
    HttpResponse<?> callback(HttpRequest<?> request, @Nullable @QueryValue String code, @Nullable @QueryValue String state,
                             @Nullable @QueryValue String error) {
        if (!oidc.configured()) {
            return HttpResponse.notFound();
        }
        Flow flow = request.getCookies().findCookie(FLOW_COOKIE).map(Cookie::getValue).map(Flow::decode).orElse(null);
        if (error != null) {
            return failed(request, "the provider answered error=" + error.replaceAll("[^A-Za-z0-9_.-]", ""));
        }
        if (flow == null) {
            return failed(request, "no sign-in was started in this browser (or it took longer than " + FLOW_LIFETIME.toMinutes() + " min)");
        }
        if (state == null || !MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8), flow.state().getBytes(StandardCharsets.UTF_8))) {
            return failed(request, "the state does not match the one this browser was sent with");
        }
        if (code == null || code.isBlank()) {
            return failed(request, "the provider sent no code");
        }
        Map<String, Object> claims;
        try {
            claims = oidc.signIn(code, redirectUri(request), flow.verifier(), flow.nonce());
        } catch (OidcClient.OidcException e) {
            return failed(request, e.getMessage());
        }
        String subject = String.valueOf(claims.get("sub"));
        String role = role(claims);
        if (role == null) {
            // The person is known to the provider but has no role here: the form says so, nothing opens.
            return failed(request, "the ID token of subject " + subject + " carries no role");
        }
        Object organisation = claims.get(StaffUser.ORGANISATION_CLAIM);
        // A citizen's session keeps the CPR number (encrypted): their page finds their data by it, as the API does.
        String cpr = role.equals(StaffUser.Role.CITIZEN) ? citizenCpr.in(claims).orElse(null) : null;
        ConsoleSessions.Opened opened = sessions.open(subject, role, organisation == null ? "" : organisation.toString(), "oidc", cpr);
        LOG.info("{} signed in to the console through the provider as {}", subject, role);
        return signIn.signedIn(request, opened, flow.next()).cookie(flowCookie(request, "", Duration.ZERO));
    }

    /** Roles as for the provider's bearer tokens ({@code roles}, or {@code citizen} for a CPR number without one). */
    private @Nullable String role(Map<String, Object> claims) {
        List<String> found = roles.resolveRoles(claims);
        if (!found.isEmpty()) {
            return found.get(0);
        }
        return claims.get(cprClaim) != null ? StaffUser.Role.CITIZEN : null;
    }

    private HttpResponse<?> failed(HttpRequest<?> request, String why) {
        LOG.warn("Sign-in through the OpenID Connect provider failed: {}", why);
        return HttpResponse.seeOther(URI.create(SignInController.SIGN_IN + "?provider-failed=true"))
                .cookie(flowCookie(request, "", Duration.ZERO));
    }

    /** The callback's absolute URL, as registered at the provider: FSC_OIDC_REDIRECT_URI, or this server's own address. */
    private String redirectUri(HttpRequest<?> request) {
        return redirectUri != null ? redirectUri : hosts.of(request) + CALLBACK;
    }

    private Cookie flowCookie(HttpRequest<?> request, String value, Duration maxAge) {
        return signIn.cookie(request, FLOW_COOKIE, value, maxAge).path(PATH).sameSite(SameSite.Lax);
    }

    /** What the callback must see again: kept in the browser (HttpOnly cookie), not on the server. */
    record Flow(String state, String nonce, String verifier, String next) {
        String encode() {
            return String.join(".", state, nonce, verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(next.getBytes(StandardCharsets.UTF_8)));
        }

        static @Nullable Flow decode(String value) {
            String[] parts = value.split("\\.");
            if (parts.length != 4) {
                return null;
            }
            try {
                return new Flow(parts[0], parts[1], parts[2],
                        SignInController.safeNext(new String(Base64.getUrlDecoder().decode(parts[3]), StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
