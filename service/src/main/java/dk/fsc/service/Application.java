package dk.fsc.service;

import dk.fsc.service.platform.Launcher;
import dk.fsc.service.platform.Settings;
import dk.fsc.service.platform.StartupProblem;

/** The run command: the whole system in the foreground, configured by FSC_* environment variables. */
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
            System.err.println();
            System.err.println("FSC failed while starting: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }
}
