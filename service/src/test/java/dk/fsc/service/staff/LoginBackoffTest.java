package dk.fsc.service.staff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginBackoffTest {
    private final LoginBackoff backoff = new LoginBackoff(5, Duration.ofSeconds(30), Duration.ofMinutes(15));

    @Test
    void locksNothingBeforeTheFifthFailureInARow() {
        for (int i = 0; i < 5; i++) {
            assertEquals(Duration.ZERO, backoff.lockAfter(i), "after " + i);
        }
    }

    @Test
    void locksThirtySecondsAfterTheFifthAndDoublesWithEachFurtherFailure() {
        assertEquals(Duration.ofSeconds(30), backoff.lockAfter(5));
        assertEquals(Duration.ofSeconds(60), backoff.lockAfter(6));
        assertEquals(Duration.ofSeconds(120), backoff.lockAfter(7));
        assertEquals(Duration.ofSeconds(480), backoff.lockAfter(9));
    }

    @Test
    void neverLocksLongerThanFifteenMinutes() {
        assertEquals(Duration.ofMinutes(15), backoff.lockAfter(10));
        assertEquals(Duration.ofMinutes(15), backoff.lockAfter(50));
        assertEquals(Duration.ofMinutes(15), backoff.lockAfter(Integer.MAX_VALUE));
    }
}
