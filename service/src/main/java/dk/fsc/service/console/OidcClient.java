package dk.fsc.service.console;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dk.fsc.service.platform.startup.StartupProblem;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The console's side of the OpenID Connect authorization-code flow with PKCE: the provider's
 * endpoints from its discovery document, the authorization URL, the code exchange at the token
 * endpoint, and the ID token's validation (signature against the provider's key set, {@code iss},
 * {@code aud} = our client id, {@code exp}, {@code nonce}). Set up when {@code FSC_OIDC_CLIENT_ID}
 * is; the discovery document is fetched on first use (the provider may start after us) and kept.
 */
@Context
class OidcClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final String clientId;
    private final String clientSecret;
    private final String discoveryUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    private volatile Provider provider;

    OidcClient(@Nullable @Value("${fsc.oidc.client-id:}") String clientId,
               @Nullable @Value("${fsc.oidc.client-secret:}") String clientSecret,
               @Nullable @Value("${fsc.oidc.discovery-url:}") String discoveryUrl,
               @Nullable @Value("${fsc.oidc.issuer:}") String issuer) {
        this.clientId = blankToNull(clientId);
        this.clientSecret = blankToNull(clientSecret);
        String discovery = blankToNull(discoveryUrl);
        if (discovery == null && blankToNull(issuer) != null) {
            discovery = issuer.strip().replaceAll("/+$", "") + "/.well-known/openid-configuration";
        }
        this.discoveryUrl = discovery;
        if (this.clientId != null && this.discoveryUrl == null) {
            throw new StartupProblem("FSC_OIDC_CLIENT_ID is set: also set FSC_OIDC_ISSUER (the provider's issuer URL) or "
                    + "FSC_OIDC_DISCOVERY_URL (its /.well-known/openid-configuration), or the console cannot find the provider.");
        }
    }

    boolean configured() {
        return clientId != null;
    }

    /** Where to send the browser: the provider's authorization endpoint with our state, nonce and PKCE challenge. */
    URI authorizationUri(String redirectUri, String state, String nonce, String codeVerifier) throws OidcException {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", clientId);
        q.put("redirect_uri", redirectUri);
        q.put("scope", "openid profile");
        q.put("state", state);
        q.put("nonce", nonce);
        q.put("code_challenge", challenge(codeVerifier));
        q.put("code_challenge_method", "S256");
        String endpoint = provider().authorizationEndpoint();
        return URI.create(endpoint + (endpoint.contains("?") ? "&" : "?") + form(q));
    }

    /** Exchanges the code for tokens and returns the validated ID token's claims. */
    Map<String, Object> signIn(String code, String redirectUri, String codeVerifier, String nonce) throws OidcException {
        Provider p = provider();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "authorization_code");
        body.put("code", code);
        body.put("redirect_uri", redirectUri);
        body.put("code_verifier", codeVerifier);
        body.put("client_id", clientId);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(p.tokenEndpoint())).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json");
        if (clientSecret != null) {
            if (p.secretInBody()) {
                body.put("client_secret", clientSecret);
            } else {
                request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (encode(clientId) + ":" + encode(clientSecret)).getBytes(StandardCharsets.UTF_8)));
            }
        }
        HttpResponse<String> answer = send(request.POST(HttpRequest.BodyPublishers.ofString(form(body))).build());
        if (answer.statusCode() != 200) {
            // The provider's error code only (no body: it might echo what we sent).
            throw new OidcException("the token endpoint answered " + answer.statusCode() + errorCode(answer.body()));
        }
        String idToken;
        try {
            Object value = JSONObjectUtils.parse(answer.body()).get("id_token");
            idToken = value instanceof String s ? s : null;
        } catch (java.text.ParseException e) {
            throw new OidcException("the token endpoint's answer is not JSON");
        }
        if (idToken == null) {
            throw new OidcException("the token endpoint's answer has no id_token");
        }
        try {
            JWTClaimsSet claims = p.processor(clientId, nonce).process(idToken, null);
            return claims.getClaims();
        } catch (Exception e) {
            // The reason names which check failed (signature, audience, expiry, nonce), never the token.
            throw new OidcException("the ID token was refused: " + e.getMessage());
        }
    }

    private Provider provider() throws OidcException {
        Provider p = provider;
        if (p == null) {
            synchronized (this) {
                if (provider == null) {
                    provider = discover();
                }
                p = provider;
            }
        }
        return p;
    }

    private Provider discover() throws OidcException {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(discoveryUrl)).timeout(TIMEOUT)
                .header("Accept", "application/json").GET().build());
        if (answer.statusCode() != 200) {
            throw new OidcException("the discovery document " + discoveryUrl + " answered " + answer.statusCode());
        }
        try {
            Map<String, Object> doc = JSONObjectUtils.parse(answer.body());
            String issuer = JSONObjectUtils.getString(doc, "issuer");
            String authorization = JSONObjectUtils.getString(doc, "authorization_endpoint");
            String token = JSONObjectUtils.getString(doc, "token_endpoint");
            String jwks = JSONObjectUtils.getString(doc, "jwks_uri");
            if (issuer == null || authorization == null || token == null || jwks == null) {
                throw new OidcException("the discovery document " + discoveryUrl + " lacks issuer, endpoints or jwks_uri");
            }
            List<String> algorithms = doc.get("id_token_signing_alg_values_supported") instanceof List<?> l
                    ? l.stream().map(Object::toString).filter(a -> !a.equalsIgnoreCase("none") && !a.startsWith("HS")).toList()
                    : List.of();
            List<String> authMethods = doc.get("token_endpoint_auth_methods_supported") instanceof List<?> l
                    ? l.stream().map(Object::toString).toList() : List.of();
            JWKSource<SecurityContext> keys = JWKSourceBuilder.create(URI.create(jwks).toURL()).retrying(true).build();
            return new Provider(issuer, authorization, token, keys,
                    (algorithms.isEmpty() ? List.of("RS256") : algorithms).stream().map(JWSAlgorithm::parse).collect(Collectors.toSet()),
                    !authMethods.contains("client_secret_basic") && authMethods.contains("client_secret_post"));
        } catch (java.text.ParseException | IOException e) {
            throw new OidcException("the discovery document " + discoveryUrl + " cannot be read: " + e.getMessage());
        }
    }

    private record Provider(String issuer, String authorizationEndpoint, String tokenEndpoint, JWKSource<SecurityContext> keys,
                            Set<JWSAlgorithm> algorithms, boolean secretInBody) {
        DefaultJWTProcessor<SecurityContext> processor(String clientId, String nonce) {
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
            // aud must contain our client id; iss and nonce must match exactly; exp is required and checked (60 s skew).
            // (Mutable sets: Nimbus asks them whether they contain null, which Set.of answers with an exception.)
            processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(new HashSet<>(List.of(clientId)),
                    new JWTClaimsSet.Builder().issuer(issuer).claim("nonce", nonce).build(), new HashSet<>(List.of("sub", "exp", "iat")),
                    new HashSet<>()));
            return processor;
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws OidcException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new OidcException("cannot reach " + request.uri().getHost() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OidcException("interrupted");
        }
    }

    private static String errorCode(String body) {
        try {
            Object error = JSONObjectUtils.parse(body).get("error");
            return error == null ? "" : " (" + error.toString().replaceAll("[^A-Za-z0-9_.-]", "") + ")";
        } catch (java.text.ParseException | RuntimeException e) {
            return "";
        }
    }

    static String challenge(String codeVerifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(codeVerifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String form(Map<String, String> values) {
        return values.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Why a sign-in through the provider failed, in words safe for the log (no tokens, no claims). */
    static final class OidcException extends Exception {
        OidcException(String message) {
            super(message);
        }
    }
}
