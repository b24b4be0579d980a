package dk.fsc.service.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A Mosquitto 2 broker of a test's own, on a free port, with persistence and the
 * dynamic-security plugin: an admin account for device accounts and a gateway account, both with
 * generated passwords, as production's (ops/mosquitto/mosquitto.conf). It can be stopped and
 * started again on the same port and data. Tests that need it are skipped where Mosquitto is not
 * installed ({@code .ci/run} installs it). {@link #startAnonymous()} starts a plain anonymous one
 * instead, the broker of a second test JVM.
 */
public final class LocalMosquitto implements AutoCloseable {
    private static final List<String> PLUGIN_PATHS = List.of("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so",
            "/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so", "/usr/lib/mosquitto_dynamic_security.so",
            "/usr/local/lib/mosquitto_dynamic_security.so");

    public final String adminUser = "fsc-admin";
    public final String adminPassword = secret();
    public final String gatewayUser = "fsc-gateway";
    public final String gatewayPassword = secret();
    /** A load generator that may publish as any device (the fault tests' simulator). */
    public final String simulatorUser = "fsc-simulator";
    public final String simulatorPassword = secret();
    private final Path folder;
    private final int port;
    private final boolean anonymous;
    private Process process;

    private LocalMosquitto(Path folder, int port, boolean anonymous) {
        this.folder = folder;
        this.port = port;
        this.anonymous = anonymous;
    }

    /** Why a local Mosquitto cannot run here, or empty when it can. */
    public static Optional<String> unavailable() {
        if (binary().isEmpty()) {
            return Optional.of("no mosquitto binary on this machine (apt-get install mosquitto; .ci/run does)");
        }
        if (plugin().isEmpty()) {
            return Optional.of("no mosquitto_dynamic_security.so plugin found in " + PLUGIN_PATHS);
        }
        return Optional.empty();
    }

    public static LocalMosquitto start() throws IOException {
        LocalMosquitto broker = new LocalMosquitto(TestInfrastructure.scratch("mosquitto"), TestInfrastructure.freePort(), false);
        broker.writeConfig();
        broker.startProcess();
        return broker;
    }

    /**
     * An anonymous broker configured as Debian's mosquitto package is (what {@code .ci/run} starts
     * for {@code FSC_TEST_MQTT_URL}: no accounts, Mosquitto's default limits), for a test JVM that
     * must not share {@code FSC_TEST_MQTT_URL} with another ({@link TestInfrastructure#brokerUrl()}).
     * Needs only the mosquitto binary.
     */
    static LocalMosquitto startAnonymous() throws IOException {
        if (binary().isEmpty()) {
            throw new IOException("no mosquitto binary on this machine (apt-get install mosquitto; .ci/run does)");
        }
        LocalMosquitto broker = new LocalMosquitto(TestInfrastructure.scratch("mosquitto-anonymous"), TestInfrastructure.freePort(), true);
        broker.writeConfig();
        broker.startProcess();
        return broker;
    }

    /**
     * A broker of the test's own for its application context, skipping the test where Mosquitto
     * cannot run; the gateway logs in with the account {@code account} names (username, password).
     */
    public static LocalMosquitto startForGateway(java.util.Map<String, String> properties,
                                                 java.util.function.Function<LocalMosquitto, String[]> account) {
        org.junit.jupiter.api.Assumptions.assumeTrue(unavailable().isEmpty(), () -> "skipped: " + unavailable().get());
        LocalMosquitto broker;
        try {
            broker = start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String[] login = account.apply(broker);
        properties.put("fsc.gateway.broker-url", broker.url());
        properties.put("fsc.gateway.username", login[0]);
        properties.put("fsc.gateway.password", login[1]);
        return broker;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Stops the broker the normal way (it saves its persistence file), then starts it again. */
    public void restart() throws IOException {
        stop();
        startProcess();
    }

    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: Mosquitto writes its persistence file and exits
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void startProcess() throws IOException {
        process = new ProcessBuilder(binary().orElseThrow().toString(), "-c", folder.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(folder.resolve("mosquitto.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("mosquitto exited: " + Files.readString(folder.resolve("mosquitto.log")));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        throw new IOException("mosquitto did not listen on port " + port);
    }

    private void writeConfig() throws IOException {
        if (anonymous) {
            Files.writeString(folder.resolve("mosquitto.conf"), String.join("\n",
                    "listener " + port + " 127.0.0.1",
                    "allow_anonymous true",
                    "persistence true",
                    "persistence_location " + folder + "/",
                    "user " + System.getProperty("user.name"),
                    ""));
            return;
        }
        Path dynsec = folder.resolve("dynamic-security.json");
        String config = String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous false",
                "persistence true",
                "persistence_location " + folder + "/",
                "autosave_interval 1",
                "max_queued_messages 1000000",
                "max_inflight_messages 2000",
                "set_tcp_nodelay true", // as ops/mosquitto/mosquitto.conf
                "user " + System.getProperty("user.name"),
                "plugin " + plugin().orElseThrow(),
                "plugin_opt_config_file " + dynsec,
                "");
        Files.writeString(folder.resolve("mosquitto.conf"), config);
        Files.writeString(dynsec, dynamicSecurity());
    }

    /** The plugin's file format: clients with PBKDF2-SHA512 password hashes, roles with ACLs. */
    private String dynamicSecurity() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ArrayNode clients = root.putArray("clients");
        client(clients, adminUser, adminPassword, "admin");
        client(clients, gatewayUser, gatewayPassword, "gateway");
        client(clients, simulatorUser, simulatorPassword, "simulator");
        ArrayNode roles = root.putArray("roles");
        ArrayNode admin = roles.addObject().put("rolename", "admin").putArray("acls");
        for (String type : List.of("publishClientSend", "publishClientReceive", "subscribePattern")) {
            admin.addObject().put("acltype", type).put("topic", "$CONTROL/dynamic-security/#").put("allow", true);
        }
        ArrayNode gateway = roles.addObject().put("rolename", "gateway").putArray("acls");
        // As ops/mosquitto/README.md: what devices send, never the replies topics.
        for (String kind : List.of("readings", "photos", "status")) {
            gateway.addObject().put("acltype", "subscribePattern").put("topic", "$share/+/fsc/v1/devices/+/" + kind).put("allow", true);
            gateway.addObject().put("acltype", "subscribePattern").put("topic", "fsc/v1/devices/+/" + kind).put("allow", true);
            gateway.addObject().put("acltype", "publishClientReceive").put("topic", "fsc/v1/devices/+/" + kind).put("allow", true);
        }
        gateway.addObject().put("acltype", "subscribePattern").put("topic", "$SYS/broker/publish/messages/dropped").put("allow", true);
        gateway.addObject().put("acltype", "publishClientReceive").put("topic", "$SYS/broker/publish/messages/dropped").put("allow", true);
        gateway.addObject().put("acltype", "publishClientSend").put("topic", "fsc/v1/devices/+/replies").put("allow", true);
        ArrayNode simulator = roles.addObject().put("rolename", "simulator").putArray("acls");
        for (String kind : List.of("readings", "photos", "status")) {
            simulator.addObject().put("acltype", "publishClientSend").put("topic", "fsc/v1/devices/+/" + kind).put("allow", true);
        }
        ObjectNode defaults = root.putObject("defaultACLAccess");
        defaults.put("publishClientSend", false).put("publishClientReceive", false).put("subscribe", false).put("unsubscribe", true);
        return root.toPrettyString();
    }

    private static void client(ArrayNode clients, String username, String password, String role) {
        byte[] salt = new byte[12];
        new SecureRandom().nextBytes(salt);
        try {
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, 101, 512)).getEncoded();
            ObjectNode c = clients.addObject().put("username", username)
                    .put("password", Base64.getEncoder().encodeToString(hash))
                    .put("salt", Base64.getEncoder().encodeToString(salt)).put("iterations", 101);
            c.putArray("roles").addObject().put("rolename", role);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Path> binary() {
        return List.of("/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/local/bin/mosquitto").stream()
                .map(Path::of).filter(Files::isExecutable).findFirst();
    }

    private static Optional<Path> plugin() {
        return PLUGIN_PATHS.stream().map(Path::of).filter(Files::isReadable).findFirst();
    }

    private static String secret() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return "test-" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
