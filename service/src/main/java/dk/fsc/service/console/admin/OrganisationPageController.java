package dk.fsc.service.console.admin;

import dk.fsc.service.alerts.AlertSettings.Level;
import dk.fsc.service.alerts.AlertSettings.Policy;
import dk.fsc.service.alerts.AlertSettings.PolicyInForce;
import dk.fsc.service.alerts.OrganisationAlertSettings;
import dk.fsc.service.alerts.OrganisationAlertSettings.Problem;
import dk.fsc.service.console.ConsoleSession;
import dk.fsc.service.console.FormErrors;
import dk.fsc.service.console.FormInput;
import dk.fsc.service.console.Pages;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The organisation's alert settings (the API's {@code /api/organisation/...}): its TOBS response
 * policy and its escalation chain. Its nurses and clinicians read them, its administrator changes
 * them. What is valid is {@link OrganisationAlertSettings}' to say, told here per field; the chain's
 * levels are added and removed by the form's own buttons, no script needed. No citizen is shown,
 * so no access-log line.
 */
@Controller(value = "/organisation", produces = MediaType.TEXT_HTML)
@Secured({StaffUser.Role.ORG_ADMIN, StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
@ExecuteOn(TaskExecutors.BLOCKING)
class OrganisationPageController {
    static final List<String> POLICY_FIELDS = List.of("name", "yellowFromTotal", "redFromTotal");
    private final Pages pages;
    private final OrganisationAlertSettings settings;

    OrganisationPageController(Pages pages, OrganisationAlertSettings settings) {
        this.pages = pages;
        this.settings = settings;
    }

    @Get("{?saved}")
    HttpResponse<String> show(HttpRequest<?> request, @Nullable @QueryValue String saved, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        Map<String, Object> model = model(user);
        if ("policy".equals(saved) || "chain".equals(saved)) {
            model.put("saved", "organisation.saved." + saved);
        }
        return pages.page(request, "admin/organisation", model);
    }

    @Post(value = "/policy", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(StaffUser.Role.ORG_ADMIN)
    HttpResponse<String> setPolicy(HttpRequest<?> request, @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        FormErrors errors = new FormErrors();
        String name = FormInput.text(form, "name");
        Integer yellow = whole(form, "yellowFromTotal", errors);
        Integer red = whole(form, "redFromTotal", errors);
        boolean single = "true".equals(form.get("redOnSingleThree"));
        Policy policy = new Policy(name, yellow == null ? 0 : yellow, red == null ? 0 : red, single);
        for (Problem p : OrganisationAlertSettings.problems(policy)) {
            // A field that is no number already says so (FormErrors keeps one problem per field).
            errors.add(p.field(), label(p.field()), "organisation.error." + p.code(), p.args().toArray());
        }
        if (!errors.isEmpty()) {
            Map<String, Object> model = model(user);
            Map<String, String> typed = new HashMap<>();
            POLICY_FIELDS.forEach(f -> typed.put(f, form.getOrDefault(f, "")));
            model.put("typed", typed);
            model.put("singleTyped", single);
            model.put("policyErrors", errors);
            return pages.page(request, "admin/organisation", model);
        }
        settings.setPolicy(user.organisationId(), policy, user.username());
        return HttpResponse.seeOther(URI.create("/organisation?saved=policy#policy"));
    }

    /**
     * The chain's form: {@code action=save} stores it (rows ticked "remove" and rows left empty
     * dropped, the rest numbered 1, 2, 3, ...); {@code action=add} shows the form again with one
     * more row, keeping what was typed.
     */
    @Post(value = "/chain", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(StaffUser.Role.ORG_ADMIN)
    HttpResponse<String> setChain(HttpRequest<?> request, @Body Map<String, String> form, Authentication auth) {
        StaffUser user = ConsoleSession.of(auth).user();
        List<LevelRow> rows = rows(form);
        FormErrors errors = new FormErrors();
        if ("add".equals(form.get("action"))) {
            if (rows.size() < OrganisationAlertSettings.MAX_LEVELS) {
                rows.add(new LevelRow(rows.size() + 1, "", ""));
            } else {
                errors.add("add-level", "organisation.field.levels", "organisation.error.tooMany", OrganisationAlertSettings.MAX_LEVELS);
            }
            return chainAgain(request, user, rows, errors, true);
        }
        rows.removeIf(LevelRow::blank);
        rows = numbered(rows);
        List<Level> levels = new ArrayList<>();
        for (LevelRow r : rows) {
            Integer delay = whole(r.delay(), "level-" + r.number() + "-delay", errors, r.number());
            levels.add(new Level(r.number(), r.name(), delay == null ? OrganisationAlertSettings.MIN_DELAY : delay));
        }
        for (Problem p : OrganisationAlertSettings.problems(levels)) {
            if (p.field().equals("levels")) {
                errors.add("level-1-name", "organisation.field.levels", "organisation.error." + p.code(), p.args().toArray());
            } else {
                int n = Integer.parseInt(p.field().split("-")[1]);
                List<Object> args = new ArrayList<>(List.of(n));
                args.addAll(p.args());
                errors.add(p.field(), label(p.field()), "organisation.error.level." + p.code(), args.toArray());
            }
        }
        if (!errors.isEmpty()) {
            return chainAgain(request, user, rows, errors, false);
        }
        settings.replaceChain(user.organisationId(), levels);
        return HttpResponse.seeOther(URI.create("/organisation?saved=chain#chain"));
    }

    private HttpResponse<String> chainAgain(HttpRequest<?> request, StaffUser user, List<LevelRow> rows, FormErrors errors, boolean added) {
        Map<String, Object> model = model(user);
        model.put("rows", rows);
        model.put("chainErrors", errors);
        model.put("chainEdited", true);
        model.put("focusRow", added && !rows.isEmpty() ? rows.get(rows.size() - 1).number() : null);
        return pages.page(request, "admin/organisation", model);
    }

    private Map<String, Object> model(StaffUser user) {
        PolicyInForce policy = settings.policy(user.organisationId());
        List<Level> chain = settings.chain(user.organisationId());
        Map<String, Object> model = new HashMap<>();
        model.put("policy", policy.policy());
        model.put("policyChange", policy.changed());
        model.put("chain", chain);
        model.put("canEdit", StaffUser.Role.ORG_ADMIN.equals(user.role()));
        model.put("typed", Map.of("name", policy.policy().name(), "yellowFromTotal", String.valueOf(policy.policy().yellowFromTotal()),
                "redFromTotal", String.valueOf(policy.policy().redFromTotal())));
        model.put("singleTyped", policy.policy().redOnSingleThree());
        List<LevelRow> rows = new ArrayList<>(chain.stream().map(l -> new LevelRow(l.level(), l.name(), String.valueOf(l.delayMinutes()))).toList());
        if (rows.isEmpty()) {
            rows.add(new LevelRow(1, "", "")); // an empty chain: a row to start it
        }
        model.put("rows", rows);
        model.put("maxLevels", OrganisationAlertSettings.MAX_LEVELS);
        model.put("minTotal", OrganisationAlertSettings.MIN_TOTAL);
        model.put("maxTotal", OrganisationAlertSettings.MAX_TOTAL);
        model.put("maxDelay", OrganisationAlertSettings.MAX_DELAY);
        model.put("policyErrors", new FormErrors());
        model.put("chainErrors", new FormErrors());
        model.put("chainEdited", false);
        model.put("saved", null);
        model.put("focusRow", null);
        return model;
    }

    /** The chain's rows as posted ({@code level-N-name}, {@code level-N-delay}, {@code level-N-remove}), without those ticked for removal. */
    private static List<LevelRow> rows(Map<String, String> form) {
        int count;
        try {
            count = Math.min(Integer.parseInt(FormInput.text(form, "rows")), OrganisationAlertSettings.MAX_LEVELS + 1);
        } catch (NumberFormatException e) {
            count = 0;
        }
        List<LevelRow> rows = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            if (!"true".equals(form.get("level-" + i + "-remove"))) {
                rows.add(new LevelRow(i, form.getOrDefault("level-" + i + "-name", "").strip(), FormInput.text(form, "level-" + i + "-delay")));
            }
        }
        return numbered(rows);
    }

    private static List<LevelRow> numbered(List<LevelRow> rows) {
        List<LevelRow> out = new ArrayList<>();
        for (LevelRow r : rows) {
            out.add(new LevelRow(out.size() + 1, r.name(), r.delay()));
        }
        return out;
    }

    private static Integer whole(Map<String, String> form, String field, FormErrors errors) {
        String text = FormInput.text(form, field);
        if (text.isEmpty()) {
            errors.add(field, label(field), "organisation.error.required");
            return null;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            errors.add(field, label(field), "organisation.error.number");
            return null;
        }
    }

    private static Integer whole(String text, String field, FormErrors errors, int level) {
        if (text.isEmpty()) {
            errors.add(field, label(field), "organisation.error.level.required", level);
            return null;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            errors.add(field, label(field), "organisation.error.level.number", level);
            return null;
        }
    }

    /** The text key of a field's label. */
    private static String label(String field) {
        if (field.endsWith("-name")) {
            return "organisation.field.levelName";
        }
        if (field.endsWith("-delay")) {
            return "organisation.field.levelDelay";
        }
        return "organisation.field." + field;
    }
}
