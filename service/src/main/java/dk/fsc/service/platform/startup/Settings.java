package dk.fsc.service.platform.startup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the run command reads from the environment before anything starts (see README,
 * "Configuration"). Everything else is in application.yml.
 */
public record Settings(int httpPort, String dbUrl, String dbUser, String dbPassword, String mqttUrl, int mqttPort,
                       String mqttUsername, String mqttPassword, Path dataDir, boolean demoData,
                       String jwtSecret, String cprKey, boolean gatewayEnabled, String oidcJwksUrl,
                       String bindAddress, boolean demoDataExplicit, boolean durableEmbeddedDatabase,
                       String gatewayClientId, String simulatorUsername, String simulatorPassword, boolean simulatorRuns) {

    public static Settings fromEnvironment(Map<String, String> env) {
        String dbUrl = jdbcUrl(blankToNull(env.get("FSC_DB_URL")));
        boolean embedded = dbUrl == null || blankToNull(env.get("FSC_MQTT_URL")) == null;
        String demo = blankToNull(env.get("FSC_DEMO_DATA"));
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
                demo == null ? dbUrl == null : bool(demo, "FSC_DEMO_DATA"),
                blankToNull(env.get("FSC_JWT_SECRET")),
                blankToNull(env.get("FSC_CPR_KEY")),
                !"false".equalsIgnoreCase(env.getOrDefault("FSC_GATEWAY_ENABLED", "true")),
                blankToNull(env.get("FSC_OIDC_JWKS_URL")),
                // Embedded servers are a demo or a laptop: this machine only, unless asked otherwise.
                env.getOrDefault("FSC_BIND_ADDRESS", embedded ? "127.0.0.1" : "0.0.0.0").strip(),
                demo != null,
                bool(env.getOrDefault("FSC_EMBEDDED_DB_DURABLE", "true"), "FSC_EMBEDDED_DB_DURABLE"),
                env.getOrDefault("FSC_GATEWAY_CLIENT_ID", "fsc-gateway-1").strip(),
                blankToNull(env.get("FSC_SIMULATOR_MQTT_USERNAME")),
                blankToNull(env.get("FSC_SIMULATOR_MQTT_PASSWORD")),
                !"0".equals(env.getOrDefault("FSC_SIMULATOR_DEVICES", "0").strip()));
    }

    /** Whether the HTTP server and the embedded broker can be reached from this machine only. */
    public boolean loopbackOnly() {
        try {
            return InetAddress.getByName(bindAddress).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new StartupProblem("FSC_BIND_ADDRESS must be an address of this machine, such as 127.0.0.1 or 0.0.0.0, not '"
                    + bindAddress + "'.");
        }
    }

    /**
     * The demo's logins are public (README): they may be reachable from other machines only when
     * the operator said FSC_DEMO_DATA=true.
     */
    public void requireDemoNotExposed() {
        if (demoData && !demoDataExplicit && !loopbackOnly()) {
            throw new StartupProblem("FSC_BIND_ADDRESS=" + bindAddress + " would put the demo's public logins on the network: "
                    + "set FSC_DEMO_DATA=false to start without the demo, or FSC_DEMO_DATA=true to load it anyway on a closed network.");
        }
    }

    /** Whether a database holding the demo's public logins must refuse to start (not loopback, not asked for). */
    public boolean refuseExposedDemoLogins() {
        return !loopbackOnly() && !(demoData && demoDataExplicit);
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

    private static boolean bool(String value, String variable) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new StartupProblem(variable + " must be true or false, not '" + value + "'.");
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
