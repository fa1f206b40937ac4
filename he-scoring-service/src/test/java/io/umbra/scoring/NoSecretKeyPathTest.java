package io.umbra.scoring;

import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import io.umbra.scoring.archsamples.CleanSample;
import io.umbra.scoring.archsamples.InterfaceLeak;
import io.umbra.scoring.archsamples.LambdaLeak;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The proof that the scoring pool cannot touch a secret key or decrypt: from every class of the
 * service, through every umbra and he-core method it can call (interface calls to every implementation
 * that can exist), no code reaches {@code SecretKey}, {@code Decryptor}, {@code KeyGenerator},
 * symmetric (secret-key) encryption, loading or saving a secret key, umbra-crypto, or any of Tink but
 * the public-key signature verification of bundles (umbra-verify). umbra-crypto is not on the
 * classpath at all, so not even reflection could load its key handling; Tink is there for verification
 * only, and no code path of the service calls anything of it that decrypts, signs or reads secret keys.
 *
 * <p>The analysis is shown to work on samples in the test sources that do leak, through an interface
 * and through a lambda, and to keep apart a sample that only looks similar.
 */
class NoSecretKeyPathTest {
    private static final String SERVICE_PACKAGE = "io.umbra.scoring";
    private static final Set<String> SECRET_CLASSES = Set.of("io.umbra.he.ckks.SecretKey", "io.umbra.he.ckks.Decryptor",
            "io.umbra.he.ckks.KeyGenerator");
    /** What of Tink the pool may call: parsing a public keyset, counting its keys and verifying a signature with it. */
    private static final Set<String> TINK_VERIFICATION = Set.of(
            "com.google.crypto.tink.signature.SignatureConfig.register",
            "com.google.crypto.tink.TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret",
            "com.google.crypto.tink.TinkProtoKeysetFormat.serializeKeysetWithoutSecret",
            "com.google.crypto.tink.KeysetHandle.getPrimitive",
            // how many keys a pinned public keyset holds (umbra-verify's re-pin notice): a count, no key material
            "com.google.crypto.tink.KeysetHandle.size",
            "com.google.crypto.tink.RegistryConfiguration.get",
            "com.google.crypto.tink.PublicKeyVerify.verify");
    private static JavaClasses classes;

    @BeforeAll
    static void importTheBytecode() throws IOException {
        // every io.umbra class on the classpath: the service's (target/classes), the jars of he-core,
        // umbra-events, umbra-kafka, umbra-model, and this module's test classes (the samples), which
        // production code cannot reach and which are never roots of the production analysis
        // Where io.umbra lives on the classpath, asked of the class loader: ArchUnit's own package
        // lookup also opens every other jar (hundreds here), which costs more than the analysis.
        Set<Location> locations = new LinkedHashSet<>();
        Enumeration<URL> roots = NoSecretKeyPathTest.class.getClassLoader().getResources("io/umbra");
        while (roots.hasMoreElements()) {
            locations.add(Location.of(roots.nextElement()));
        }
        long start = System.nanoTime();
        classes = new ClassFileImporter().importLocations(locations);
        System.out.printf("imported %d classes from %d locations in %d ms%n", classes.size(), locations.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Why an access is forbidden in the scoring zone, or null. */
    static String forbidden(AccessTarget target) {
        String owner = target.getOwner().getName();
        String name = target.getName();
        if (SECRET_CLASSES.contains(owner)) {
            return "touches " + target.getOwner().getSimpleName();
        }
        if (owner.startsWith("io.umbra.crypto.")) {
            return "calls manifest / key cryptography (" + owner + ")";
        }
        String tink = forbiddenTink(owner, name);
        if (tink != null) {
            return tink;
        }
        List<String> parameters = target instanceof AccessTarget.CodeUnitAccessTarget call
                ? call.getRawParameterTypes().stream().map(JavaClass::getName).toList() : List.of();
        if (owner.equals("io.umbra.he.ckks.Encryptor") && (name.equals("symmetric") || name.equals("encryptSymmetric")
                || parameters.contains("io.umbra.he.ckks.SecretKey"))) {
            return "encrypts with a secret key";
        }
        if (owner.equals("io.umbra.he.serial.Seal") && (name.equals("loadSecretKey")
                || name.equals("save") && !parameters.isEmpty() && parameters.get(0).equals("io.umbra.he.ckks.SecretKey"))) {
            return "loads or saves a secret key";
        }
        if (parameters.contains("io.umbra.he.ckks.SecretKey")) {
            return "hands a secret key around";
        }
        if (target instanceof AccessTarget.CodeUnitAccessTarget call && SECRET_CLASSES.contains(call.getRawReturnType().getName())) {
            return "obtains a " + call.getRawReturnType().getSimpleName();
        }
        if (target instanceof AccessTarget.FieldAccessTarget field && SECRET_CLASSES.contains(field.getRawType().getName())) {
            return "reads or writes a field holding a " + field.getRawType().getSimpleName();
        }
        return null;
    }

    @Test
    void noCodePathOfTheServiceReachesASecretKeyOrDecryption() {
        List<JavaClass> service = classes.stream()
                .filter(c -> c.getPackageName().equals(SERVICE_PACKAGE) || c.getPackageName().startsWith(SERVICE_PACKAGE + "."))
                .filter(c -> !CallGraph.isTestCode(c))
                .toList();
        assertTrue(service.stream().anyMatch(c -> c.getSimpleName().equals("BatchScorer")), "the service's own classes were imported");
        assertTrue(service.stream().noneMatch(c -> c.getSimpleName().contains("Test") || c.getPackageName().endsWith("archsamples")),
                "test code is no root of the production analysis");
        CallGraph graph = CallGraph.from(classes, service, NoSecretKeyPathTest::forbidden);

        // Not vacuous: the scoring path, down into the engine's backend behind its interface, was followed.
        for (String expected : List.of(
                "io.umbra.model.LogisticModel.evaluate(io.umbra.he.ckks.CkksContext, io.umbra.he.ckks.Evaluator, [Lio.umbra.he.ckks.Ciphertext;)",
                "io.umbra.he.ckks.Evaluator.linearScore([Lio.umbra.he.ckks.Ciphertext;, [D, double)",
                "io.umbra.he.serial.Seal.loadCiphertext(io.umbra.he.ckks.CkksContext, [B)",
                "io.umbra.he.serial.Seal.loadRelinKeys(io.umbra.he.ckks.CkksContext, [B)",
                "io.umbra.events.envelope.ScoreRequest.decode([B, io.umbra.events.envelope.EnvelopeLimits)",
                "io.umbra.kafka.ExactlyOnceProcessor.start()",
                "io.umbra.verify.BundleVerifier.verifies([B, [B)",
                "io.umbra.model.EncryptedNetwork.evaluate(io.umbra.he.ckks.CkksContext, io.umbra.he.ckks.Evaluator,"
                        + " io.umbra.he.ckks.RelinKeys, [Lio.umbra.he.ckks.Ciphertext;)",
                "io.umbra.he.ckks.Evaluator.relinearize(io.umbra.he.ckks.Ciphertext, io.umbra.he.ckks.RelinKeys)")) {
            assertTrue(graph.reaches(expected), "the call graph reaches " + expected);
        }
        assertTrue(graph.reachesAnyOf("io.umbra.he.backend.JavaBackend.weightedSum"),
                "interface dispatch: the Java backend's fused weighted sum is reached through HeBackend");

        if (!graph.findings().isEmpty()) {
            fail("the scoring service can reach secret-key material:\n" + String.join("\n", graph.findings().stream()
                    .limit(20).map(Object::toString).toList()));
        }
    }

    @Test
    void theAnalysisFindsALeakBehindAnInterface() {
        CallGraph graph = CallGraph.from(classes, List.of(classes.get(InterfaceLeak.class)), NoSecretKeyPathTest::forbidden);
        assertFalse(graph.findings().isEmpty(), "a secret-key load behind an interface call must be found");
        assertTrue(graph.findings().stream().anyMatch(f -> f.access().contains("loadSecretKey")
                && f.path().stream().anyMatch(p -> p.contains("PeekingStep.apply"))), graph.findings().toString());
    }

    @Test
    void theAnalysisFindsALeakInsideALambda() {
        CallGraph graph = CallGraph.from(classes, List.of(classes.get(LambdaLeak.class)), NoSecretKeyPathTest::forbidden);
        assertTrue(graph.findings().stream().anyMatch(f -> f.access().contains("KeyGenerator")), graph.findings().toString());
        assertTrue(graph.findings().stream().anyMatch(f -> f.access().contains("Decryptor")), graph.findings().toString());
    }

    @Test
    void aClassThatOnlyLooksSimilarIsNotFlagged() {
        // CleanSample calls toString() on Objects and an interface whose leaking implementation it never creates
        CallGraph graph = CallGraph.from(classes, List.of(classes.get(CleanSample.class)), NoSecretKeyPathTest::forbidden);
        assertEquals(List.of(), graph.findings());
        assertTrue(graph.size() > 1);
    }

    @Test
    void theRuleAgainstTinkIsNotVacuous() {
        String why = forbiddenTink("com.google.crypto.tink.HybridDecrypt", "decrypt");
        assertTrue(why != null && why.contains("beyond public-key signature verification"), String.valueOf(why));
        assertEquals(null, forbiddenTink("com.google.crypto.tink.PublicKeyVerify", "verify"));
        assertTrue(forbiddenTink("com.google.crypto.tink.PublicKeySign", "sign") != null);
        assertTrue(forbiddenTink("com.google.crypto.tink.TinkJsonProtoKeysetFormat", "parseKeyset") != null,
                "parsing a keyset with its secret is refused, only parseKeysetWithoutSecret passes");
    }

    private static String forbiddenTink(String owner, String name) {
        return owner.startsWith("com.google.crypto.tink.") && !TINK_VERIFICATION.contains(owner + "." + name)
                ? "calls Tink beyond public-key signature verification (" + owner + "." + name + ")" : null;
    }

    @Test
    void umbraCryptoIsNotOnTheClasspath() {
        ClassLoader loader = getClass().getClassLoader();
        for (String name : List.of("io.umbra.crypto.ManifestOpener", "io.umbra.crypto.ManifestSealer",
                "io.umbra.crypto.KeyEncryptionKey", "io.umbra.crypto.BundleSigningKey", "io.umbra.crypto.Tink")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(name, false, loader), name + " must not be loadable");
        }
        // the resolved classpath (test ⊇ runtime) names no such jar
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classpath.split(File.pathSeparator)) {
            String jar = new File(entry).getName();
            assertFalse(jar.startsWith("umbra-crypto") || entry.contains("/umbra-crypto/"),
                    "on the classpath: " + entry);
        }
        assertTrue(classpath.contains("he-core"), "the classpath was read: " + classpath.length() + " chars");
    }

    /**
     * No module of the bank zone is on the pool's classpath at all (architecture-tests checks that
     * nothing here refers to one; this checks that none is even there to be loaded).
     */
    @Test
    void noBankZoneModuleIsOnTheClasspath() {
        ClassLoader loader = getClass().getClassLoader();
        for (String name : List.of("io.umbra.auth.TenantCheck", "io.umbra.keys.KeyVersion", "io.umbra.encrypt.BatchEncryptor",
                "io.umbra.ingest.FeatureExtractor", "io.umbra.alert.AlertStore")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(name, false, loader), name + " must not be loadable");
        }
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classpath.split(File.pathSeparator)) {
            for (String module : List.of("umbra-auth", "key-service", "encrypt-service", "ingest-service", "alert-service")) {
                assertFalse(new File(entry).getName().startsWith(module) || entry.contains("/" + module + "/"),
                        module + " on the classpath: " + entry);
            }
        }
        assertTrue(classpath.contains("umbra-verify"), "the classpath was read: " + classpath.length() + " chars");
    }
}
