package dk.fsc.service.fhir;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FHIR ids ({@code [A-Za-z0-9\-.]{1,64}}) for what we key otherwise. An Observation is one reading
 * (or a blood pressure pair) of one device message: its id is the patient, the instant measured
 * (microseconds, hex) and 8 hex digits of a hash of device, message and place in the message,
 * so a read by id is one index probe on the patient's readings at that instant. A device id may
 * hold '_', which FHIR ids may not, and never '.', so '_' is written '.'.
 */
final class FhirIds {
    private static final Pattern OBSERVATION = Pattern.compile("^([0-9a-f]{32})-([0-9a-f]{1,15})-([0-9a-f]{8})$");

    /** What an Observation id names: the patient and instant exactly, the reading by its hash. */
    record ObservationKey(UUID patientId, Instant measuredAt, String hash) {
    }

    private FhirIds() {
    }

    static String observation(UUID patientId, Instant measuredAt, String deviceId, String messageId, String group) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, measuredAt);
        return patientId.toString().replace("-", "") + "-" + Long.toHexString(micros) + "-" + hash(deviceId, messageId, group);
    }

    static Optional<ObservationKey> observation(String id) {
        Matcher m = OBSERVATION.matcher(id);
        if (!m.matches()) {
            return Optional.empty();
        }
        String hex = m.group(1);
        UUID patient = new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16));
        Instant at = Instant.EPOCH.plus(Long.parseLong(m.group(2), 16), ChronoUnit.MICROS);
        return Optional.of(new ObservationKey(patient, at, m.group(3)));
    }

    static String hash(String deviceId, String messageId, String group) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((deviceId + '\0' + messageId + '\0' + group).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String device(String deviceId) {
        return deviceId.replace('_', '.');
    }

    static String deviceId(String fhirId) {
        return fhirId.replace('.', '_');
    }
}
