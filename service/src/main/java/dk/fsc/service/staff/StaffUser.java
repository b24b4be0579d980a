package dk.fsc.service.staff;

import io.micronaut.security.authentication.Authentication;
import java.util.Set;

/**
 * The calling staff member as the token describes them.
 *
 * @param role one of {@link Role}'s values
 */
public record StaffUser(String username, String role, String organisationId) {

    public static final String ORGANISATION_CLAIM = "organisation";

    /** Roles, as stored and as put in tokens. */
    public static final class Role {
        public static final String NURSE = "nurse";
        public static final String CLINICIAN = "clinician";
        public static final String FSC_SUPPORT = "fsc_support";
        public static final String FSC_ADMIN = "fsc_admin";
        public static final String ORG_ADMIN = "org_admin";
        /**
         * A hospital wound clinic's specialist: sees the wounds referred to the clinic while the
         * referral is open and the citizen's consent in force, and nothing else of any citizen.
         */
        public static final String WOUND_SPECIALIST = "wound_specialist";
        /** A citizen signed in through the OpenID Connect provider: sees only who accessed their own data. */
        public static final String CITIZEN = "citizen";

        private Role() {
        }
    }

    /** Roles that care for citizens and so may see their clinical data. */
    public static final Set<String> CARE_ROLES = Set.of(Role.NURSE, Role.CLINICIAN);

    public static StaffUser of(Authentication authentication) {
        String role = authentication.getRoles().stream().findFirst().orElse("");
        Object organisation = authentication.getAttributes().get(ORGANISATION_CLAIM);
        return new StaffUser(authentication.getName(), role, organisation == null ? "" : organisation.toString());
    }
}
