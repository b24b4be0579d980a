package dk.fsc.service;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

import dk.fsc.service.platform.startup.Launcher;
import dk.fsc.service.platform.startup.Settings;
import dk.fsc.service.platform.startup.StartupProblem;

/** The run command: the whole system in the foreground, configured by FSC_* environment variables. */
@OpenAPIDefinition(info = @Info(title = "FSC telemedicine API", version = "1",
        description = "Home monitoring, early warning, device logistics and support for the Faelles Service Center. "
                + "Bearer tokens from POST /login or the OpenID Connect provider; errors are application/problem+json."))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
public final class Application {
    private Application() {
    }

    public static void main(String[] args) {
        try {
            Launcher launcher = Launcher.start(Settings.fromEnvironment(System.getenv()), args);
            Runtime.getRuntime().addShutdownHook(new Thread(launcher::close, "fsc-shutdown"));
        } catch (StartupProblem e) {
            System.err.println();
            System.err.println("FSC cannot start: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            StartupProblem problem = startupProblemIn(e);
            if (problem != null) { // a bean's own check, wrapped by the framework (e.g. OIDC settings incomplete)
                System.err.println();
                System.err.println("FSC cannot start: " + problem.getMessage());
                System.exit(2);
            }
            System.err.println();
            System.err.println("FSC failed while starting: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static StartupProblem startupProblemIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StartupProblem problem) {
                return problem;
            }
        }
        return null;
    }
}
