package dk.fsc.service;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the layering of docs/architecture.md from eroding. */
class ArchitectureTest {
    private final JavaClasses classes = new ClassFileImporter()
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
}
