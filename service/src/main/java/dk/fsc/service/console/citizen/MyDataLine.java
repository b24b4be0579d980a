package dk.fsc.service.console.citizen;

import java.time.Instant;
import java.util.List;

/** A line of the citizen's page, every word in the page's language. */
public record MyDataLine(Instant at, String person, String organisation, String role, String action, String purpose) {
    List<?> values(String when) {
        return List.of(when, person, organisation, role, action, purpose);
    }
}
