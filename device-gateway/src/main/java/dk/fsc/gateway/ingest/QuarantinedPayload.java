package dk.fsc.gateway.ingest;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.gateway.contract.RejectionCode;
import java.util.Arrays;
import java.util.Set;

/**
 * What the quarantine keeps of a rejected payload. Oversize and rate-limited payloads are kept as
 * their first {@value #KEPT_PREFIX} bytes only (enough for an operator to see what the device
 * sent), with the size and SHA-256 of the whole: one device must not fill the database with them.
 * Everything else is kept whole, so it can be replayed once its cause is fixed.
 *
 * @param size      bytes of the whole payload
 * @param truncated whether {@code kept} is only a prefix (then it cannot be replayed)
 */
record QuarantinedPayload(byte[] kept, int size, String sha256, boolean truncated) {

    static final int KEPT_PREFIX = 64 * 1024;
    private static final Set<RejectionCode> PREFIX_ONLY =
            Set.of(RejectionCode.PAYLOAD_TOO_LARGE, RejectionCode.PHOTO_TOO_LARGE, RejectionCode.RATE_LIMITED);

    static QuarantinedPayload of(RejectionCode code, byte[] payload) {
        boolean truncate = PREFIX_ONLY.contains(code) && payload.length > KEPT_PREFIX;
        byte[] kept = truncate ? Arrays.copyOf(payload, KEPT_PREFIX) : payload;
        return new QuarantinedPayload(kept, payload.length, BlobStore.sha256(payload), truncate);
    }
}
