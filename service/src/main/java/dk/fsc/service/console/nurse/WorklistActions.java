package dk.fsc.service.console.nurse;

import dk.fsc.service.alerts.AlertStatus;
import dk.fsc.service.alerts.AlertStore;
import dk.fsc.service.alerts.AlertView;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The worklist's reads and actions, each in one transaction with the same access-log lines the
 * API's alerts controller writes for the same read or change.
 */
@Singleton
class WorklistActions {
    /** As the API's default: a page of the worst and oldest. */
    static final int ROWS = 500;
    /** Severity, kind and "mine" are applied here after the store's status filter: read deeper for them. */
    private static final int NARROWED_READ = 5000;
    private final AlertStore store;
    private final AccessLog accessLog;

    WorklistActions(AlertStore store, AccessLog accessLog) {
        this.store = store;
        this.accessLog = accessLog;
    }

    @Transactional
    public List<AlertView> worklist(StaffUser user, WorklistFilter filter) {
        List<AlertView> alerts = store.worklist(user.organisationId(), filter.statuses(), filter.narrowed() ? NARROWED_READ : ROWS, 0);
        if (filter.narrowed()) {
            alerts = alerts.stream().filter(a -> filter.matches(a, user.username())).limit(ROWS).toList();
        }
        // The worklist names citizens and their alerts: each one shown is a line in their access log.
        accessLog.recordEach(user, alerts.stream().map(AlertView::patientId).toList(), "read alert worklist", "care");
        return alerts;
    }

    /** Ids of the organisation's open red alerts (the page title's count); shows no citizen. */
    @Transactional
    public List<Long> openRed(StaffUser user) {
        return store.worklist(user.organisationId(), EnumSet.of(AlertStatus.open), NARROWED_READ, 0).stream()
                .filter(a -> a.severity().equals("red")).map(AlertView::id).toList();
    }

    /** One alert shown again (after an action a colleague got to first), as the API's GET of one alert logs it. */
    @Transactional
    public AlertView read(StaffUser user, long id) {
        AlertView alert = store.alertWithEvents(user.organisationId(), id);
        accessLog.record(user, alert.patientId(), "read alert " + id, "care", null);
        return alert;
    }

    /** The alert behind a stream event: its stream line is written by the stream itself. */
    @Transactional
    public AlertView streamed(StaffUser user, long id) {
        return store.alert(user.organisationId(), id);
    }

    @Transactional
    public AlertView acknowledge(StaffUser user, long id, String note) {
        store.acknowledge(id, user.organisationId(), user.username(), note);
        return changed(id, user, "acknowledge alert");
    }

    @Transactional
    public AlertView resolve(StaffUser user, long id, String outcome) {
        store.resolve(id, user.organisationId(), user.username(), outcome);
        return changed(id, user, "resolve alert");
    }

    @Transactional
    public AlertView assign(StaffUser user, long id, String assignee) {
        store.assign(id, user.organisationId(), user.username(), assignee);
        return changed(id, user, "assign alert");
    }

    @Transactional
    public AlertView comment(StaffUser user, long id, String text) {
        store.comment(id, user.organisationId(), user.username(), text);
        return changed(id, user, "comment on alert");
    }

    /** The red ones among the selected: a nurse opens each of those herself. Names them, so logged as read. */
    @Transactional
    public List<AlertView> redAmong(StaffUser user, List<Long> ids) {
        List<AlertView> red = new ArrayList<>();
        for (long id : store.redAmong(ids, user.organisationId())) {
            AlertView a = store.alert(user.organisationId(), id);
            accessLog.record(user, a.patientId(), "read alert " + id, "care", null);
            red.add(a);
        }
        return red;
    }

    /** All or none: a colleague's change to one of them (a conflict) leaves every one as it was. */
    @Transactional
    public List<AlertView> acknowledgeMany(StaffUser user, List<Long> ids, String note) {
        List<AlertView> done = new ArrayList<>();
        for (long id : ids) {
            store.acknowledgeUnlessRed(id, user.organisationId(), user.username(), note);
            done.add(changed(id, user, "acknowledge alert (bulk)"));
        }
        return done;
    }

    private AlertView changed(long id, StaffUser user, String action) {
        AlertView alert = store.alert(user.organisationId(), id);
        accessLog.record(user, alert.patientId(), action + " " + id, "care", null);
        return alert;
    }
}
