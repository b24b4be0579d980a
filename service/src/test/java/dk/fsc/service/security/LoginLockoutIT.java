package dk.fsc.service.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.IntegrationTest;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Password guessing against one account from many addresses (security review, finding 8): after
 * 5 failures in a row the account is locked, with a growing delay, even for the right password;
 * the lock is kept in the database, so a second instance would see it too.
 */
@MicronautTest(transactional = false)
class LoginLockoutIT extends IntegrationTest {
    private final Fixtures fixtures = new Fixtures();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("micronaut.server.client-address-header", "X-Forwarded-For");
        p.put("fsc.login-lockout.first-lock", "2s");
        p.put("fsc.login-lockout.max-lock", "15m");
        return p;
    }

    @BeforeAll
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger("dk.fsc.service.staff")).addAppender(log);
    }

    @AfterAll
    void stopCapture() {
        ((Logger) LoggerFactory.getLogger("dk.fsc.service.staff")).detachAppender(log);
    }

    private record Answer(int status, String body, String retryAfter, String contentType) {
    }

    /** A login from a new address each time, so the per-address limit never applies. */
    private Answer login(String username, String password) {
        HttpRequest<?> request = HttpRequest.POST("/login", Map.of("username", username, "password", password))
                .header("X-Forwarded-For", "203.0.113." + (1 + (int) (Math.random() * 250)));
        try {
            var r = http.toBlocking().exchange(request, String.class);
            return new Answer(r.code(), r.body(), null, null);
        } catch (HttpClientResponseException e) {
            return new Answer(e.getStatus().getCode(), e.getResponse().getBody(String.class).orElse(""),
                    e.getResponse().getHeaders().get("Retry-After"), e.getResponse().getHeaders().get("Content-Type"));
        }
    }

    @Test
    void anAccountIsLockedAfterFiveWrongPasswordsInARowEvenForTheRightOne() throws Exception {
        Fixtures.Login nurse = fixtures.nurse(fixtures.organisation());
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(login(nurse.username(), "guess-" + i).status());
        }
        assertEquals(List.of(401, 401, 401, 401, 401), statuses);

        Answer locked = login(nurse.username(), nurse.password());

        assertEquals(429, locked.status(), locked.body());
        assertTrue(locked.contentType().startsWith("application/problem+json"), locked.contentType());
        assertTrue(locked.body().contains("locked"), locked.body());
        int retryAfter = Integer.parseInt(locked.retryAfter());
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "the first lock is 2 s here: " + retryAfter);
        assertEquals(1, fixtures.count("SELECT count(*) FROM login_failures WHERE username = ? AND locked_until > now()", nurse.username()),
                "kept in the database, where every instance sees it");

        Thread.sleep(2100);
        assertEquals(200, login(nurse.username(), nurse.password()).status(), "after the lock the right password works");
        assertEquals(0, fixtures.count("SELECT count(*) FROM login_failures WHERE username = ?", nurse.username()), "a success resets");
    }

    @Test
    void eachFurtherFailureDoublesTheLock() throws Exception {
        Fixtures.Login nurse = fixtures.nurse(fixtures.organisation());
        for (int i = 0; i < 5; i++) {
            login(nurse.username(), "guess-" + i);
        }
        Thread.sleep(2100);
        assertEquals(401, login(nurse.username(), "guess-5").status(), "after the lock a wrong password is checked again");

        Answer locked = login(nurse.username(), nurse.password());

        assertEquals(429, locked.status(), locked.body());
        assertTrue(Integer.parseInt(locked.retryAfter()) > 2, "the sixth failure locks for 4 s: " + locked.retryAfter());
    }

    @Test
    void aSuccessStartsTheCountAgain() {
        Fixtures.Login nurse = fixtures.nurse(fixtures.organisation());
        for (int i = 0; i < 4; i++) {
            login(nurse.username(), "guess-" + i);
        }
        assertEquals(200, login(nurse.username(), nurse.password()).status());
        for (int i = 0; i < 4; i++) {
            assertEquals(401, login(nurse.username(), "guess-" + i).status());
        }
        assertEquals(200, login(nurse.username(), nurse.password()).status(), "4 + 4 failures, never 5 in a row");
    }

    @Test
    void everyFailureAndEveryLockIsLoggedWithNameAndAddressButNoPassword() {
        Fixtures.Login nurse = fixtures.nurse(fixtures.organisation());
        String secretGuess = "guess-" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            login(nurse.username(), secretGuess);
        }
        login(nurse.username(), nurse.password());

        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(nurse.username())).toList();
        assertEquals(5, lines.stream().filter(m -> m.startsWith("Failed login") && m.contains("from 203.0.113.")).count(), lines.toString());
        assertEquals(1, lines.stream().filter(m -> m.contains("locked for")).count(), lines.toString());
        assertEquals(1, lines.stream().filter(m -> m.contains("refused")).count(), lines.toString());
        for (ILoggingEvent e : log.list) {
            assertFalse(e.getFormattedMessage().contains(secretGuess) || e.getFormattedMessage().contains(nurse.password()), e.getFormattedMessage());
        }
    }

    /**
     * Guesses sent at once wait for each other on the account's count: no more than the lock's
     * threshold have their password checked (all 20 were checked while the first was still
     * hashing, when the count came after the check: security review).
     */
    @Test
    void guessesSentAtOnceAreCountedBeforeTheyAreChecked() throws Exception {
        Fixtures.Login nurse = fixtures.nurse(fixtures.organisation());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<Answer>> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                sent.add(pool.submit(() -> login(nurse.username(), "parallel-" + n)));
            }
            List<Integer> statuses = new ArrayList<>();
            for (var f : sent) {
                statuses.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS).status());
            }
            assertEquals(5, statuses.stream().filter(s -> s == 401).count(), "five checked, the rest refused as locked: " + statuses);
            assertEquals(15, statuses.stream().filter(s -> s == 429).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    /** A name without an account takes as long to refuse as a wrong password: the answer's time does not tell which names exist. */
    @Test
    void anUnknownNameTakesAsLongAsAWrongPassword() {
        Fixtures.Login nurse = fixtures.nurse(fixtures.organisation());
        login(nurse.username(), "warm-up");
        fixtures.update("DELETE FROM login_failures WHERE username = ?", nurse.username());
        long known = 0;
        long unknown = 0;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            login(nurse.username(), "wrong-" + i);
            long t1 = System.nanoTime();
            login("nobody-" + UUID.randomUUID(), "wrong-" + i);
            long t2 = System.nanoTime();
            known += t1 - t0;
            unknown += t2 - t1;
        }
        assertTrue(unknown > known / 2, "unknown " + unknown / 3_000_000 + " ms against known " + known / 3_000_000 + " ms a login");
    }
}
