package io.umbra.he.backend;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** With he-native on the classpath, a backend that cannot run falls back to the next best, not straight to Java. */
class FallbackTest {

    private static boolean nativeBuilt() throws Exception {
        Properties p = new Properties();
        try (var in = FallbackTest.class.getClassLoader().getResourceAsStream("io/umbra/he/jni/build-status.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return "true".equals(p.getProperty("native.built"));
    }

    @Test
    void aGpuPodWithoutItsDeviceScoresOnNative() throws Exception {
        Assumptions.assumeTrue(nativeBuilt(), "native library not built here");
        boolean gpu;
        try {
            Backends.create("cuda");
            gpu = true;
        } catch (IllegalStateException e) {
            gpu = false;
        }
        Assumptions.assumeFalse(gpu, "a CUDA device is visible here: cuda itself loads");
        assertEquals("native", Backends.select("cuda", false).name());
        assertEquals("native", Backends.select("auto", false).name());
    }
}
