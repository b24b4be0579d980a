package dk.fsc.service.console;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/** Which ways of signing in the form offers: built-in accounts (FSC_BUILTIN_LOGIN) and the region's OpenID Connect provider. */
@Singleton
class SignInOptions {
    private final boolean passwords;
    private final boolean provider;

    SignInOptions(@Value("${micronaut.security.endpoints.login.enabled:true}") boolean passwords,
                  @Value("${fsc.oidc.client-id:}") String clientId) {
        this.passwords = passwords;
        this.provider = clientId != null && !clientId.isBlank();
    }

    boolean passwordsAllowed() {
        return passwords;
    }

    boolean providerConfigured() {
        return provider;
    }
}
