package dk.fsc.service.platform;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the run command reads from the environment before anything starts (see README,
 * "Configuration"). Everything else is in application.yml.
 */
public record Settings(int httpPort, String dbUrl, String dbUser, String dbPassword, String mqttUrl, int mqttPort,
                       String mqttUsername, String mqttPassword, Path dataDir, boolean demoData,
                       String jwtSecret, String cprKey, boolean gatewayEnabled, String oidcJwksUrl,
                       String bindAddress) {

    public static Settings fromEnvironment(Map<String, String> env) {
        String dbUrl = jdbcUrl(blankToNull(env.get("FSC_DB_URL")));
        return new Settings(
                port(env, "FSC_HTTP_PORT", 8080),
                dbUrl,
                blankToNull(env.get("FSC_DB_USER")),
                blankToNull(env.get("FSC_DB_PASSWORD")),
                blankToNull(env.get("FSC_MQTT_URL")),
                port(env, "FSC_MQTT_PORT", 1883),
                blankToNull(env.get("FSC_MQTT_USERNAME")),
                blankToNull(env.get("FSC_MQTT_PASSWORD")),
                Path.of(env.getOrDefault("FSC_DATA_DIR", "fsc-data")).toAbsolutePath().normalize(),
                Boolean.parseBoolean(env.getOrDefault("FSC_DEMO_DATA", String.valueOf(dbUrl == null))),
                blankToNull(env.get("FSC_JWT_SECRET")),
                blankToNull(env.get("FSC_CPR_KEY")),
                !"false".equalsIgnoreCase(env.getOrDefault("FSC_GATEWAY_ENABLED", "true")),
                blankToNull(env.get("FSC_OIDC_JWKS_URL")),
                env.getOrDefault("FSC_BIND_ADDRESS", "0.0.0.0").strip());
    }

    public boolean embeddedDatabase() {
        return dbUrl == null;
    }

    public boolean embeddedBroker() {
        return mqttUrl == null;
    }

    /** Fails with a message naming the variable when a port we are about to listen on is taken. */
    public static void requireFreePort(int port, String variable) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new StartupProblem("Port " + port + " is already in use. Stop whatever listens there or choose another port: "
                    + variable + "=" + (port + 1) + " (then run the command again).");
        }
    }

    private static int port(Map<String, String> env, String variable, int fallback) {
        String value = blankToNull(env.get(variable));
        if (value == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new StartupProblem(variable + " must be a port number from 1 to 65535, not '" + value + "'.");
    }

    /** Accepts the JDBC form and the libpq URL form (postgresql://...). */
    private static String jdbcUrl(String url) {
        if (url == null || url.startsWith("jdbc:")) {
            return url;
        }
        if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
            return "jdbc:postgresql://" + url.substring(url.indexOf("://") + 3);
        }
        // The value is not echoed: a database URL may carry a password.
        throw new StartupProblem("FSC_DB_URL must look like jdbc:postgresql://host:5432/database (or postgresql://host/database).");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
