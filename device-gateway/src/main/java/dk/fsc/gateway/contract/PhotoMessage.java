package dk.fsc.gateway.contract;

import java.time.Instant;

/**
 * A wound photo as the device sent it, checked: the image bytes are still as sent (metadata is
 * removed before storing, see {@code dk.fsc.gateway.photos}).
 */
public record PhotoMessage(String messageId, Instant takenAt, String woundId, String woundType, String bodySite,
                           Double lengthCm, Double widthCm, Double depthCm, Double areaCm2, String note,
                           ImageFormat format, byte[] image) {
}
