package dk.fsc.service.devices;

/**
 * Device accounts on the MQTT broker. Registering a device issues its account; retiring it
 * revokes the account and disconnects the device. Which broker is configured decides the
 * implementation (see {@link BrokerAccountsFactory}).
 */
public interface BrokerAccounts extends AutoCloseable {

    /** Creates (or resets) the device's account: it may publish only under its own device id. */
    void issue(String deviceId, String username, String password) throws BrokerAccountException;

    /** Removes the device's account and disconnects it if it is connected. Unknown accounts are fine. */
    void revoke(String deviceId, String username) throws BrokerAccountException;

    /** Where accounts live, for logs and the API's answers. */
    String describe();

    /** Closes a connection to the broker, if one is held. */
    @Override
    default void close() {
    }

    /** The broker could not be reached or refused the change; nothing was changed in the registry. */
    final class BrokerAccountException extends Exception {
        public BrokerAccountException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
