package dk.fsc.service.platform.security;

import dk.fsc.service.staff.StaffUser;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Value;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.DefaultRolesFinder;
import io.micronaut.security.token.config.TokenConfiguration;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/**
 * Roles from the token's {@code roles} claim, as before; a token of the OpenID Connect provider
 * that names a person by CPR number and carries no role is a citizen's (MitID through the
 * provider), and gets the one role {@code citizen}: it may read its own access log and nothing else.
 */
@Singleton
@Replaces(DefaultRolesFinder.class)
class CitizenRoles extends DefaultRolesFinder {
    private final TokenIssuers<?> issuers;
    private final String cprClaim;

    CitizenRoles(TokenConfiguration tokenConfiguration, TokenIssuers<?> issuers, @Value("${fsc.oidc.cpr-claim:cpr}") String cprClaim) {
        super(tokenConfiguration);
        this.issuers = issuers;
        this.cprClaim = cprClaim;
    }

    @Override
    public List<String> resolveRoles(Map<String, Object> attributes) {
        List<String> roles = super.resolveRoles(attributes);
        if (roles.isEmpty() && attributes.get(cprClaim) != null && issuers.isProvider(attributes.get(Claims.ISSUER))) {
            return List.of(StaffUser.Role.CITIZEN);
        }
        return roles;
    }
}
