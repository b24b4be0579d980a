package dk.fsc.gateway.ingest;

import dk.fsc.gateway.contract.DeviceTopic;
import dk.fsc.gateway.contract.RejectedMessage;
import dk.fsc.gateway.contract.RejectionCode;
import dk.fsc.gateway.limits.RateLimiter;

/**
 * Check 1 of the {@link MessageChain}: the device sends no faster than its rate (a burst, then
 * so many a second). Checked before any parsing work, by the topic's device id (or the whole
 * topic when it names none).
 */
final class RateCheck {
    private final RateLimiter limiter;
    private final double perSecond;

    RateCheck(double perSecond, int burst) {
        this.limiter = new RateLimiter(perSecond, Math.max(1, burst));
        this.perSecond = perSecond;
    }

    /** Null when the message is within its device's rate, else why it is refused. */
    RejectedMessage check(String topic) {
        String deviceId = DeviceTopic.deviceIdOf(topic);
        long wait = limiter.take(deviceId == null ? topic : deviceId);
        if (wait <= 0) {
            return null;
        }
        return new RejectedMessage(RejectionCode.RATE_LIMITED, "more than " + perSecond + " messages per second from this device; "
                + "this one is kept in quarantine. Wait " + wait + " s and send more slowly.");
    }
}
