package dk.fsc.gateway.replay;

import java.sql.SQLException;
import java.util.List;

/**
 * Replays a quarantined device message through the gateway's checks and store, after an operator
 * fixed its cause. The service's API calls this; the implementation lives with the ingest.
 */
public interface QuarantineReplays {

    /**
     * The code of a replay refused because only a prefix of the message was kept (an oversize or
     * rate-limited payload): nothing was run, the row stays open.
     */
    String TRUNCATED = "PAYLOAD_TRUNCATED";

    Result replay(long quarantineId, String operator) throws SQLException, NotFound;

    /** What a replay did: one result per message object; settled when every one is now stored. */
    record Result(long quarantineId, boolean settled, List<ObjectResult> objects) {
    }

    /**
     * @param status accepted, duplicate or rejected (then with the code and detail a device would get, or {@link #TRUNCATED})
     */
    record ObjectResult(String messageId, String status, String code, String detail) {
    }

    /** The quarantine row does not exist. */
    final class NotFound extends Exception {
        public NotFound(long id) {
            super("no quarantined message " + id);
        }
    }
}
