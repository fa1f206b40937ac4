package io.umbra.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker as a process: what ./umbra local and the crash tests rely on. */
class KafkaLocalMainTest {

    @Test
    void printsBootstrapOnlyWhenReadyAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        Path dataDir = dir.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process broker = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), KafkaLocalMain.class.getName(),
                "--topic", "acme.tx.raw:3", "--topic", "umbra.keys.public:1:compact", "--data-dir", dataDir.toString()))
                .redirectError(stderr.toFile())
                .start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
            String first = stdout.readLine();
            assertTrue(first != null && first.matches("bootstrap=127\\.0\\.0\\.1:\\d+"), "first stdout line: " + first);
            String bootstrap = first.substring("bootstrap=".length());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                assertTrue(admin.listTopics().names().get(10, TimeUnit.SECONDS).containsAll(List.of("acme.tx.raw", "umbra.keys.public")));
                assertEquals(3, admin.describeTopics(List.of("acme.tx.raw")).allTopicNames().get().get("acme.tx.raw").partitions().size());
            }

            broker.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of stdout
            assertTrue(broker.waitFor(60, TimeUnit.SECONDS), "the broker stops within 60 s of SIGTERM");
            assertEquals(143, broker.exitValue(), "exit status after SIGTERM");
            assertEquals(null, stdout.readLine(), "nothing but the bootstrap line on stdout");
            String log = Files.readString(stderr);
            assertFalse(log.contains(" INFO "), "the broker logs WARN and above only:\n" + log);
            assertFalse(log.contains("ERROR"), "a clean shutdown logs no error:\n" + log);
        } finally {
            broker.destroyForcibly();
        }
    }

    @Test
    void badArgumentsExitWithStatusTwo() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), KafkaLocalMain.class.getName(), "--port")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("--port needs a value"), out);
    }
}
