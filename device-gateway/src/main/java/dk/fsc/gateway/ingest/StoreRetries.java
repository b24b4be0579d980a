package dk.fsc.gateway.ingest;

import dk.fsc.gateway.contract.Decoded;
import dk.fsc.gateway.contract.RedLimits;
import dk.fsc.gateway.contract.RejectionCode;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a batch until it is stored: while the database is unreachable the batch is retried
 * (backing off to 5 s) and nothing is acknowledged; a batch the database refuses is split into
 * single messages, so only the offending one is quarantined (STORE_REFUSED) and the rest stored.
 * A batch with a value at a red limit commits those messages first, in a transaction of their
 * own, so the nurse's alert does not wait for the rest of the batch to be written (the
 * evaluation claims them first too: {@link dk.fsc.gateway.storage.EvaluationRequestRows}), unless
 * its message id came earlier in the batch (the first message with an id stays, docs/mqtt.md); the
 * writer acknowledges the whole batch after both commits, in the order the messages came.
 */
final class StoreRetries {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRetries.class);

    /** Where batches go ({@link ReadingStore}; a fake in unit tests). */
    interface Store {
        /** Stores the batch in one transaction: one outcome per message object, in order. */
        List<Outcome> write(List<Parsed> batch) throws SQLException;

        /** Keeps a message the database refused; false when its device's quarantine quota is used up. */
        boolean quarantineRefused(Parsed message, String detail) throws SQLException;
    }

    /** Waits between attempts ({@code Thread::sleep}; instant in unit tests). */
    interface Pause {
        void sleep(long millis) throws InterruptedException;
    }

    private final Store store;
    private final BooleanSupplier running;
    private final Pause pause;

    StoreRetries(Store store, BooleanSupplier running, Pause pause) {
        this.store = store;
        this.running = running;
        this.pause = pause;
    }

    /**
     * The batch's outcomes, those of its red messages first; or null when stopping first (then
     * nothing may be acknowledged, and what was committed comes back from the broker as a duplicate).
     */
    List<Outcome> store(List<Parsed> batch) throws InterruptedException {
        List<Parsed> red = new ArrayList<>();
        List<Parsed> rest = new ArrayList<>(batch.size());
        Set<String> earlier = new HashSet<>(); // a message id used earlier in the batch keeps its place: the first stays
        for (Parsed message : batch) {
            List<String> ids = message.items().stream().map(item -> Parsed.key(message.deviceId(), item.messageId())).toList();
            (red(message) && ids.stream().noneMatch(earlier::contains) ? red : rest).add(message);
            earlier.addAll(ids);
        }
        if (red.isEmpty() || rest.isEmpty()) {
            return storeTogether(batch);
        }
        List<Outcome> first = storeTogether(red);
        List<Outcome> then = first == null ? null : storeTogether(rest);
        if (then == null) {
            return null;
        }
        List<Outcome> all = new ArrayList<>(first.size() + then.size());
        all.addAll(first);
        all.addAll(then);
        return all;
    }

    /** A reading with a value at a red limit ({@link RedLimits}, the rule of the evaluation's urgent queue). */
    static boolean red(Parsed message) {
        if (message.refused() != null) {
            return false;
        }
        for (Decoded item : message.items()) {
            if (item instanceof Decoded.Valid valid && RedLimits.anyRed(valid.reading())) {
                return true;
            }
        }
        return false;
    }

    /** The messages' outcomes from one transaction (or one each, when the database refuses the batch). */
    private List<Outcome> storeTogether(List<Parsed> batch) throws InterruptedException {
        return storeTogether(batch, PHOTO_STORE_ATTEMPTS);
    }

    /** @param photoStoreTries how often the photo store is tried (1 for the messages of a batch that waited for it already) */
    private List<Outcome> storeTogether(List<Parsed> batch, int photoStoreTries) throws InterruptedException {
        long delay = 100;
        int photoStoreAttempts = 0;
        while (running.getAsBoolean()) {
            try {
                return store.write(batch);
            } catch (SQLException e) {
                if (e instanceof PhotoStoreUnavailable && ++photoStoreAttempts >= photoStoreTries) {
                    // The photo store stays away (or refuses for good: an S3 403): the batch's readings are
                    // stored without waiting for it, its photos tried once more each and kept in quarantine to be
                    // replayed (not each waited for again: a batch of k photos was held k + 1 times as long).
                    return batch.size() > 1 ? storeOneByOne(batch, 1) : refused(batch.get(0), e);
                }
                if (isTransient(e)) {
                    LOG.warn("Database unavailable ({}); batch of {} kept unacknowledged, retrying in {} ms",
                            e.getMessage(), batch.size(), delay);
                    pause.sleep(delay);
                    delay = Math.min(delay * 2, 5_000);
                } else if (batch.size() > 1) {
                    return storeOneByOne(batch);
                } else {
                    return refused(batch.get(0), e);
                }
            } catch (RuntimeException e) {
                // A fault of ours, not the database's: as a refusal, so the one message that causes it is kept
                // and answered instead of the batch staying unacknowledged (and its broker slots taken) for good.
                LOG.error("Unexpected failure storing a batch of {}; storing its messages one by one", batch.size(), e);
                if (batch.size() > 1) {
                    return storeOneByOne(batch);
                }
                return refused(batch.get(0), e);
            }
        }
        return null;
    }

    /** Attempts (about 11 s, backing off) before a batch stops waiting for the photo store. */
    static final int PHOTO_STORE_ATTEMPTS = 8;

    /** The photo store (files, S3) cannot take a photo: retried like the database, but not for ever. */
    static final class PhotoStoreUnavailable extends SQLTransientException {
        PhotoStoreUnavailable(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    private List<Outcome> storeOneByOne(List<Parsed> batch) throws InterruptedException {
        return storeOneByOne(batch, PHOTO_STORE_ATTEMPTS);
    }

    private List<Outcome> storeOneByOne(List<Parsed> batch, int photoStoreTries) throws InterruptedException {
        List<Outcome> all = new ArrayList<>();
        for (Parsed message : batch) {
            List<Outcome> one = storeTogether(List.of(message), photoStoreTries);
            if (one == null) {
                return null;
            }
            all.addAll(one);
        }
        return all;
    }

    /**
     * What the database said, without what the message held: PostgreSQL's message repeats the
     * values ("Failing row contains (...)", a JSON text), and a free-text note may hold a CPR
     * number. The SQLState, the constraint, table and column are enough to find the cause.
     */
    static String withoutContent(SQLException e) {
        StringBuilder said = new StringBuilder("SQLState ").append(e.getSQLState());
        if (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
            var m = p.getServerErrorMessage();
            if (m.getConstraint() != null) {
                said.append(", constraint ").append(m.getConstraint());
            }
            if (m.getTable() != null) {
                said.append(", table ").append(m.getTable());
            }
            if (m.getColumn() != null) {
                said.append(", column ").append(m.getColumn());
            }
        }
        return said.toString();
    }

    private List<Outcome> refused(Parsed message, Exception cause) throws InterruptedException {
        String detail = cause instanceof PhotoStoreUnavailable ? "the photo store is unavailable; the message is kept for an operator to replay"
                : cause instanceof SQLException sql ? "the database refused the message (" + sql.getSQLState() + "); it is kept for an operator"
                : "the gateway could not store the message (an error of ours); it is kept for an operator";
        LOG.error("Could not store a message on {}; quarantined: {}", message.message().topic(),
                cause instanceof SQLException sql ? withoutContent(sql) : cause.getClass().getName());
        while (running.getAsBoolean()) {
            try {
                Outcome outcome = Outcome.rejected(message.deviceId(), null, RejectionCode.STORE_REFUSED, detail).of(message.kind());
                return List.of(store.quarantineRefused(message, detail) ? outcome : outcome.notKept());
            } catch (SQLException e) {
                LOG.warn("Cannot quarantine yet ({}); retrying", e.getMessage());
                pause.sleep(1_000);
            }
        }
        return null;
    }

    /** Connection trouble, shutdown, lack of resources or a serialisation conflict: worth retrying. */
    static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientException || e instanceof SQLRecoverableException || state == null
                || state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state.startsWith("40")
                || state.equals("55P03") || state.equals("58030");
    }
}
