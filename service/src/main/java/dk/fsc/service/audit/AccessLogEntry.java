package dk.fsc.service.audit;

import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import java.util.UUID;

/** One line to append to the access log: who (user, organisation, role) did what to which citizen's data, and why. */
public record AccessLogEntry(String username, String organisationId, String role, UUID patientId, String action, String purpose,
                             @Nullable String detail) {

    public static AccessLogEntry of(StaffUser user, UUID patientId, String action, String purpose, @Nullable String detail) {
        return new AccessLogEntry(user.username(), user.organisationId(), user.role(), patientId, action, purpose, detail);
    }
}
