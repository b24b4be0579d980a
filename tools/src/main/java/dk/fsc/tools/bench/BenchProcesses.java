package dk.fsc.tools.bench;

import dk.fsc.service.simulator.SimulatedFleet;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The processes a benchmark (or the fault suite) starts: a Mosquitto broker of its own and the system's jar. */
public final class BenchProcesses {
    private BenchProcesses() {
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Mosquitto from the machine's binary, on a free loopback port, with the production settings
     * that matter for throughput, latency and no loss (ops/mosquitto/mosquitto.conf: a large queue
     * per session, 2000 in flight, no Nagle's algorithm): anonymous and in memory (a benchmark, not
     * a deployment), or, for the fleet, with accounts (a password file and ops/mosquitto/fsc-acl)
     * and persistence, and restartable on the same port.
     */
    static final class Broker implements AutoCloseable {
        private final Path binary;
        private final Path folder;
        final int port;
        volatile Process process;

        Broker(Path folder) throws IOException, InterruptedException {
            this(folder, null, null);
        }

        /** With accounts: {@code passwords} a Mosquitto password file, {@code acl} its ACL file; persistent. */
        Broker(Path folder, Path passwords, Path acl) throws IOException, InterruptedException {
            binary = List.of(Path.of("/usr/sbin/mosquitto"), Path.of("/usr/bin/mosquitto"), Path.of("/usr/local/sbin/mosquitto"))
                    .stream().filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new IOException("no mosquitto binary (apt-get install mosquitto): the benchmark runs a broker of its own"));
            this.folder = folder;
            port = freePort();
            Files.createDirectories(folder);
            List<String> conf = new ArrayList<>(List.of(
                    "listener " + port + " 127.0.0.1",
                    "max_queued_messages 3000000",
                    "max_inflight_messages 2000",
                    "max_connections -1",
                    "set_tcp_nodelay true",
                    "user " + System.getProperty("user.name"),
                    "log_dest file " + folder.resolve("mosquitto.log")));
            if (passwords == null) {
                conf.addAll(List.of("allow_anonymous true", "persistence false"));
            } else {
                Files.createDirectories(folder.resolve("data"));
                conf.addAll(List.of("allow_anonymous false", "password_file " + passwords, "acl_file " + acl, "persistence true",
                        "persistence_location " + folder.resolve("data") + "/", "autosave_interval 5"));
            }
            conf.add("");
            Files.writeString(folder.resolve("mosquitto.conf"), String.join("\n", conf));
            start();
        }

        /** Starts it (again, after {@link #close}) on its port. */
        void start() throws IOException, InterruptedException {
            process = new ProcessBuilder(binary.toString(), "-c", folder.resolve("mosquitto.conf").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(folder.resolve("mosquitto.out").toFile())).start();
            awaitPort(port, process, Duration.ofSeconds(15));
        }

        String url() {
            return "tcp://127.0.0.1:" + port;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The system's jar as a child process, exactly as the run command starts it. */
    public static final class SystemProcess implements AutoCloseable {
        private final Path jar;
        private final Map<String, String> env;
        private final List<String> jvmOptions;
        private final Path log;
        private final String readyLine;
        private Process process;

        /**
         * @param readyLine the log line that says it is ready ("Gateway subscribed" when it hosts the
         *                  gateway, "FSC is running" otherwise)
         */
        public SystemProcess(Path jar, Map<String, String> env, List<String> jvmOptions, Path log, String readyLine) {
            this.jar = jar;
            this.env = env;
            this.jvmOptions = jvmOptions;
            this.log = log;
            this.readyLine = readyLine;
        }

        /** Starts it and waits until it is ready; returns when that was (System.nanoTime). */
        public long start() throws IOException, InterruptedException {
            long before = countLines(readyLine);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.add("-jar");
            command.add(jar.toString());
            ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            b.environment().putAll(env);
            process = b.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (countLines(readyLine) <= before) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("the system did not start; see " + log);
                }
                Thread.sleep(50);
            }
            return System.nanoTime();
        }

        public long pid() {
            return process == null || !process.isAlive() ? -1 : process.pid();
        }

        /** SIGKILL, as a crash: no shutdown hook runs; returns once the process is gone. */
        public void kill() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }

        /** SIGTERM and wait: the system drains nothing more and keeps its broker session. */
        public void stop() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }

        private long countLines(String text) throws IOException {
            if (!Files.exists(log)) {
                return 0;
            }
            try (var lines = Files.lines(log)) {
                return lines.filter(l -> l.contains(text)).count();
            }
        }

        /**
         * The service's runnable jar: the one its classes are loaded from ({@code bin/benchmark}
         * puts service/target/fsc-service.jar on the class path).
         */
        static Path serviceJar() {
            Path jar;
            try {
                jar = Path.of(SimulatedFleet.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("the service's classes come from " + jar + ", not its jar; run bin/benchmark");
            }
            return jar;
        }

        public Path log() {
            return log;
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    static void awaitPort(int port, Process process, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("process exited with " + process.exitValue() + " before listening on port " + port);
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("nothing listens on port " + port + " after " + timeout.toSeconds() + " s");
    }
}
