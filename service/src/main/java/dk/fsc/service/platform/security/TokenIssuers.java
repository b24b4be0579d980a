package dk.fsc.service.platform.security;

import dk.fsc.service.platform.startup.StartupProblem;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import java.util.Collection;
import java.util.List;

/**
 * Which signed tokens are accepted. A token's signature is checked first (Micronaut tries our own
 * HMAC secret and, when {@code FSC_OIDC_JWKS_URL} is set, the OpenID Connect provider's key set);
 * this then requires the issuer to be either this service (built-in logins) or the configured
 * provider, and for the provider's tokens the configured audience and an expiry time. A token
 * from a provider signed with a key we trust but meant for another application is refused.
 */
@Context
public class TokenIssuers<T> implements GenericJwtClaimsValidator<T> {
    private final String ownIssuer;
    private final String oidcIssuer;
    private final String audience;

    public TokenIssuers(@Value("${micronaut.application.name}") String ownIssuer,
                        @Nullable @Value("${micronaut.security.token.jwt.signatures.jwks.oidc.url:}") String jwksUrl,
                        @Nullable @Value("${fsc.oidc.issuer:}") String oidcIssuer,
                        @Nullable @Value("${fsc.oidc.audience:}") String audience) {
        this.ownIssuer = ownIssuer;
        this.oidcIssuer = blankToNull(oidcIssuer);
        this.audience = blankToNull(audience);
        if (blankToNull(jwksUrl) != null && (this.oidcIssuer == null || this.audience == null)) {
            throw new StartupProblem("FSC_OIDC_JWKS_URL is set: also set FSC_OIDC_ISSUER (the provider's issuer URL) and "
                    + "FSC_OIDC_AUDIENCE (this service's client id at the provider), or tokens cannot be checked.");
        }
    }

    /** True when {@code claims} come from the configured OpenID Connect provider. */
    public boolean isProvider(Object issuer) {
        return oidcIssuer != null && oidcIssuer.equals(issuer);
    }

    @Override
    public boolean validate(Claims claims, @Nullable T request) {
        Object issuer = claims.get(Claims.ISSUER);
        if (ownIssuer.equals(issuer)) {
            return true;
        }
        return isProvider(issuer) && claims.get(Claims.EXPIRATION_TIME) != null && audiences(claims.get(Claims.AUDIENCE)).contains(audience);
    }

    private static Collection<?> audiences(Object aud) {
        if (aud instanceof Collection<?> many) {
            return many;
        }
        return aud == null ? List.of() : List.of(aud.toString());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
