package dk.fsc.service.readings;

import dk.fsc.gateway.contract.ObservationType;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * One stored observation as the API shows it; the value is in the type's stored UCUM unit.
 *
 * @param origin {@code device} or {@code staff} (entered by hand)
 */
@Serdeable
public record ReadingView(String type, double value, String unit, Instant measuredAt, String deviceId, String messageId,
                          @Nullable String codeSystem, @Nullable String code, @Nullable String site,
                          String origin) {

    /** A stored observation with its type's unit and codes (not stored: they follow from the type, V33). */
    public static ReadingView of(String type, double value, Instant measuredAt, String deviceId, String messageId, @Nullable String site,
                                 String origin) {
        ObservationType t = ObservationType.fromWire(type).orElseThrow(() -> new IllegalStateException("unknown stored type " + type));
        return new ReadingView(type, value, t.unit(), measuredAt, deviceId, messageId, t.codeSystem(), t.code(), site, origin);
    }

    /** The columns of the readings file ({@code GET .../readings?format=csv}): the type's three codes beside each value. */
    public static final List<String> CSV = List.of("measured_at", "type", "value", "unit", "npu_or_medcom", "loinc", "mdc", "device",
            "message_id", "origin", "site");

    /** A line of the readings file; the value as measured (95, not 95.0). */
    public List<?> values() {
        ObservationType t = ObservationType.fromWire(type).orElseThrow();
        return Arrays.asList(measuredAt.toString(), type, BigDecimal.valueOf(value).stripTrailingZeros(), unit, t.code(), t.loinc(), t.mdc(),
                deviceId, messageId, origin, site);
    }
}
