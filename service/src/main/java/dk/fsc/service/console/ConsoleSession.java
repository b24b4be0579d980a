package dk.fsc.service.console;

import dk.fsc.service.staff.StaffUser;
import io.micronaut.security.authentication.Authentication;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A signed-in browser: who it is and the token its state-changing requests must carry. */
public record ConsoleSession(String username, String role, String organisationId, String csrfToken) {
    static final String CSRF_ATTRIBUTE = "csrf";
    static final String SESSION_ATTRIBUTE = "consoleSession";

    Authentication authentication(String sessionHash) {
        return authentication(sessionHash, Map.of());
    }

    /**
     * The request's authentication; {@code claims} adds what a bearer token of the same person
     * would carry besides (a citizen's CPR number, under the provider's claim name), so a page
     * reads it as the API does (platform/security/CitizenCpr).
     */
    Authentication authentication(String sessionHash, Map<String, Object> claims) {
        Map<String, Object> attributes = new HashMap<>(claims);
        attributes.put(StaffUser.ORGANISATION_CLAIM, organisationId);
        attributes.put(CSRF_ATTRIBUTE, csrfToken);
        attributes.put(SESSION_ATTRIBUTE, sessionHash);
        return Authentication.build(username, List.of(role), attributes);
    }

    /** The session behind a request the console's cookie authenticated. */
    public static ConsoleSession of(Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        Object csrf = auth.getAttributes().get(CSRF_ATTRIBUTE);
        return new ConsoleSession(user.username(), user.role(), user.organisationId(), csrf == null ? "" : csrf.toString());
    }

    public StaffUser user() {
        return new StaffUser(username, role, organisationId);
    }
}
