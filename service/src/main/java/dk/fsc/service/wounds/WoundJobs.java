package dk.fsc.service.wounds;

import dk.fsc.service.alerts.AlertStore;
import dk.fsc.service.alerts.Finding;
import dk.fsc.service.alerts.Severity;
import dk.fsc.service.wounds.WoundViews.Referral;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.Transactional;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micronaut.context.annotation.Context;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wound workflow's clocks, once a minute: a referral's answer due within two hours is marked
 * as warned (its clock shows {@code warning} to the clinic), one past due as breached; a wound
 * under telemedical follow-up whose next photo is overdue raises a blue "missing photo" reminder
 * to the citizen's nurses, once per due moment (also across instances).
 */
@Context // made at start, so its gauges exist from the first scrape
@Requires(property = "fsc.alerts.evaluation-enabled", notEquals = "false")
class WoundJobs {
    private static final Logger LOG = LoggerFactory.getLogger(WoundJobs.class);
    private final ReferralStore referrals;
    private final WoundStore wounds;
    private final AlertStore alerts;
    private final AtomicLong warning = new AtomicLong();
    private final AtomicLong breached = new AtomicLong();

    WoundJobs(ReferralStore referrals, WoundStore wounds, AlertStore alerts, MeterRegistry registry) {
        this.referrals = referrals;
        this.wounds = wounds;
        this.alerts = alerts;
        // For the operators' alert rules: referrals waiting for an answer whose clock warns, and those past it (docs/wounds.md).
        registry.gauge("fsc.wound.referrals.waiting", Tags.of("clock", "warning"), warning);
        registry.gauge("fsc.wound.referrals.waiting", Tags.of("clock", "breached"), breached);
    }

    @Scheduled(fixedDelay = "${fsc.wounds.check:1m}", initialDelay = "30s")
    @Transactional
    void check() {
        check(Instant.now());
    }

    /** Answers the number of warnings, breaches and reminders raised. */
    @Transactional
    int check(Instant now) {
        int raised = 0;
        for (Referral r : referrals.warnDue(now)) {
            LOG.warn("Wound referral {} to {}: the answer is due {} and not given yet", r.id(), r.clinicId(), r.answerDue());
            raised++;
        }
        for (Referral r : referrals.breachDue(now)) {
            LOG.warn("Wound referral {} to {}: the answer was due {} and is late", r.id(), r.clinicId(), r.answerDue());
            raised++;
        }
        long[] late = referrals.waitingLate(now);
        warning.set(late[0]);
        breached.set(late[1]);
        for (WoundStore.Due due : wounds.photosDue(now)) {
            if (wounds.claimReminder(due.wound().id(), due.wound().nextPhotoDue())) {
                alerts.raise(new Finding(due.wound().patientId(), due.organisationId(), "missing_photo", Severity.BLUE,
                        "Missing wound photo: " + due.wound().key() + " (" + due.wound().bodySite() + ") was due " + due.wound().nextPhotoDue(),
                        "{\"woundId\": \"" + due.wound().id() + "\", \"due\": \"" + due.wound().nextPhotoDue() + "\"}", null,
                        due.wound().nextPhotoDue()), now);
                raised++;
            }
        }
        return raised;
    }
}
