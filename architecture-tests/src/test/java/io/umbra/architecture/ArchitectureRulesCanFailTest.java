package io.umbra.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.umbra.alert.AlertCallingKeysViolation;
import io.umbra.events.EventsCallingAServiceViolation;
import io.umbra.he.ckks.EngineCallingEventsViolation;
import io.umbra.he.ckks.EngineCallingKafkaViolation;
import io.umbra.he.ring.RingCallingCkksViolation;
import io.umbra.he.stray.UnlayeredEngineViolation;
import io.umbra.scoring.ScoringCallingCryptoViolation;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each rule of {@link UmbraArchitecture}, run on the production classes plus one deliberately violating
 * fixture from this module's test sources, fails and names that fixture. {@link ArchitectureTest}
 * runs the same rules on the production classes alone, where they pass: so a rule found satisfied
 * there is a rule that could have failed.
 *
 * <p>The fixtures sit in the packages the rules are about (a class in {@code io.umbra.he.ring}, one in
 * {@code io.umbra.scoring}, ...), but only here, in test sources; the production import leaves them out.
 */
class ArchitectureRulesCanFailTest {
    /**
     * The production classes of {@code packages} and, of the test classes, only {@code fixture} (and its
     * nested classes): the real neighbourhood of the rule with one violation added.
     */
    private static JavaClasses productionWith(Class<?> fixture, String... packages) {
        String fixtureFile = "/" + fixture.getName().replace('.', '/');
        ImportOption productionOrFixture = location -> ImportOption.Predefined.DO_NOT_INCLUDE_TESTS.includes(location)
                || location.contains(fixtureFile + ".class") || location.contains(fixtureFile + "$");
        String[] all = Arrays.copyOf(packages, packages.length + 1);
        all[packages.length] = fixture.getPackageName();
        return new ClassFileImporter().withImportOption(productionOrFixture).importPackages(all);
    }

    private static void failsOn(ArchRule rule, Class<?> fixture, String... packages) {
        JavaClasses classes = productionWith(fixture, packages);
        assertTrue(classes.contain(fixture), "the fixture was imported");
        assertTrue(classes.size() > 1, "the fixture's production neighbours were imported too");
        AssertionError failure = assertThrows(AssertionError.class, () -> rule.check(classes),
                "the rule must fail on " + fixture.getSimpleName());
        assertTrue(failure.getMessage().contains(fixture.getName()),
                "the failure names the fixture, not something else: " + failure.getMessage());
    }

    @Test
    void theLayerRuleCatchesARingClassReachingUpIntoCkks() {
        failsOn(UmbraArchitecture.engineLayers(), RingCallingCkksViolation.class, "io.umbra.he");
    }

    @Test
    void theLayerRuleCatchesAnEnginePackageThatIsInNoLayer() {
        failsOn(UmbraArchitecture.engineLayers(), UnlayeredEngineViolation.class, "io.umbra.he");
    }

    @Test
    void theEngineRuleCatchesAnEngineClassUsingKafka() {
        failsOn(UmbraArchitecture.engineStandsAlone(), EngineCallingKafkaViolation.class, "io.umbra.he");
    }

    @Test
    void theEngineRuleCatchesAnEngineClassUsingAnotherUmbraModule() {
        failsOn(UmbraArchitecture.engineStandsAlone(), EngineCallingEventsViolation.class, "io.umbra.he");
    }

    @Test
    void theZoneRuleCatchesTheScoringServiceUsingUmbraCrypto() {
        failsOn(UmbraArchitecture.scoringZoneKnowsNoBankZone(), ScoringCallingCryptoViolation.class, "io.umbra.scoring");
    }

    @Test
    void theServiceRuleCatchesTheAlertServiceUsingTheKeyService() {
        failsOn(UmbraArchitecture.servicesDoNotImportEachOther(), AlertCallingKeysViolation.class,
                "io.umbra.alert", "io.umbra.keys");
    }

    @Test
    void theLibraryRuleCatchesUmbraEventsUsingAService() {
        failsOn(UmbraArchitecture.librariesDependOnNoServiceOrTool(), EventsCallingAServiceViolation.class, "io.umbra.events");
    }
}
