package dk.fsc.tools.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the console phases share: wait for the system's HTTP port, sign in through the form as a
 * browser does, and report a page's times as p50 and p99.
 */
final class ConsoleHttp {
    private static final Pattern HIDDEN_CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private ConsoleHttp() {
    }

    /** The system says it is up when its gateway has subscribed; its HTTP port may open a moment later. */
    static void awaitHttp(HttpClient http, int httpPort) throws Exception {
        for (int i = 0; ; i++) {
            try {
                http.send(HttpRequest.newBuilder(url(httpPort, "/health")).GET().build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (java.io.IOException e) {
                if (i >= 120) {
                    throw new IllegalStateException("the system's HTTP port " + httpPort + " did not open in 60 s", e);
                }
                Thread.sleep(500);
            }
        }
    }

    /** Signs in through the console's form; returns the session cookie ({@code fsc_session=…}). */
    static String signIn(HttpClient http, int httpPort, String user, String password) throws Exception {
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(url(httpPort, "/sign-in")).GET().build(), HttpResponse.BodyHandlers.ofString());
        String loginCookie = form.headers().allValues("set-cookie").stream().filter(v -> v.startsWith("fsc_login_csrf="))
                .map(v -> v.substring(0, v.indexOf(';'))).findFirst().orElseThrow(() -> new IllegalStateException("no sign-in cookie"));
        Matcher token = HIDDEN_CSRF.matcher(form.body());
        if (!token.find()) {
            throw new IllegalStateException("no CSRF token on the sign-in form");
        }
        String body = "_csrf=" + enc(token.group(1)) + "&username=" + enc(user) + "&password=" + enc(password) + "&next=%2F";
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(url(httpPort, "/sign-in")).header("Cookie", loginCookie)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.headers().allValues("set-cookie").stream().filter(v -> v.startsWith("fsc_session="))
                .map(v -> v.substring(0, v.indexOf(';'))).findFirst()
                .orElseThrow(() -> new IllegalStateException("sign-in refused: " + answer.statusCode()));
    }

    /** A page's sorted times (microseconds) as "name p50 (ms)" and "name p99 (ms)" in the results, and said. */
    static void report(Map<String, Object> r, String name, List<Long> micros) {
        double p50 = AlertLatency.percentile(micros, 50) / 1000.0;
        double p99 = AlertLatency.percentile(micros, 99) / 1000.0;
        r.put(name + " p50 (ms)", p50);
        r.put(name + " p99 (ms)", p99);
        Benchmark.say(String.format(Locale.ROOT, "  p50 %.1f ms, p99 %.1f ms", p50, p99));
    }

    static URI url(int httpPort, String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
