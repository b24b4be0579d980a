package dk.fsc.service.devices;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import java.util.Map;

/**
 * {@code POST /api/broker/login}: an external broker (EMQX, ops/emqx) asks whether a client may
 * connect, and with which topic rights. Not for people: the broker signs its request with its own
 * token ({@link BrokerLogins#TOKEN_HEADER}), so the route is open to the network only as far as the
 * broker needs it.
 */
@Controller("/api/broker")
@Secured(SecurityRule.IS_ANONYMOUS)
class BrokerLoginController {
    private final BrokerLogins logins;

    BrokerLoginController(BrokerLogins logins) {
        this.logins = logins;
    }

    /** The client's credentials, as EMQX's HTTP authentication sends them (ops/emqx/emqx.conf). */
    @Serdeable
    record Request(@Nullable String username, @Nullable String password, @Nullable String clientid) {
    }

    @Post("/login")
    Map<String, Object> login(@Nullable @Header(BrokerLogins.TOKEN_HEADER) String token, @Body Request request) {
        return logins.login(token, request.username(), request.password(), request.clientid());
    }
}
