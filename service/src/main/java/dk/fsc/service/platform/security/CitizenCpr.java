package dk.fsc.service.platform.security;

import dk.fsc.service.platform.errors.Refusal;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.Authentication;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;

/**
 * The CPR number a citizen signed in with: the provider's claim ({@code FSC_OIDC_CPR_CLAIM},
 * default {@code cpr}) among the authentication's attributes, whether it came in a bearer token
 * (the API) or from the console's session (which keeps it encrypted). Never logged, never in a URL.
 */
@Singleton
public class CitizenCpr {
    private final String claim;

    CitizenCpr(@Value("${fsc.oidc.cpr-claim:cpr}") String claim) {
        this.claim = claim;
    }

    /** The name of the attribute that carries it. */
    public String claim() {
        return claim;
    }

    /** The valid, normalised CPR number among these claims, if there is one. */
    public Optional<String> in(Map<String, Object> claims) {
        Object value = claims.get(claim);
        String cpr = value == null ? null : CprCipher.normalise(value.toString());
        return CprCipher.isValid(cpr) ? Optional.of(cpr) : Optional.empty();
    }

    public Optional<String> of(@Nullable Authentication auth) {
        return auth == null ? Optional.empty() : in(auth.getAttributes());
    }

    /** The signed-in citizen's CPR number; refused (400) when the sign-in carried none this service can read. */
    public String require(Authentication auth) {
        return of(auth).orElseThrow(() -> Refusal.invalid(
                "Your sign-in did not carry a CPR number this service can read; sign in again with MitID."));
    }
}
