package dk.fsc.service.staff;

import java.time.Duration;

/**
 * How long an account is refused after failed logins in a row: nothing until {@code failures},
 * then {@code firstLock}, doubling with each further failure, at most {@code maxLock}. A
 * successful login starts the count again.
 */
record LoginBackoff(int failures, Duration firstLock, Duration maxLock) {

    LoginBackoff {
        if (failures < 1 || firstLock.isNegative() || firstLock.isZero() || maxLock.compareTo(firstLock) < 0) {
            throw new IllegalArgumentException("need failures >= 1 and 0 < firstLock <= maxLock");
        }
    }

    /** The lock that follows the {@code failuresInARow}-th failed login in a row; zero for none. */
    Duration lockAfter(int failuresInARow) {
        if (failuresInARow < failures) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failuresInARow - failures, 30); // 2^30 times any first lock is past any cap
        Duration lock = firstLock.multipliedBy(1L << doublings);
        return lock.compareTo(maxLock) > 0 ? maxLock : lock;
    }
}
