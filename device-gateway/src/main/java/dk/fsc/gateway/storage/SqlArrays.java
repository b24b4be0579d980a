package dk.fsc.gateway.storage;

/**
 * Makes an SQL array for a statement's parameter: {@code Connection::createArrayOf} in the
 * gateway, {@code Sql::array} in the service. The shared statements of this package bind their
 * rows as arrays (one round trip for a whole batch) through it, so each side runs them on its own
 * connection.
 *
 * @param <E> what making an array may throw (SQLException on a plain connection, nothing checked through Sql)
 */
@FunctionalInterface
public interface SqlArrays<E extends Exception> {
    Object of(String type, Object[] values) throws E;
}
