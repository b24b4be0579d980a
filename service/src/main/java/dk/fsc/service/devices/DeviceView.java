package dk.fsc.service.devices;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A device as logistics sees it: registry and inventory data, what it last reported, and its health. No
 * patient data: only the organisation that has it on loan.
 *
 * @param problems {@code battery_low}, {@code silent}, {@code fault}, {@code quarantine_quota}; empty when healthy
 * @param silentSince when the device was last heard from, if that is longer ago than its
 *                    patient's measurement schedule allows
 * @param quarantineQuotaSince while its quarantine quota is used up: when this episode of
 *                    dropped messages began (it may span several quota windows)
 * @param quarantineDropped messages not kept in the current quota window, with quarantineQuotaSince
 */
@Serdeable
@Introspected
public record DeviceView(String id, String deviceType, @Nullable String model, @Nullable String serialNumber, String state,
                         @Nullable String loanOrganisation, @Nullable Instant lastSeenAt, @Nullable Instant reportedAt,
                         @Nullable Integer batteryPercent, @Nullable String firmware, @Nullable Integer signalDbm,
                         List<String> faults, List<String> problems, @Nullable Instant silentSince, @Nullable String modelId,
                         @Nullable String assetTag, @Nullable LocalDate purchasedOn, @Nullable LocalDate nextCalibrationOn,
                         @Nullable LocalDate nextCleaningOn, @Nullable Instant quarantineQuotaSince,
                         @Nullable Integer quarantineDropped) {
}
