package dk.fsc.service.platform.database;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The one way feature stores reach PostgreSQL. {@link #sql()} works on the connection of the
 * current transaction (the caller, or a method up the stack, is {@code @Transactional});
 * {@link #withConnection} borrows a connection of its own from the pool for work that must not
 * join a transaction (readers of the feed, jobs that commit per row, the login path).
 */
@Singleton
public class Database {
    private final DataSource transactional;
    private final DataSource pool;

    /** Work on a connection of its own, in autocommit unless it says otherwise. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Sql sql) throws SQLException;
    }

    public Database(DataSource dataSource, @Nullable DataSourceResolver resolver) {
        this.transactional = dataSource;
        this.pool = (resolver == null ? DataSourceResolver.DEFAULT : resolver).resolve(dataSource);
    }

    /** SQL on the current transaction's connection; the transaction closes it. */
    public Sql sql() {
        try {
            return Sql.on(transactional.getConnection());
        } catch (SQLException e) {
            throw new Sql.DataError(e);
        }
    }

    /** Runs {@code work} on a pooled connection outside any transaction, and gives it back. */
    public <T> T withConnection(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(Sql.on(c));
        } catch (SQLException e) {
            throw new Sql.DataError(e);
        }
    }

    /** A pooled connection the caller holds and closes itself (LISTEN, long-lived readers). */
    public Connection ownConnection() throws SQLException {
        return pool.getConnection();
    }
}
