package dk.fsc.gateway.contract;

import java.time.Instant;
import java.util.List;

/** A decoded, normalised reading: one device message with 1 to 100 observations taken together. */
public record Reading(String messageId, Instant measuredAt, List<Observation> observations) {
}
