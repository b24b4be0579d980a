package dk.fsc.service.alerts;

import dk.fsc.service.alerts.AlertSettings.Chain;
import dk.fsc.service.alerts.AlertSettings.Policy;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import jakarta.validation.Valid;

/**
 * The caller's own organisation's alert settings: its TOBS response policy and its escalation
 * chain. Read by its nurses and clinicians, changed by its organisation administrator; what is
 * valid is {@link OrganisationAlertSettings}' to say (the console's page asks the same).
 */
@Controller("/api/organisation")
@Secured({StaffUser.Role.ORG_ADMIN, StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class OrganisationAlertSettingsController {
    private final OrganisationAlertSettings settings;

    OrganisationAlertSettingsController(OrganisationAlertSettings settings) {
        this.settings = settings;
    }

    @Get("/response-policy")
    Policy policy(Authentication auth) {
        return settings.policy(StaffUser.of(auth).organisationId()).policy();
    }

    @Put("/response-policy")
    @Secured(StaffUser.Role.ORG_ADMIN)
    Policy setPolicy(@Valid @Body Policy policy, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        settings.setPolicy(user.organisationId(), policy, user.username());
        return policy;
    }

    @Get("/escalation-chain")
    Chain chain(Authentication auth) {
        return new Chain(settings.chain(StaffUser.of(auth).organisationId()));
    }

    /** Replaces the chain; levels must be 1, 2, 3, ... in order. Running timers keep their time. */
    @Put("/escalation-chain")
    @Secured(StaffUser.Role.ORG_ADMIN)
    Chain setChain(@Valid @Body Chain chain, Authentication auth) {
        settings.replaceChain(StaffUser.of(auth).organisationId(), chain.levels());
        return chain;
    }
}
