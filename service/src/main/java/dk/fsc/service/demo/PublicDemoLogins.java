package dk.fsc.service.demo;

import dk.fsc.service.platform.startup.StartupProblem;
import dk.fsc.service.platform.security.PasswordHasher;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.annotation.PostConstruct;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Refuses to start a service reachable from other machines while its database still holds a demo
 * login with the password printed in the README (an old demo folder started on 0.0.0.0, say),
 * unless the operator asked for the demo with FSC_DEMO_DATA=true. Changed passwords pass.
 */
@Context
@Requires(property = "fsc.demo.refuse-exposed-logins", value = "true")
class PublicDemoLogins {
    private final DataSource dataSource;
    private final String bindAddress;

    PublicDemoLogins(DataSource dataSource, @Nullable DataSourceResolver resolver,
                     @Value("${fsc.demo.bind-address:0.0.0.0}") String bindAddress) {
        // The plain pool: this runs at start, outside any transaction.
        this.dataSource = (resolver == null ? DataSourceResolver.DEFAULT : resolver).resolve(dataSource);
        this.bindAddress = bindAddress;
    }

    @PostConstruct
    void refuseIfPresent() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            for (DemoCatalogue.User u : DemoCatalogue.USERS) {
                if (publicPassword(c, "SELECT password_hash FROM staff_users WHERE username = ?", u.username(), u.password())) {
                    throw refusal("login " + u.username());
                }
            }
            for (DemoCatalogue.Device d : DemoCatalogue.devices()) {
                if (publicPassword(c, "SELECT mqtt_password_hash FROM devices WHERE mqtt_username = ? AND state <> 'retired'",
                        d.mqttUsername(), d.mqttPassword())) {
                    throw refusal("device account " + d.mqttUsername());
                }
            }
        }
    }

    private StartupProblem refusal(String what) {
        return new StartupProblem("The database holds the demo's public " + what + " (README) and FSC_BIND_ADDRESS=" + bindAddress
                + " is reachable from other machines: set FSC_BIND_ADDRESS=127.0.0.1, use a fresh FSC_DATA_DIR, "
                + "or set FSC_DEMO_DATA=true to keep the demo on a closed network.");
    }

    private static boolean publicPassword(Connection c, String sql, String name, String password) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getString(1) != null && PasswordHasher.matches(password, rs.getString(1));
            }
        }
    }
}
