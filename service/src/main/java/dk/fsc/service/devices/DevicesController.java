package dk.fsc.service.devices;

import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import java.util.List;

/**
 * The device registry for FSC staff: registering a device issues its MQTT account (the password is
 * shown once), retiring it revokes the account, and each device's last report and health (battery
 * low, silent longer than its schedule allows, fault codes) is shown. No patient data here.
 */
@Controller("/api/devices")
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
class DevicesController {
    private static final int MAX_PAGE = 500;
    private final DeviceStore devices;
    private final DeviceReader reader;

    DevicesController(DeviceStore devices, DeviceReader reader) {
        this.devices = devices;
        this.reader = reader;
    }

    @Serdeable
    @Introspected
    record Registration(@Nullable String id, @Nullable String deviceType, @Nullable String model, @Nullable String serialNumber) {
    }

    @Serdeable
    @Introspected
    record Retirement(@Nullable String reason) {
    }

    @Post
    @Status(HttpStatus.CREATED)
    DeviceCredentials register(@Body Registration body, Authentication auth) {
        return devices.register(body.id(), body.deviceType(), body.model(), body.serialNumber(), StaffUser.of(auth));
    }

    /** A new MQTT password for the device (the old one stops working). */
    @Post("/{id}/credentials")
    @Secured(StaffUser.Role.FSC_ADMIN)
    DeviceCredentials newCredentials(@PathVariable String id, Authentication auth) {
        return devices.newCredentials(id, StaffUser.of(auth));
    }

    /** Retires a device that is not on loan: its MQTT account is revoked and it is disconnected. */
    @Post("/{id}/retire")
    @Transactional
    DeviceView retire(@PathVariable String id, @Body Retirement body, Authentication auth) {
        devices.retire(id, body.reason() == null ? null : body.reason().strip(), StaffUser.of(auth));
        return reader.one(id);
    }

    /**
     * Devices by type, model (id or name), state, the organisation that has them on loan, a text in
     * the id, serial number or asset tag, and a problem; a page of {@code limit} (at most 500) from
     * {@code offset}, ordered by id, with the total.
     */
    @Get
    DeviceReader.Found search(@Nullable @QueryValue String type, @Nullable @QueryValue String model, @Nullable @QueryValue String state,
                              @Nullable @QueryValue String organisation, @Nullable @QueryValue String q, @Nullable @QueryValue String problem,
                              @Nullable @QueryValue Integer limit, @Nullable @QueryValue Integer offset) {
        int size = limit == null ? 100 : limit;
        int from = offset == null ? 0 : offset;
        if (size < 1 || size > MAX_PAGE || from < 0) {
            throw Refusal.invalid("limit is 1 to " + MAX_PAGE + " and offset 0 or more");
        }
        return reader.search(new DeviceSearch(type, model, state, organisation, q, problem), size, from);
    }

    @Get("/{id}")
    DeviceView one(@PathVariable String id) {
        return reader.one(id);
    }

    /**
     * Devices that need attention.
     *
     * @param problem only this problem: battery_low, silent or fault
     */
    @Get("/health")
    List<DeviceView> health(@Nullable @QueryValue String problem) {
        if (problem != null && !DeviceSearch.PROBLEMS.contains(problem)) {
            throw Refusal.invalid("problem must be one of " + DeviceSearch.PROBLEMS);
        }
        return reader.unhealthy(problem);
    }
}
