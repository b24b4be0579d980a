package dk.fsc.service.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The region's OpenID Connect provider, played in a test: discovery document, authorization
 * endpoint, token endpoint, key set. Its authorization endpoint signs the person in at once and
 * sends the browser back; its token endpoint checks the client's secret and the PKCE verifier
 * against the challenge and answers with an ID token signed by a key pair made for the test. It
 * listens on {@code 127.0.0.1}, the service on {@code localhost}: another site, so the way back
 * is the cross-site navigation it is in real life. Who signs in next is {@link #signsIn}; it can
 * also misbehave (another audience, another state, an error).
 */
public final class FakeOidcProvider implements AutoCloseable {
    public static final String CLIENT_ID = "fsc-console";
    private static final String CLIENT_SECRET = "console-secret";
    private final RSAKey key = generate();
    private final Map<String, Authorized> codes = new ConcurrentHashMap<>();
    private final HttpServer server = start();
    private final String issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    private volatile Consumer<JWTClaimsSet.Builder> person = c -> c.subject("nobody");
    private volatile String audience = CLIENT_ID;
    private volatile String stateBack;
    private volatile String errorBack;

    private record Authorized(String challenge, String method, String nonce, String redirectUri) {
    }

    /** The service's settings for this provider. */
    public Map<String, String> properties() {
        return Map.of("fsc.oidc.client-id", CLIENT_ID, "fsc.oidc.client-secret", CLIENT_SECRET,
                "fsc.oidc.discovery-url", issuer + "/.well-known/openid-configuration");
    }

    /** Who the provider signs in next: the ID token's claims besides issuer, audience, times and nonce. */
    public void signsIn(Consumer<JWTClaimsSet.Builder> person) {
        this.person = person;
    }

    /** Back to an honest provider (the right audience, the state it was sent, no error). */
    public void honest() {
        audience = CLIENT_ID;
        stateBack = null;
        errorBack = null;
    }

    public void audience(String audience) {
        this.audience = audience;
    }

    /** Sends this state back instead of the one it was given. */
    public void stateBack(String state) {
        this.stateBack = state;
    }

    /** Answers the authorization request with this error. */
    public void errorBack(String error) {
        this.errorBack = error;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private HttpServer start() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            s.createContext("/.well-known/openid-configuration", x -> json(x, 200, Map.of(
                    "issuer", issuer,
                    "authorization_endpoint", issuer + "/authorize",
                    "token_endpoint", issuer + "/token",
                    "jwks_uri", issuer + "/jwks",
                    "response_types_supported", List.of("code"),
                    "code_challenge_methods_supported", List.of("S256"),
                    "id_token_signing_alg_values_supported", List.of("RS256"))));
            s.createContext("/jwks", x -> json(x, 200, new JWKSet(key.toPublicJWK()).toJSONObject()));
            s.createContext("/authorize", this::authorize);
            s.createContext("/token", this::token);
            s.start();
            return s;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs the person in at once: back to the client with a code (or the error asked for). */
    private void authorize(HttpExchange x) throws IOException {
        Map<String, String> q = params(x.getRequestURI().getRawQuery());
        String redirect = q.get("redirect_uri");
        if (!"code".equals(q.get("response_type")) || !CLIENT_ID.equals(q.get("client_id")) || redirect == null
                || q.get("code_challenge") == null || !"S256".equals(q.get("code_challenge_method")) || q.get("nonce") == null
                || !q.getOrDefault("scope", "").contains("openid")) {
            text(x, 400, "bad authorization request: " + q.keySet());
            return;
        }
        String back;
        if (errorBack != null) {
            back = redirect + "?error=" + errorBack + "&state=" + enc(q.get("state"));
        } else {
            String code = UUID.randomUUID().toString();
            codes.put(code, new Authorized(q.get("code_challenge"), q.get("code_challenge_method"), q.get("nonce"), redirect));
            back = redirect + "?code=" + code + "&state=" + enc(stateBack != null ? stateBack : q.get("state"));
        }
        x.getResponseHeaders().add("Location", back);
        x.sendResponseHeaders(302, -1);
        x.close();
    }

    /** The code, once, for an ID token: only with the verifier of the challenge and the client's secret. */
    private void token(HttpExchange x) throws IOException {
        Map<String, String> form = params(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Authorized authorized = codes.remove(form.getOrDefault("code", ""));
        String basic = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        if (!basic.equals(x.getRequestHeaders().getFirst("Authorization"))) {
            json(x, 401, Map.of("error", "invalid_client"));
            return;
        }
        if (authorized == null || !"authorization_code".equals(form.get("grant_type"))
                || !authorized.redirectUri().equals(form.get("redirect_uri")) || form.get("code_verifier") == null
                || !authorized.challenge().equals(challenge(form.get("code_verifier")))) {
            json(x, 400, Map.of("error", "invalid_grant"));
            return;
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).claim("nonce", authorized.nonce());
        person.accept(claims);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
            jwt.sign(new RSASSASigner(key));
            json(x, 200, Map.of("access_token", "opaque-" + UUID.randomUUID(), "token_type", "Bearer", "expires_in", 300,
                    "id_token", jwt.serialize()));
        } catch (JOSEException e) {
            json(x, 500, Map.of("error", "server_error"));
        }
    }

    /** PKCE S256, computed here independently of the service's own. */
    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> params(String query) {
        if (query == null || query.isEmpty()) {
            return Map.of();
        }
        return Arrays.stream(query.split("&")).map(kv -> kv.split("=", 2)).collect(Collectors.toMap(
                kv -> URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                kv -> kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "", (a, b) -> b));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    private static void json(HttpExchange x, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = JSONObjectUtils.toJSONString(new HashMap<>(body)).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private static void text(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID("region-1").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
