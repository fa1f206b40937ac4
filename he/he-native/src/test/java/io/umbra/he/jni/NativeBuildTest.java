package io.umbra.he.jni;

import io.umbra.he.backend.Backends;
import io.umbra.he.backend.HeBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Where the build made the native library, the backends must load from the classpath: otherwise the
 * bit-identity runs of he-core's tests (executions he-core-on-native and he-core-on-cuda-host) would
 * quietly fall back to Java and prove nothing. Where the build could not (no compiler), this says so.
 */
class NativeBuildTest {

    private static boolean built() {
        Properties status = NativeLibrary.buildStatus();
        boolean built = "true".equals(status.getProperty("native.built"));
        Assumptions.assumeTrue(built, () -> "native library not built here: " + status.getProperty("native.reason", "no build status"));
        return true;
    }

    @Test
    void theNativeBackendLoadsWhereTheBuildMadeIt() {
        built();
        HeBackend b = Backends.create("native");
        assertEquals("native", b.name());
    }

    @Test
    void theHostBuildOfTheCudaKernelsLoadsWhereTheBuildMadeIt() {
        built();
        assertEquals("cuda-host", Backends.create("cuda-host").name());
    }

    @Test
    void theScannedTestsRunOnTheBackendTheyName() {
        built();
        // The executions set umbra.he.backend; a fallback to Java there would be a silent pass.
        String configured = System.getProperty("umbra.he.backend");
        if (configured != null) {
            assertEquals(configured, Backends.current().name());
        }
    }

    @Test
    void askingStrictlyForAMissingBackendSaysWhy() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.create("seal"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("seal"), e.getMessage());
    }
}
