package dk.fsc.service.fhir;

import dk.fsc.service.devices.DeviceStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.AuthorizationException;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A device or app posting FHIR signs in as itself: HTTP Basic with the device account it uses for
 * MQTT (username and password as issued at registration). Anything else, a staff token included,
 * is answered 401: a device's data never arrives in a nurse's name.
 */
@Singleton
class DeviceSignIn {
    private final DeviceStore devices;

    DeviceSignIn(DeviceStore devices) {
        this.devices = devices;
    }

    /** The device id, or 401. */
    String signedIn(@Nullable String authorization) {
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon > 0 && colon < 200) {
                    var device = devices.deviceWithCredentials(pair.substring(0, colon), pair.substring(colon + 1));
                    if (device.isPresent()) {
                        return device.get();
                    }
                }
            } catch (IllegalArgumentException notBase64) {
                // refused below
            }
        }
        throw new AuthorizationException(null);
    }
}
