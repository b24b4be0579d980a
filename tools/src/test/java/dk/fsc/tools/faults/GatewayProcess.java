package dk.fsc.tools.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The stand-alone gateway jar as its own operating-system process, so a test can kill it with
 * SIGKILL ({@code kill -9}) in the middle of a batch, exactly as a crash would.
 */
final class GatewayProcess implements AutoCloseable {
    private final Path jar;
    private final Map<String, String> env;
    private final Path log;
    private Process process;
    private long subscriptionsBeforeStart;

    GatewayProcess(Map<String, String> env, Path log) {
        this.jar = Jars.gateway();
        this.env = env;
        this.log = log;
    }

    void start() throws IOException {
        subscriptionsBeforeStart = subscriptions();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        process = builder.start();
    }

    /**
     * Waits until this run of the gateway has subscribed. Only then does the broker keep device
     * messages for it: before a gateway's first subscription there is no session to queue them in.
     */
    void awaitSubscribed(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (subscriptions() <= subscriptionsBeforeStart) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway did not subscribe; see " + log);
            }
            Thread.sleep(100);
        }
    }

    private long subscriptions() throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains("Gateway subscribed to")).count();
        }
    }

    /** SIGKILL: no shutdown hook, no clean disconnect, whatever batch is open is lost with the process. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as an orchestrator stops it: the gateway drains what it holds, then exits; waits for that. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the gateway did not stop within 30 s of SIGTERM; see " + log);
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
