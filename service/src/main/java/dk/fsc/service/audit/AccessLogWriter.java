package dk.fsc.service.audit;

import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends access-log lines off the caller's thread: one writer thread inserts what is waiting in
 * batches, so a slow insert holds up neither the alert feed's thread nor the other lines behind
 * one statement each. Nothing is dropped: the queue is bounded and a caller waits when it is full,
 * and each line's future completes only once its line is committed, or fails when it could not be
 * written; whoever shows the data waits for that and stops when it fails.
 */
@Singleton
public class AccessLogWriter {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLogWriter.class);
    private static final int BATCH = 500;
    /** How long a batch is tried again while the database is away before its lines fail (and their streams end). */
    private static final Duration RETRY_FOR = Duration.ofSeconds(15);

    private record Pending(AccessLogEntry line, CompletableFuture<Void> written) {
    }

    private final AccessLog accessLog;
    private final BlockingQueue<Pending> queue;
    private final Thread thread;
    private volatile boolean running = true;

    AccessLogWriter(AccessLog accessLog, @Value("${fsc.audit.writer-queue:10000}") int capacity) {
        this.accessLog = accessLog;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "access-log-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues the line, waiting while the queue is full; the future completes when it is committed.
     *
     * @throws IllegalStateException when the service is stopping (the line is not taken)
     */
    public CompletableFuture<Void> append(AccessLogEntry line) {
        Pending pending = new Pending(line, new CompletableFuture<>());
        try {
            while (running) {
                if (queue.offer(pending, 100, TimeUnit.MILLISECONDS)) {
                    if (!running && queue.remove(pending)) {
                        break; // stopped while we queued: nobody would write it
                    }
                    return pending.written();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("the access log writer is stopped");
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                running = false; // nobody will write what waits: fail it, and take no more
                IllegalStateException reason = new IllegalStateException("the access log writer was interrupted");
                batch.forEach(p -> p.written().completeExceptionally(reason));
                failQueued(reason);
                return;
            } catch (Throwable e) {
                // Never ends the thread unnoticed: the lines of this batch fail, the next are written.
                batch.forEach(p -> p.written().completeExceptionally(e));
                LOG.error("Access log writer: a batch of {} lines failed", batch.size(), e);
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * All in one statement, tried again while the database is briefly away (a restart, a dropped
     * connection: the events wait, no stream ends); when it still fails, line by line, so only the
     * lines that cannot be written fail.
     */
    private void write(List<Pending> batch) throws InterruptedException {
        long giveUpAt = System.nanoTime() + RETRY_FOR.toNanos();
        long pauseMillis = 100;
        while (true) {
            try {
                accessLog.appendOnOwnConnection(batch.stream().map(Pending::line).toList());
                batch.forEach(p -> p.written().complete(null));
                return;
            } catch (RuntimeException e) {
                if (databaseAway(e) && System.nanoTime() < giveUpAt && running) {
                    LOG.warn("Access log batch of {} lines not written ({}); trying again in {} ms", batch.size(), e.getMessage(), pauseMillis);
                    Thread.sleep(pauseMillis);
                    pauseMillis = Math.min(pauseMillis * 2, 2_000);
                    continue;
                }
                if (batch.size() == 1) {
                    fail(batch.get(0), e);
                    return;
                }
                LOG.warn("Access log batch of {} lines not written ({}); writing them one by one", batch.size(), e.getMessage());
                break;
            }
        }
        for (Pending p : batch) {
            try {
                accessLog.appendOnOwnConnection(List.of(p.line()));
                p.written().complete(null);
            } catch (RuntimeException e) {
                fail(p, e);
            }
        }
    }

    /** The database is away or busy (connection lost, shutting down, too many connections, deadlock), not refusing the line. */
    static boolean databaseAway(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P0") || state.startsWith("53") || state.equals("40001") || state.equals("40P01")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void fail(Pending p, RuntimeException e) {
        LOG.error("Access log line not written ({} {} {}): {}", p.line().username(), p.line().action(), p.line().patientId(), e.getMessage());
        p.written().completeExceptionally(e);
    }

    @PreDestroy
    void stop() {
        running = false; // the thread writes what is queued, then ends
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Lines the database did not take in time are not written: their reads must not go ahead.
        failQueued(new IllegalStateException("the service stopped before the line was written"));
    }

    private void failQueued(IllegalStateException reason) {
        Pending left;
        while ((left = queue.poll()) != null) {
            left.written().completeExceptionally(reason);
        }
    }
}
