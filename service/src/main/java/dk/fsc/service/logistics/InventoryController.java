package dk.fsc.service.logistics;

import dk.fsc.service.logistics.InventoryStore.DeviceType;
import dk.fsc.service.logistics.InventoryStore.Inventory;
import dk.fsc.service.logistics.InventoryStore.Model;
import dk.fsc.service.logistics.InventoryStore.Reminders;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import java.util.List;

/**
 * The catalogue (device types: what they measure, which sector lends them, cleaning and
 * calibration intervals; models) and each device's inventory data (model, asset tag, serial
 * number, purchase date, next calibration and cleaning), plus the reminders logistics works from.
 */
@Controller
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
class InventoryController {
    private final InventoryStore inventory;

    InventoryController(InventoryStore inventory) {
        this.inventory = inventory;
    }

    @Get("/api/catalogue/device-types")
    List<DeviceType> types() {
        return inventory.types();
    }

    /** Adds or changes a device type (the clarification catalogue is agreed between region and municipalities). */
    @Put("/api/catalogue/device-types/{code}")
    @Secured(StaffUser.Role.FSC_ADMIN)
    DeviceType putType(@PathVariable String code, @Body DeviceType body) {
        CatalogueRules.refuse(CatalogueRules.type(code, body));
        return inventory.putType(code, body);
    }

    @Get("/api/catalogue/models")
    List<Model> models() {
        return inventory.models();
    }

    @Post("/api/catalogue/models")
    @Status(io.micronaut.http.HttpStatus.CREATED)
    @Secured(StaffUser.Role.FSC_ADMIN)
    Model addModel(@Body Model body) {
        CatalogueRules.refuse(CatalogueRules.model(body));
        return inventory.addModel(body);
    }

    /** Sets a device's inventory data; fields left out keep their value. */
    @Put("/api/devices/{id}/inventory")
    Inventory inventory(@PathVariable String id, @Body Inventory body) {
        return inventory.inventory(id, body);
    }

    /**
     * What logistics must act on: loans past their due date, devices whose calibration or
     * cleaning falls due within {@code days} (default 14), overdue ones included.
     */
    @Get("/api/logistics/reminders")
    Reminders reminders(@Nullable @QueryValue Integer days) {
        int ahead = days == null ? 14 : days;
        if (ahead < 0 || ahead > 365) {
            throw Refusal.invalid("days must be between 0 and 365");
        }
        return inventory.reminders(ahead);
    }
}
