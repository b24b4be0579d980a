package dk.fsc.service.fhir;

import dk.fsc.service.devices.DeviceStore;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.LoginLockout;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.AuthorizationException;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A device or app posting FHIR signs in as itself: HTTP Basic with the device account it uses for
 * MQTT (username and password as issued at registration). Anything else, a staff token included,
 * is answered 401: a device's data never arrives in a nurse's name. Failed attempts lock the
 * account for a while as staff logins do (counted as {@code device:<username>}); then 429.
 */
@Singleton
class DeviceSignIn {
    private final DeviceStore devices;
    private final LoginLockout lockout;

    DeviceSignIn(DeviceStore devices, LoginLockout lockout) {
        this.devices = devices;
        this.lockout = lockout;
    }

    /** The device id, or 401 (429 while the account is locked after failed attempts). */
    String signedIn(@Nullable String authorization, String clientAddress) {
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon > 0 && colon < 200) {
                    String account = "device:" + pair.substring(0, colon);
                    long locked = lockout.attempt(account, clientAddress);
                    if (locked > 0) {
                        throw Refusal.tooMany("Too many failed sign-ins for this device account; try again in " + locked + " s");
                    }
                    var device = devices.deviceWithCredentials(pair.substring(0, colon), pair.substring(colon + 1));
                    if (device.isPresent()) {
                        lockout.succeeded(account);
                        return device.get();
                    }
                    lockout.failed(account, clientAddress);
                }
            } catch (IllegalArgumentException notBase64) {
                // refused below
            }
        }
        throw new AuthorizationException(null);
    }
}
