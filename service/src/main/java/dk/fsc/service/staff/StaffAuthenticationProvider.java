package dk.fsc.service.staff;

import dk.fsc.service.platform.security.PasswordHasher;
import io.micronaut.core.annotation.NonNull;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.util.HttpClientAddressResolver;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.security.authentication.AuthenticationFailed;
import io.micronaut.security.authentication.AuthenticationFailureReason;
import io.micronaut.security.authentication.AuthenticationRequest;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.authentication.provider.HttpRequestExecutorAuthenticationProvider;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Built-in staff accounts for {@code POST /login}: checks the password hash and puts the user's
 * role and organisation into the token. Runs on the blocking executor (PBKDF2 is slow on purpose).
 * An account locked after failed logins in a row ({@link LoginLockout}) is refused without
 * looking at the password; {@link LockedLoginAnswer} turns that refusal into 429.
 */
@Singleton
class StaffAuthenticationProvider<B> implements HttpRequestExecutorAuthenticationProvider<B> {
    private final DataSource dataSource;
    private final LoginLockout lockout;
    private final HttpClientAddressResolver addresses;

    StaffAuthenticationProvider(DataSource dataSource, @Nullable DataSourceResolver resolver, LoginLockout lockout,
                                HttpClientAddressResolver addresses) {
        this.dataSource = (resolver == null ? DataSourceResolver.DEFAULT : resolver).resolve(dataSource);
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
            long locked = lockout.secondsLocked(username);
            if (locked > 0) {
                lockout.refused(username, address, locked);
                if (request != null) {
                    request.setAttribute(LockedLoginAnswer.LOCKED_SECONDS, locked);
                }
                return AuthenticationResponse.failure(AuthenticationFailureReason.ACCOUNT_LOCKED);
            }
            AuthenticationResponse answer = check(username, password);
            if (answer.isAuthenticated()) {
                lockout.succeeded(username);
            } else if (!(answer instanceof AuthenticationFailed f && f.getReason() == AuthenticationFailureReason.USER_DISABLED)) {
                lockout.failed(username, address); // a disabled account with the right password is not a guess
            }
            return answer;
        } catch (SQLException e) {
            return AuthenticationResponse.failure("login is unavailable, try again shortly");
        }
    }

    private AuthenticationResponse check(String username, String password) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT password_hash, role, organisation_id, active FROM staff_users WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next() || !PasswordHasher.matches(password, rs.getString(1))) {
                    return AuthenticationResponse.failure(AuthenticationFailureReason.CREDENTIALS_DO_NOT_MATCH);
                }
                if (!rs.getBoolean(4)) {
                    return AuthenticationResponse.failure(AuthenticationFailureReason.USER_DISABLED);
                }
                return AuthenticationResponse.success(username, List.of(rs.getString(2)),
                        Map.of(StaffUser.ORGANISATION_CLAIM, rs.getString(3)));
            }
        }
    }

    private String address(@Nullable HttpRequest<B> request) {
        if (request == null) {
            return "unknown";
        }
        String address = addresses.resolve(request);
        return address != null ? address : request.getRemoteAddress().getAddress().getHostAddress();
    }
}
