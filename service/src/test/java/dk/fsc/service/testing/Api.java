package dk.fsc.service.testing;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import java.util.List;
import java.util.Map;

/** The HTTP API as a logged-in staff member in a test sees it: JSON maps in and out. */
public final class Api {
    private final HttpClient http;
    private final String token;

    public Api(HttpClient http, Fixtures.Login login) {
        this.http = http;
        Map<String, Object> body = http.toBlocking().retrieve(
                HttpRequest.POST("/login", Map.of("username", login.username(), "password", login.password())),
                Argument.mapOf(String.class, Object.class));
        this.token = (String) body.get("access_token");
    }

    public Map<String, Object> get(String path) {
        return http.toBlocking().retrieve(auth(HttpRequest.GET(path)), Argument.mapOf(String.class, Object.class));
    }

    public List<Map<String, Object>> getList(String path) {
        return http.toBlocking().retrieve(auth(HttpRequest.GET(path)), Argument.listOf(Argument.mapOf(String.class, Object.class)));
    }

    public Map<String, Object> post(String path, Object body) {
        return http.toBlocking().retrieve(auth(HttpRequest.POST(path, body)), Argument.mapOf(String.class, Object.class));
    }

    /** A POST without a body that answers a list. */
    public List<Map<String, Object>> postForList(String path) {
        return http.toBlocking().retrieve(auth(HttpRequest.POST(path, Map.of())), Argument.listOf(Argument.mapOf(String.class, Object.class)));
    }

    public Map<String, Object> put(String path, Object body) {
        return http.toBlocking().retrieve(auth(HttpRequest.PUT(path, body)), Argument.mapOf(String.class, Object.class));
    }

    /** A page of a list and the address of the next one ({@code Link: <...>; rel="next"}, its path and query), null on the last. */
    public record Page(List<Map<String, Object>> rows, String next) {
    }

    /** A page of a paged list (docs/api.md, "Lists"). */
    public Page getPage(String path) {
        io.micronaut.http.HttpResponse<List<Map<String, Object>>> answer = http.toBlocking().exchange(auth(HttpRequest.GET(path)),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        String link = answer.getHeaders().get("Link");
        String next = null;
        if (link != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^<https?://[^/>]+([^>]*)>; rel=\"next\"$").matcher(link);
            if (!m.matches()) {
                throw new AssertionError("not a next link: " + link);
            }
            next = m.group(1);
        }
        return new Page(answer.body(), next);
    }

    /** A binary answer (a photo, a payload download), with its headers. */
    public io.micronaut.http.HttpResponse<byte[]> getBytes(String path) {
        return http.toBlocking().exchange(auth(HttpRequest.GET(path)), byte[].class);
    }

    /** The status of a request expected to fail. */
    public int statusOf(Runnable call) {
        try {
            call.run();
            return 200;
        } catch (HttpClientResponseException e) {
            return e.getStatus().getCode();
        }
    }

    public String token() {
        return token;
    }

    private <T> MutableHttpRequest<T> auth(MutableHttpRequest<T> request) {
        return request.bearerAuth(token);
    }
}
