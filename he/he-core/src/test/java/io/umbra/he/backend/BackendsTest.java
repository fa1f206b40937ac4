package io.umbra.he.backend;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Selection without he-native on the classpath: Java, or a clear refusal when asked to be strict. */
class BackendsTest {

    @Test
    void javaIsAlwaysThere() {
        assertEquals("java", Backends.select("java", true).name());
    }

    @Test
    void aMissingNativeBackendFallsBackToJavaUnlessStrict() {
        assertEquals("java", Backends.select("native", false).name());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.select("cuda", true));
        assertTrue(e.getMessage().contains("he-native"), e.getMessage());
    }

    @Test
    void autoFallsBackToJavaWhenNothingElseLoads() {
        assertEquals("java", Backends.select("auto", true).name());
    }

    @Test
    void anUnknownNameIsRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.select("opencl", false));
        assertTrue(e.getMessage().contains("auto, java, native, cuda or seal"), e.getMessage());
    }
}
