package dk.fsc.service.logistics;

import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import java.util.Arrays;
import java.util.List;

/**
 * A device's moves outside a loan (cleaning, repair, back to ready, lost) and the history of
 * all its moves. Loan moves are made by {@code /api/loans}, retirement by
 * {@code POST /api/devices/{id}/retire}.
 */
@Controller("/api/devices/{id}/transitions")
@Secured({StaffUser.Role.FSC_SUPPORT, StaffUser.Role.FSC_ADMIN})
class DeviceTransitionsController {
    private final DeviceStates states;

    DeviceTransitionsController(DeviceStates states) {
        this.states = states;
    }

    @Serdeable
    record Move(@Nullable String to, @Nullable String reason) {
    }

    @Post
    DeviceStates.Transition move(@PathVariable String id, @Body Move body, Authentication auth) {
        if (body.to() == null || body.reason() == null || body.reason().isBlank()) {
            throw Refusal.invalid("to (the new state) and reason are required");
        }
        DeviceState to = DeviceState.of(body.to()).orElseThrow(() -> Refusal.invalid("to must be one of "
                + Arrays.toString(DeviceState.values())));
        return states.moveOutsideLoan(id, to, StaffUser.of(auth), body.reason().strip());
    }

    @Get
    List<DeviceStates.Transition> list(@PathVariable String id) {
        return states.history(id);
    }
}
