package io.umbra.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of {@link UmbraArchitecture} on the production classes of he-core, every platform library
 * and the five services (this module's test classpath; its own test classes, the fixtures, excluded).
 */
@AnalyzeClasses(packages = "io.umbra", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule theEngineIsLayeredRingHashRandomBackendCkksSerialPerf = UmbraArchitecture.engineLayers();

    @ArchTest
    static final ArchRule theEngineImportsNoKafkaQuarkusTinkOrOtherUmbraModule = UmbraArchitecture.engineStandsAlone();

    @ArchTest
    static final ArchRule theScoringZoneImportsNothingOfTheBankZone = UmbraArchitecture.scoringZoneKnowsNoBankZone();

    @ArchTest
    static final ArchRule servicesDoNotImportEachOther = UmbraArchitecture.servicesDoNotImportEachOther();

    @ArchTest
    static final ArchRule librariesImportNoServiceAndNoTool = UmbraArchitecture.librariesDependOnNoServiceOrTool();

    /** The rules above see every module: a missing one would make its rules pass on nothing. */
    @ArchTest
    static void everyLibraryAndServiceIsImported(JavaClasses classes) {
        for (String root : List.of("io.umbra.he.ckks", "io.umbra.he.jni", "io.umbra.events", "io.umbra.kafka", "io.umbra.verify",
                "io.umbra.crypto", "io.umbra.auth", "io.umbra.model", "io.umbra.ingest", "io.umbra.encrypt",
                "io.umbra.scoring", "io.umbra.keys", "io.umbra.alert")) {
            assertTrue(classes.containPackage(root), root + " was not imported: is its module a dependency of architecture-tests?");
        }
        assertTrue(classes.stream().noneMatch(c -> c.getSource().map(s -> s.getUri().toString().contains("/test-classes/")).orElse(false)),
                "the fixtures (test sources) must not be in the production import");
    }
}
