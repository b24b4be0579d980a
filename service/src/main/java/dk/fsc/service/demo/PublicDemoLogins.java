package dk.fsc.service.demo;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.security.PasswordHasher;
import dk.fsc.service.platform.startup.StartupProblem;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PostConstruct;

/**
 * Refuses to start a service reachable from other machines while its database still holds a demo
 * login with the password printed in the README (an old demo folder started on 0.0.0.0, say),
 * unless the operator asked for the demo with FSC_DEMO_DATA=true. Changed passwords pass.
 */
@Context
@Requires(property = "fsc.demo.refuse-exposed-logins", value = "true")
class PublicDemoLogins {
    private final Database db;
    private final String bindAddress;

    PublicDemoLogins(Database db, @Value("${fsc.demo.bind-address:0.0.0.0}") String bindAddress) {
        this.db = db;
        this.bindAddress = bindAddress;
    }

    /** On a pooled connection of its own: this runs at start, outside any transaction. */
    @PostConstruct
    void refuseIfPresent() {
        db.withConnection(sql -> {
            for (DemoCatalogue.User u : DemoCatalogue.USERS) {
                if (publicPassword(sql, "SELECT password_hash FROM staff_users WHERE username = ?", u.username(), u.password())) {
                    throw refusal("login " + u.username());
                }
            }
            for (DemoCatalogue.Device d : DemoCatalogue.devices()) {
                if (publicPassword(sql, "SELECT mqtt_password_hash FROM devices WHERE mqtt_username = ? AND state <> 'retired'",
                        d.mqttUsername(), d.mqttPassword())) {
                    throw refusal("device account " + d.mqttUsername());
                }
            }
            return null;
        });
    }

    private StartupProblem refusal(String what) {
        return new StartupProblem("The database holds the demo's public " + what + " (README) and FSC_BIND_ADDRESS=" + bindAddress
                + " is reachable from other machines: set FSC_BIND_ADDRESS=127.0.0.1, use a fresh FSC_DATA_DIR, "
                + "or set FSC_DEMO_DATA=true to keep the demo on a closed network.");
    }

    private static boolean publicPassword(Sql sql, String query, String name, String password) {
        return sql.one(query, rs -> rs.getString(1), name).map(hash -> PasswordHasher.matches(password, hash)).orElse(false);
    }
}
