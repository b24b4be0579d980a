package dk.fsc.service;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.micronaut.http.annotation.Controller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the layering of docs/architecture.md ("Modules and packages") from eroding. */
class ArchitectureTest {
    private static final String[] FEATURES = {"dk.fsc.service.patients..", "dk.fsc.service.staff..", "dk.fsc.service.audit..",
            "dk.fsc.service.readings..", "dk.fsc.service.photos..", "dk.fsc.service.quarantine..", "dk.fsc.service.alerts..",
            "dk.fsc.service.devices..", "dk.fsc.service.logistics..", "dk.fsc.service.tickets..", "dk.fsc.service.demo..",
            "dk.fsc.service.simulator..", "dk.fsc.service.wounds.."};
    private static final Pattern SQL = Pattern.compile(
            "\\b(SELECT\\s[\\s\\S]{1,400}?\\bFROM\\b|INSERT INTO|UPDATE\\s+\\w+\\s+SET\\b|DELETE FROM)");

    /** Imported once for all the rules (an instance field imported them again for each: 52 s of the build). */
    private static final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dk.fsc");

    @Test
    void theMqttContractIsPlainJava() {
        noClasses().that().resideInAPackage("dk.fsc.gateway.contract..")
                .should().dependOnClassesThat().resideInAnyPackage("io.micronaut..", "java.sql..", "org.eclipse.paho..", "dk.fsc.service..")
                .check(classes);
    }

    /** The scoring may use the MQTT contract's types (plain Java too, by the rule above) for each type's plausible range. */
    @Test
    void theClinicalScoringIsPlainJava() {
        classes().that().resideInAPackage("dk.fsc.service.alerts.scoring..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dk.fsc.service.alerts.scoring..", "dk.fsc.gateway.contract..",
                        "java.lang..", "java.util..", "java.time..")
                .check(classes);
    }

    @Test
    void theServiceUsesOnlyTheGatewaysContractNotItsInternals() {
        noClasses().that().resideInAPackage("dk.fsc.service..")
                .should().dependOnClassesThat().resideInAPackage("dk.fsc.gateway.ingest..")
                .check(classes);
    }

    @Test
    void theGatewayKnowsNothingOfTheService() {
        noClasses().that().resideInAPackage("dk.fsc.gateway..")
                .should().dependOnClassesThat().resideInAPackage("dk.fsc.service..")
                .check(classes);
    }

    @Test
    void controllersHoldNoDataAccess() {
        noClasses().that().areAnnotatedWith(Controller.class)
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "io.micronaut.jdbc..",
                        "io.micronaut.data..", "dk.fsc.service.platform.database..")
                .because("SQL lives in the feature's stores (docs/decisions/0004-plain-jdbc-stores.md)")
                .check(classes);
    }

    /** String constants are not in the bytecode's dependencies, so the controllers' sources are read. */
    @Test
    void controllersHoldNoSqlText() throws IOException {
        Path root = Path.of("src/main/java");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(root)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> read(f).contains("@Controller"))
                    .filter(f -> SQL.matcher(read(f)).find())
                    .map(f -> root.relativize(f) + ": " + firstSql(read(f)))
                    .toList();
        }
        assertEquals(List.of(), offenders, "controllers with SQL text");
    }

    @Test
    void storesAndDomainCodeKnowNoHttp() {
        noClasses().that().resideInAPackage("dk.fsc.service..")
                .and().areNotAnnotatedWith(Controller.class)
                .and().resideOutsideOfPackages("dk.fsc.service.platform.web..", "dk.fsc.service.platform.security..",
                        "dk.fsc.service.staff..", "dk.fsc.service.console..")
                .and().haveSimpleNameNotEndingWith("Controller")
                .and().haveNameNotMatching(".*\\.\\$.*") // Micronaut's generated bean definitions
                .should().dependOnClassesThat().resideInAPackage("io.micronaut.http..")
                .because("stores and domain code raise Refusal; platform.web maps it to HTTP")
                .check(classes);
    }

    @Test
    void onlyTheDatabasePackageResolvesTheDataSource() {
        noClasses().that().resideInAPackage("dk.fsc.service..")
                .and().resideOutsideOfPackages("dk.fsc.service.platform.database..", "dk.fsc.service.platform.embedded..",
                        "dk.fsc.service.platform.startup..")
                .should().dependOnClassesThat().haveFullyQualifiedName("javax.sql.DataSource")
                .orShould().dependOnClassesThat().resideInAPackage("io.micronaut.jdbc..")
                .because("Database is the one way to PostgreSQL")
                .check(classes);
    }

    @Test
    void noRepositoriesNextToTheStores() {
        noClasses().that().resideInAPackage("dk.fsc..")
                .should().dependOnClassesThat().resideInAnyPackage("io.micronaut.data.annotation..", "io.micronaut.data.jdbc..",
                        "io.micronaut.data.repository..")
                .because("one data-access style: plain SQL through Sql (docs/decisions/0004-plain-jdbc-stores.md)")
                .check(classes);
    }

    @Test
    void thePlatformUsesNoFeature() {
        noClasses().that().resideInAPackage("dk.fsc.service.platform..")
                .and().resideOutsideOfPackage("dk.fsc.service.platform.security..")
                .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
                .check(classes);
        noClasses().that().resideInAPackage("dk.fsc.service.platform.security..")
                .should().dependOnClassesThat().resideInAnyPackage(Stream.of(FEATURES).filter(f -> !f.contains(".staff")).toArray(String[]::new))
                .because("platform.security knows staff's role names, no other feature")
                .check(classes);
    }

    /** The console's pages call the features' stores and services; their own SQL is only the sessions'. */
    @Test
    void theConsoleHoldsNoDataAccessButItsSessions() {
        noClasses().that().resideInAPackage("dk.fsc.service.console..")
                .and().doNotHaveSimpleName("ConsoleSessions")
                .and().haveNameNotMatching(".*\\.\\$ConsoleSessions\\$.*") // its Micronaut bean definition
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "dk.fsc.service.platform.database..")
                .because("a page shows what the features' stores return (docs/console.md)")
                .check(classes);
        noClasses().that().resideInAPackage("dk.fsc.service..")
                .and().resideOutsideOfPackage("dk.fsc.service.console..")
                .should().dependOnClassesThat().resideInAPackage("dk.fsc.service.console..")
                .because("the features know nothing of the pages that show them")
                .check(classes);
    }

    @Test
    void nothingDependsOnTheDemo() {
        noClasses().that().resideInAPackage("dk.fsc.service..")
                .and().resideOutsideOfPackage("dk.fsc.service.demo..")
                .should().dependOnClassesThat().resideInAPackage("dk.fsc.service.demo..")
                .check(classes);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstSql(String source) {
        var m = SQL.matcher(source);
        return m.find() ? m.group() : "";
    }
}
