package dk.fsc.service.staff;

import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.security.PasswordHasher;
import io.micronaut.core.annotation.NonNull;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.util.HttpClientAddressResolver;
import io.micronaut.security.authentication.AuthenticationFailed;
import io.micronaut.security.authentication.AuthenticationFailureReason;
import io.micronaut.security.authentication.AuthenticationRequest;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.authentication.provider.HttpRequestExecutorAuthenticationProvider;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/**
 * Built-in staff accounts for {@code POST /login}: checks the password hash and puts the user's
 * role and organisation into the token. Runs on the blocking executor (PBKDF2 is slow on purpose).
 * An account locked after failed logins in a row ({@link LoginLockout}) is refused without
 * looking at the password; {@link LockedLoginAnswer} turns that refusal into 429.
 */
@Singleton
class StaffAuthenticationProvider<B> implements HttpRequestExecutorAuthenticationProvider<B> {
    /** A hash of a random password, checked for names that have no account (made once, as real ones are). */
    private static final String UNKNOWN_ACCOUNT_HASH = PasswordHasher.hash(java.util.UUID.randomUUID().toString());
    private final StaffAccounts accounts;
    private final LoginLockout lockout;
    private final HttpClientAddressResolver addresses;

    StaffAuthenticationProvider(StaffAccounts accounts, LoginLockout lockout, HttpClientAddressResolver addresses) {
        this.accounts = accounts;
        this.lockout = lockout;
        this.addresses = addresses;
    }

    @Override
    public @NonNull AuthenticationResponse authenticate(@Nullable HttpRequest<B> request,
                                                        @NonNull AuthenticationRequest<String, String> login) {
        String username = login.getIdentity();
        String password = login.getSecret();
        if (username == null || password == null || username.length() > 100) {
            return AuthenticationResponse.failure(AuthenticationFailureReason.CREDENTIALS_DO_NOT_MATCH);
        }
        String address = address(request);
        try {
            long locked = lockout.attempt(username, address);
            if (locked > 0) {
                if (request != null) {
                    request.setAttribute(LockedLoginAnswer.LOCKED_SECONDS, locked);
                }
                return AuthenticationResponse.failure(AuthenticationFailureReason.ACCOUNT_LOCKED);
            }
            AuthenticationResponse answer = check(username, password);
            if (answer.isAuthenticated() || answer instanceof AuthenticationFailed f && f.getReason() == AuthenticationFailureReason.USER_DISABLED) {
                lockout.succeeded(username); // a disabled account with the right password is not a guess
            } else {
                lockout.failed(username, address);
            }
            return answer;
        } catch (Sql.DataError e) {
            return AuthenticationResponse.failure("login is unavailable, try again shortly");
        }
    }

    private AuthenticationResponse check(String username, String password) {
        StaffAccounts.Account account = accounts.find(username).orElse(null);
        if (account == null) {
            // As long as a wrong password for a real account takes: the answer's time says nothing of which names exist.
            PasswordHasher.matches(password, UNKNOWN_ACCOUNT_HASH);
            return AuthenticationResponse.failure(AuthenticationFailureReason.CREDENTIALS_DO_NOT_MATCH);
        }
        if (!PasswordHasher.matches(password, account.passwordHash())) {
            return AuthenticationResponse.failure(AuthenticationFailureReason.CREDENTIALS_DO_NOT_MATCH);
        }
        if (!account.active()) {
            return AuthenticationResponse.failure(AuthenticationFailureReason.USER_DISABLED);
        }
        return AuthenticationResponse.success(username, List.of(account.role()), Map.of(StaffUser.ORGANISATION_CLAIM, account.organisationId()));
    }

    private String address(@Nullable HttpRequest<B> request) {
        if (request == null) {
            return "unknown";
        }
        String address = addresses.resolve(request);
        return address != null ? address : request.getRemoteAddress().getAddress().getHostAddress();
    }
}
