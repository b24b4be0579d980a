package dk.fsc.gateway.ingest;

import dk.fsc.gateway.GatewayConfig;
import dk.fsc.gateway.contract.RejectedMessage;
import dk.fsc.gateway.contract.RejectionCode;
import dk.fsc.gateway.replay.QuarantineReplays.ObjectResult;
import dk.fsc.gateway.replay.Submissions;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.util.List;

/**
 * A device's message that came over HTTP, through the live chain as if published on its topic:
 * checks 1 to 4 (its own rate bucket per device: HTTP and MQTT are limited apart), then attribution,
 * idempotency, store, evaluation request and quarantine in one transaction, as a batch of one.
 */
@Singleton
class DirectSubmissions implements Submissions {
    private final ReadingStore store;
    private final MessageChain chain;

    DirectSubmissions(ReadingStore store, GatewayConfig config) {
        this.store = store;
        this.chain = MessageChain.live(config);
    }

    @Override
    public List<ObjectResult> reading(String deviceId, byte[] payload) throws SQLException {
        Parsed parsed = chain.check(new Incoming("fsc/v1/devices/" + deviceId + "/readings", payload, 0, 0, 0, System.nanoTime()));
        return store.write(List.of(parsed)).stream().map(Outcome::result).toList();
    }

    @Override
    public void quarantine(String deviceId, String source, String code, String detail, byte[] payload) throws SQLException {
        Incoming what = new Incoming(source, payload, 0, 0, 0, System.nanoTime());
        store.write(List.of(Parsed.refused(what, deviceId, new RejectedMessage(RejectionCode.valueOf(code), detail))));
    }
}
