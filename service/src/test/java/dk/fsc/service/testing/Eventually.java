package dk.fsc.service.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for something the system does asynchronously; fails the test with a message if it never happens. */
public final class Eventually {
    private Eventually() {
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for: " + what);
    }
}
