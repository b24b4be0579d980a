package dk.fsc.service.alerts;

import dk.fsc.service.alerts.AlertSettings.Chain;
import dk.fsc.service.alerts.AlertSettings.Policy;
import dk.fsc.service.alerts.scoring.ResponsePolicy;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.validation.Valid;

/**
 * The caller's own organisation's alert settings: its TOBS response policy and its escalation
 * chain. Read by its nurses and clinicians, changed by its organisation administrator.
 */
@Controller("/api/organisation")
@Secured({StaffUser.Role.ORG_ADMIN, StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class OrganisationAlertSettingsController {
    private final AlertSettingsStore settings;

    OrganisationAlertSettingsController(AlertSettingsStore settings) {
        this.settings = settings;
    }

    @Get("/response-policy")
    @Transactional(readOnly = true)
    Policy policy(Authentication auth) {
        return settings.policy(StaffUser.of(auth).organisationId());
    }

    @Put("/response-policy")
    @Secured(StaffUser.Role.ORG_ADMIN)
    @Transactional
    Policy setPolicy(@Valid @Body Policy policy, Authentication auth) {
        try {
            new ResponsePolicy(policy.name(), policy.yellowFromTotal(), policy.redFromTotal(), policy.redOnSingleThree());
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
        StaffUser user = StaffUser.of(auth);
        settings.setPolicy(user.organisationId(), policy, user.username());
        return policy;
    }

    @Get("/escalation-chain")
    @Transactional(readOnly = true)
    Chain chain(Authentication auth) {
        return new Chain(settings.chain(StaffUser.of(auth).organisationId()));
    }

    /** Replaces the chain; levels must be 1, 2, 3, ... in order. Running timers keep their time. */
    @Put("/escalation-chain")
    @Secured(StaffUser.Role.ORG_ADMIN)
    @Transactional
    Chain setChain(@Valid @Body Chain chain, Authentication auth) {
        for (int i = 0; i < chain.levels().size(); i++) {
            if (chain.levels().get(i).level() != i + 1) {
                throw Refusal.invalid("levels must be numbered 1, 2, 3, ... in order");
            }
        }
        settings.replaceChain(StaffUser.of(auth).organisationId(), chain.levels());
        return chain;
    }
}
