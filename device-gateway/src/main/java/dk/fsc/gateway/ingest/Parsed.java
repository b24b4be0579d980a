package dk.fsc.gateway.ingest;

import dk.fsc.gateway.contract.Decoded;
import dk.fsc.gateway.contract.RejectedMessage;
import java.util.List;

/**
 * A message after the checks that need no database: its device id (when the topic names one)
 * and either the decoded reading objects or the reason the whole message is refused.
 */
record Parsed(Incoming message, String deviceId, RejectedMessage refused, List<Decoded> items) {
}
