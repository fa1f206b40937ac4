package io.umbra.load;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MachineInfoTest {

    @Test
    void cpuModelAndMemoryAreReadFromProcFormat() {
        assertEquals("AMD EPYC 7B13", MachineInfo.cpuModel(List.of("processor\t: 0", "model name\t: AMD EPYC 7B13", "flags\t: avx2")));
        assertEquals(24_047, MachineInfo.memTotalMiB(List.of("MemTotal:       24624404 kB", "MemFree: 1 kB")));
        assertEquals(-1, MachineInfo.memTotalMiB(List.of()));
        assertTrue(MachineInfo.cpuModel(List.of()).startsWith("unknown"));
    }

    @Test
    void aServiceProcessIsNamedAfterItsModuleNotItsJar() {
        assertEquals("encrypt-service", ProcessCpu.nameOf(
                "/usr/lib/jvm/bin/java -Xmx384m -XX:+UseSerialGC -jar /work/main/encrypt-service/target/quarkus-app/quarkus-run.jar", 999_999));
        assertEquals("umbra-cli.jar", ProcessCpu.nameOf("java -jar umbra-cli/target/umbra-cli.jar load", 999_999));
        assertEquals("io.umbra.kafka.local.KafkaLocalMain", ProcessCpu.nameOf("java -cp a.jar:b.jar io.umbra.kafka.local.KafkaLocalMain", 999_999));
    }
}
