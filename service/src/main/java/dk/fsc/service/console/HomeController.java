package dk.fsc.service.console;

import dk.fsc.service.staff.StaffUser;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import java.net.URI;
import java.util.Map;

/** The console's front door: each role to its home page. */
@Controller(produces = MediaType.TEXT_HTML)
@Secured(SecurityRule.IS_AUTHENTICATED)
class HomeController {
    private final Pages pages;

    HomeController(Pages pages) {
        this.pages = pages;
    }

    @Get
    HttpResponse<?> home(HttpRequest<?> request, Authentication auth) {
        String role = StaffUser.of(auth).role();
        if (StaffUser.CARE_ROLES.contains(role)) {
            return HttpResponse.seeOther(URI.create("/worklist"));
        }
        if (role.equals(StaffUser.Role.FSC_SUPPORT) || role.equals(StaffUser.Role.FSC_ADMIN)) {
            return HttpResponse.seeOther(URI.create("/devices"));
        }
        if (role.equals(StaffUser.Role.ORG_ADMIN)) {
            return HttpResponse.seeOther(URI.create("/organisation"));
        }
        if (role.equals(StaffUser.Role.WOUND_SPECIALIST)) {
            return HttpResponse.seeOther(URI.create("/referrals"));
        }
        if (role.equals(StaffUser.Role.CITIZEN)) {
            return HttpResponse.seeOther(URI.create("/my-data"));
        }
        return pages.page(request, "home", Map.of()); // a role this console has no pages for
    }
}
