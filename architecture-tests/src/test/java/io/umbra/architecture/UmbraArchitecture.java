package io.umbra.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import java.util.List;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Umbra's architecture as rules: the HE engine's layers, the engine's independence from the rest,
 * the scoring zone's ignorance of the bank zone, the services' independence of each other, and the
 * libraries' independence of services and tools. Each rule is checked on the production bytecode by
 * {@link ArchitectureTest} and shown able to fail by {@link ArchitectureRulesCanFailTest}.
 *
 * <p>Modules are told apart by their packages, which are disjoint (one root package per module, see
 * the README's table); {@link #LIBRARIES} and the zone lists below are that table in code.
 */
final class UmbraArchitecture {
    private UmbraArchitecture() {
    }

    /**
     * The engine's packages, lowest layer first: a package may use only the ones before it. All but the
     * last are he-core's; jni is he-native's (the native and CUDA backends, plugged in from above).
     */
    static final List<String> ENGINE_LAYERS = List.of("ring", "hash", "random", "backend", "ckks", "serial", "perf", "jni");

    static final String ENGINE = "io.umbra.he..";

    /** The five services, one root package each. */
    static final List<String> SERVICES = List.of("io.umbra.ingest", "io.umbra.encrypt", "io.umbra.scoring",
            "io.umbra.keys", "io.umbra.alert");

    /**
     * The bank zone's code: the four bank services and the two libraries only they use, umbra-crypto
     * (manifest sealing, key wrapping, bundle signing) and umbra-auth (tenant-bound JWTs).
     */
    static final String[] BANK_ZONE = {"io.umbra.ingest..", "io.umbra.encrypt..", "io.umbra.keys..",
            "io.umbra.alert..", "io.umbra.crypto..", "io.umbra.auth.."};

    /**
     * Everything of Umbra on he-scoring-service's runtime classpath (its io.umbra dependencies, direct and
     * transitive): the service, he-core, he-native, umbra-events, umbra-kafka, umbra-verify and umbra-model.
     */
    static final String[] SCORING_ZONE = {"io.umbra.scoring..", "io.umbra.he..", "io.umbra.events..",
            "io.umbra.kafka..", "io.umbra.verify..", "io.umbra.model.."};

    /** tools/kafka-local lives under umbra-kafka's package but is a tool, not part of umbra-kafka. */
    static final String KAFKA_LOCAL = "io.umbra.kafka.local..";

    /** platform/, he/he-core and he/he-native: libraries the services share. */
    static final String[] LIBRARIES = {"io.umbra.he..", "io.umbra.files..", "io.umbra.events..", "io.umbra.kafka..", "io.umbra.crypto..",
            "io.umbra.verify..", "io.umbra.auth..", "io.umbra.model.."};

    /** tools/ and the test harnesses: what developers run beside the services. */
    static final String[] TOOLS = {"io.umbra.cli..", "io.umbra.local..", KAFKA_LOCAL, "io.umbra.traffic..",
            "io.umbra.training..", "io.umbra.k8s..", "io.umbra.load..", "io.umbra.bench.."};

    /**
     * he-core's layers: ring (moduli, NTT) → hash (BLAKE2) → random (samplers, PRNG) → backend (compute
     * kernels) → ckks (parameters, encoder, keys, encryptor, evaluator) → serial (SEAL format) → perf (the
     * reference workload) → jni (he-native's backends). A layer uses only layers below it, and every engine
     * class is in a layer.
     */
    static ArchRule engineLayers() {
        Architectures.LayeredArchitecture layers = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String layer : ENGINE_LAYERS) {
            layers = layers.layer(layer).definedBy("io.umbra.he." + layer + "..");
        }
        for (int i = 0; i < ENGINE_LAYERS.size(); i++) {
            String layer = ENGINE_LAYERS.get(i);
            layers = i == 0
                    ? layers.whereLayer(layer).mayNotAccessAnyLayer()
                    : layers.whereLayer(layer).mayOnlyAccessLayers(ENGINE_LAYERS.subList(0, i).toArray(String[]::new));
        }
        return layers.ensureAllClassesAreContainedInArchitectureIgnoring(resideOutsideOfPackage(ENGINE))
                .because("he-core is layered like SEAL and lattigo: ring → hash → random → backend → ckks → serial → perf (→ he-native's jni)");
    }

    /** The engine is a plain Java library: no Kafka, Quarkus, CDI, Tink, nor any other Umbra module. */
    static ArchRule engineStandsAlone() {
        return noClasses().that().resideInAPackage(ENGINE)
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.quarkus..",
                        "jakarta..", "javax.inject..", "io.smallrye..", "org.eclipse.microprofile..",
                        "com.google.crypto.tink..")
                .orShould().dependOnClassesThat(resideInAPackage("io.umbra..").and(resideOutsideOfPackage(ENGINE)))
                .because("he-core is a plain Java library that services depend on, never the reverse");
    }

    /** Nothing the scoring pool runs refers to the bank zone's code, so none of it can be reached from there. */
    static ArchRule scoringZoneKnowsNoBankZone() {
        return noClasses().that(resideInAnyPackage(SCORING_ZONE).and(not(resideInAPackage(KAFKA_LOCAL))))
                .should().dependOnClassesThat().resideInAnyPackage(BANK_ZONE)
                .because("the shared scoring pool holds no secret key and no bank-zone code is on its classpath");
    }

    /** Services talk through Kafka topics and events (umbra-events), never through each other's classes. */
    static ArchRule servicesDoNotImportEachOther() {
        return slices().assignedFrom(new SliceAssignment() {
                    @Override
                    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                        for (String service : SERVICES) {
                            String pkg = javaClass.getPackageName();
                            if (pkg.equals(service) || pkg.startsWith(service + ".")) {
                                return SliceIdentifier.of(service);
                            }
                        }
                        return SliceIdentifier.ignore();
                    }

                    @Override
                    public String getDescription() {
                        return "the five services";
                    }
                })
                .should().notDependOnEachOther()
                .because("services share only topics and event types, so each deploys and scales alone");
    }

    /** Libraries (he/, platform/) depend on no service and no tool. */
    static ArchRule librariesDependOnNoServiceOrTool() {
        String[] servicesAndTools = new String[SERVICES.size() + TOOLS.length];
        for (int i = 0; i < SERVICES.size(); i++) {
            servicesAndTools[i] = SERVICES.get(i) + "..";
        }
        System.arraycopy(TOOLS, 0, servicesAndTools, SERVICES.size(), TOOLS.length);
        return noClasses().that(resideInAnyPackage(LIBRARIES).and(not(resideInAPackage(KAFKA_LOCAL))))
                .should().dependOnClassesThat().resideInAnyPackage(servicesAndTools)
                .because("a module's group says what it may depend on: platform/ and he/ never on a service or a tool");
    }
}
