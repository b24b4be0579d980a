package dk.fsc.service.staff;

import dk.fsc.service.platform.security.PasswordHasher;
import io.micronaut.core.annotation.NonNull;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.jdbc.DataSourceResolver;
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
 */
@Singleton
class StaffAuthenticationProvider<B> implements HttpRequestExecutorAuthenticationProvider<B> {
    private final DataSource dataSource;

    StaffAuthenticationProvider(DataSource dataSource, @Nullable DataSourceResolver resolver) {
        this.dataSource = (resolver == null ? DataSourceResolver.DEFAULT : resolver).resolve(dataSource);
    }

    @Override
    public @NonNull AuthenticationResponse authenticate(@Nullable HttpRequest<B> request,
                                                        @NonNull AuthenticationRequest<String, String> login) {
        String username = login.getIdentity();
        String password = login.getSecret();
        if (username == null || password == null || username.length() > 100) {
            return AuthenticationResponse.failure(AuthenticationFailureReason.CREDENTIALS_DO_NOT_MATCH);
        }
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
        } catch (SQLException e) {
            return AuthenticationResponse.failure("login is unavailable, try again shortly");
        }
    }
}
