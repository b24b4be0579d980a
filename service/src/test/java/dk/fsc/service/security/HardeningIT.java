package dk.fsc.service.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import dk.fsc.service.testing.TestDevice;
import dk.fsc.service.testing.TestInfrastructure;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The limits and headers every caller meets, with small limits so they are reached quickly: a
 * rate per account and per client address at login (addresses told apart by X-Forwarded-For, as
 * behind a proxy), open event streams per account, request size, a device's message rate (the
 * refused messages kept in quarantine), security headers on every answer, and errors without internals.
 */
@MicronautTest(transactional = false)
class HardeningIT extends IntegrationTest {
    private static final int BURST = 5;
    private final Fixtures fixtures = new Fixtures();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("fsc.rate-limit.requests-per-second", "0.5");
        p.put("fsc.rate-limit.burst", String.valueOf(BURST));
        p.put("fsc.rate-limit.logins-per-minute", "3");
        p.put("micronaut.server.client-address-header", "X-Forwarded-For");
        p.put("fsc.alerts.max-streams-per-user", "2");
        p.put("fsc.gateway.device-rate", "0.1");
        p.put("fsc.gateway.device-burst", "3");
        return p;
    }

    private record Answer(int status, String body, Map<String, String> headers) {
    }

    private Answer call(MutableHttpRequest<?> request, String clientAddress) {
        request.header("X-Forwarded-For", clientAddress);
        try {
            io.micronaut.http.HttpResponse<String> r = http.toBlocking().exchange(request, String.class);
            return new Answer(r.code(), r.getBody().orElse(""), headers(r));
        } catch (HttpClientResponseException e) {
            return new Answer(e.getStatus().getCode(), e.getResponse().getBody(String.class).orElse(""), headers(e.getResponse()));
        }
    }

    private static Map<String, String> headers(io.micronaut.http.HttpResponse<?> r) {
        Map<String, String> h = new HashMap<>();
        r.getHeaders().forEach((name, values) -> h.put(name.toLowerCase(), values.get(0)));
        return h;
    }

    private String login(Fixtures.Login login, String address) {
        Answer a = call(HttpRequest.POST("/login", Map.of("username", login.username(), "password", login.password())), address);
        assertEquals(200, a.status(), a.body());
        return a.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    }

    private static String address() {
        return "198.51.100." + (1 + (int) (Math.random() * 250)) + "-" + UUID.randomUUID(); // unique per test
    }

    @Test
    void anAccountThatAsksTooFastIsToldToWaitWithoutSlowingOthers() {
        String org = fixtures.organisation();
        String address = address();
        String token = login(fixtures.nurse(org), address);
        String other = login(fixtures.nurse(org), address);
        List<Integer> statuses = new ArrayList<>();
        Answer refused = null;
        for (int i = 0; i < BURST + 2; i++) {
            Answer a = call(HttpRequest.GET("/api/alerts").bearerAuth(token), address);
            statuses.add(a.status());
            if (a.status() == 429) {
                refused = a;
            }
        }
        assertEquals(200, statuses.get(0));
        assertNotNull(refused, "no 429 after " + statuses);
        assertEquals(BURST, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertTrue(refused.headers().get("content-type").startsWith("application/problem+json"));
        assertTrue(refused.body().contains("Too many requests for your account"), refused.body());
        assertTrue(Integer.parseInt(refused.headers().get("retry-after")) >= 1);
        assertEquals(200, call(HttpRequest.GET("/api/alerts").bearerAuth(other), address).status(), "another account is not held up");
    }

    /**
     * One spelling per route: a trailing slash or an empty segment is sent, with its query, to the
     * canonical path (308 keeps the method and body), so no filter that compares paths (the login
     * limit, the locked-account answer, the sign-in form's CSRF check) can be passed by a slash.
     */
    @Test
    void aPathWithATrailingSlashIsSentToItsOneSpelling() throws Exception {
        java.net.http.HttpClient plain = java.net.http.HttpClient.newHttpClient(); // follows no redirect
        for (String[] sent : new String[][] {{"/login/", "/login"}, {"/sign-in//?next=%2Fworklist", "/sign-in?next=%2Fworklist"},
                {"//api//alerts/", "/api/alerts"}}) {
            java.net.http.HttpResponse<String> r = plain.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + server.getPort() + sent[0]))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(308, r.statusCode(), sent[0]);
            assertEquals(sent[1], r.headers().firstValue("Location").orElse(""), sent[0]);
        }
    }

    @Test
    void passwordGuessingFromOneAddressIsSlowedDown() {
        String address = address();
        Fixtures.Login nurse = fixtures.nurse(fixtures.organisation());
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(call(HttpRequest.POST("/login", Map.of("username", nurse.username(), "password", "guess-" + i)), address).status());
        }
        assertEquals(List.of(401, 401, 401, 429), statuses);
        Answer right = call(HttpRequest.POST("/login", Map.of("username", nurse.username(), "password", nurse.password())), address);
        assertEquals(429, right.status(), "even the right password waits: the limit is on attempts");
        assertTrue(right.body().contains("Too many login attempts"), right.body());
        login(nurse, address()); // from elsewhere it works
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndNoInternals() {
        String address = address();
        // The API's answers run no script at all; the console's pages only this server's (docs/security.md).
        Map<String, Boolean> consolePage = Map.of("/health", false, "/api/alerts", false, "/api/no/such/path", false, "/no/such/page", true);
        consolePage.forEach((path, page) -> {
            Answer a = call(HttpRequest.GET(path), address);
            String csp = a.headers().get("content-security-policy");
            assertEquals("nosniff", a.headers().get("x-content-type-options"), path);
            assertEquals("DENY", a.headers().get("x-frame-options"), path);
            assertTrue(csp.contains(page ? "script-src 'self'" : "default-src 'none'"), path + ": " + csp);
            assertTrue(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), path + ": " + csp);
            assertEquals(page ? "same-origin" : "no-referrer", a.headers().get("referrer-policy"), path);
            assertEquals("no-store", a.headers().get("cache-control"), path);
            assertTrue(a.headers().containsKey("strict-transport-security"), path);
        });
        String token = login(fixtures.nurse(fixtures.organisation()), address);
        Answer broken = call(HttpRequest.POST("/api/patients", "{\"displayName\": \"A\", \"cpr\": [").bearerAuth(token)
                .contentType(MediaType.APPLICATION_JSON_TYPE), address);
        assertEquals(400, broken.status(), broken.body());
        assertTrue(broken.headers().get("content-type").startsWith("application/problem+json"));
        for (String internal : List.of("Exception", "\tat ", "dk.fsc", "io.micronaut", "com.fasterxml")) {
            assertFalse(broken.body().contains(internal), internal + " in " + broken.body());
        }
    }

    @Test
    void anUnknownRouteIs404AndAWrongContentTypeIs415WithOrWithoutAToken() {
        String token = login(fixtures.nurse(fixtures.organisation()), address());
        for (String t : new String[] {null, token}) {
            String who = t == null ? "anonymous" : "nurse";
            for (String path : List.of("/api/no-such-thing", "/no/such/path", "/api/patients/" + UUID.randomUUID() + "/no-such-thing")) {
                MutableHttpRequest<?> request = HttpRequest.GET(path);
                Answer a = call(t == null ? request : request.bearerAuth(t), address());
                assertEquals(404, a.status(), who + " " + path + ": " + a.body());
                assertTrue(a.headers().get("content-type").startsWith("application/problem+json"), a.headers().toString());
                assertTrue(a.body().contains("\"status\":404") && a.body().contains("No such route"), a.body());
            }
            MutableHttpRequest<?> text = HttpRequest.POST("/api/patients", "displayName=A").contentType(MediaType.TEXT_PLAIN_TYPE);
            Answer a = call(t == null ? text : text.bearerAuth(t), address());
            assertEquals(415, a.status(), who + ": " + a.body());
            assertTrue(a.headers().get("content-type").startsWith("application/problem+json"), a.headers().toString());
            assertTrue(a.body().contains("\"status\":415"), a.body());
        }
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413() {
        String address = address();
        String token = login(fixtures.nurse(fixtures.organisation()), address);
        String huge = "x".repeat(2 * 1024 * 1024);
        Answer a = call(HttpRequest.POST("/api/patients", Map.of("displayName", huge, "cpr", "0101401111")).bearerAuth(token), address);
        assertEquals(413, a.status(), a.body().length() > 300 ? a.body().substring(0, 300) : a.body());
        assertTrue(a.headers().get("content-type").startsWith("application/problem+json"), a.headers().toString());
    }

    @Test
    void aBodyOfUnknownLengthIsRefusedWith411OutsideThePhotoUpload() throws Exception {
        String token = login(fixtures.nurse(fixtures.organisation()), address());
        java.net.http.HttpRequest chunked = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/api/patients"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        "{\"displayName\": \"A\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))).build();
        HttpResponse<String> answer = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(chunked, HttpResponse.BodyHandlers.ofString());
        assertEquals(411, answer.statusCode(), answer.body());
        assertTrue(answer.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"), answer.headers().toString());
        assertTrue(answer.body().contains("Content-Length"), answer.body());
    }

    @Test
    void oneAccountCannotHoldMoreThanItsShareOfEventStreams() throws Exception {
        String address = address();
        String token = login(fixtures.nurse(fixtures.organisation()), address);
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest stream = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/api/alerts/stream"))
                .header("Authorization", "Bearer " + token).header("X-Forwarded-For", address).header("Accept", "text/event-stream").build();
        HttpResponse<java.io.InputStream> first = client.send(stream, HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<java.io.InputStream> second = client.send(stream, HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<String> third = client.send(stream, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, first.statusCode());
        assertEquals(200, second.statusCode());
        assertEquals(429, third.statusCode(), third.body());
        assertTrue(third.body().contains("alert streams open"), third.body());
        first.body().close();
        // Closing one frees its place (the server notices the closed connection).
        int again = 0;
        for (int i = 0; i < 50 && again != 200; i++) {
            Thread.sleep(100);
            HttpResponse<java.io.InputStream> retry = client.send(stream, HttpResponse.BodyHandlers.ofInputStream());
            again = retry.statusCode();
            retry.body().close();
        }
        assertEquals(200, again, "a closed stream's place was not freed");
        second.body().close();
    }

    @Test
    void aDeviceSendingTooFastIsToldSoAndNothingItSentIsLost() throws Exception {
        String org = fixtures.organisation();
        String device = fixtures.deviceOnLoanTo(fixtures.patient(org), org);
        List<String> replies = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        try (TestDevice d = new TestDevice(TestInfrastructure.brokerUrl(), device)) {
            for (int i = 0; i < 5; i++) { // back to back, far faster than 0.1 per second
                String json = "{\"messageId\":\"r" + i + "\",\"measuredAt\":\"" + Instant.now().minusSeconds(60 - i)
                        + "\",\"observations\":[{\"type\":\"pulse\",\"value\":" + (70 + i) + ",\"unit\":\"/min\"}]}";
                sent.add(json);
                d.publishReading(json);
            }
            for (int i = 0; i < 5; i++) {
                String reply = d.nextReply(Duration.ofSeconds(20));
                assertNotNull(reply, "reply " + i + " after " + replies);
                replies.add(reply);
            }
        }
        assertEquals(3, replies.stream().filter(r -> r.contains("\"accepted\"")).count(), replies.toString());
        assertEquals(2, replies.stream().filter(r -> r.contains("RATE_LIMITED")).count(), replies.toString());
        assertEquals(3, fixtures.count("SELECT count(*) FROM " + Fixtures.DEVICE_READINGS, device));
        assertEquals(2, fixtures.count("SELECT count(*) FROM quarantine WHERE device_id = ? AND code = 'RATE_LIMITED'", device));
        byte[] kept = fixtures.bytes("SELECT payload FROM quarantine WHERE device_id = ? AND code = 'RATE_LIMITED' ORDER BY id LIMIT 1", device);
        assertTrue(sent.contains(new String(kept, StandardCharsets.UTF_8)), "the raw bytes are kept for replay");
    }
}
