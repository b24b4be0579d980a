package dk.fsc.service.readings;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/**
 * One stored observation as the API shows it; the value is in the type's stored UCUM unit.
 *
 * @param origin {@code device} or {@code staff} (entered by hand)
 */
@Serdeable
public record ReadingView(String type, double value, String unit, Instant measuredAt, String deviceId, String messageId,
                          @Nullable String codeSystem, @Nullable String code, @Nullable String site,
                          String origin) {
}
