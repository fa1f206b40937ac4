package io.umbra.load;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sampler against real processes: a child process, this JVM, a real HTTP metrics endpoint and a real directory. */
class ResourceSamplerTest {
    private static final String EXPOSITION = """
            # HELP jvm_gc_live_data_size_bytes Size of long-lived heap memory pool after reclamation
            # TYPE jvm_gc_live_data_size_bytes gauge
            jvm_gc_live_data_size_bytes 4.5678912E7
            jvm_gc_live_data_size_bytes_extra 99.0
            jvm_memory_used_bytes{area="heap",id="Tenured Gen"} 6.0E7
            jvm_memory_used_bytes{area="heap",id="Eden Space"} 1.0E7
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.0E7
            """;

    @Test
    void aChildProcessHasOneThreadThreeDescriptorsAndAnRss() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            ResourceSampler.Status s = ResourceSampler.status(sleep.pid());
            assertEquals(1, s.threads());
            assertTrue(s.rssBytes() > 0 && s.rssBytes() < 64L << 20, "rss " + s.rssBytes());
            // stdin, stdout and stderr: the three pipes to this JVM
            assertEquals(3, ResourceSampler.openFileDescriptors(sleep.pid()));
        } finally {
            sleep.destroyForcibly().waitFor();
        }
        assertNull(ResourceSampler.status(sleep.pid()), "a reaped process has no status");
        assertEquals(-1, ResourceSampler.openFileDescriptors(sleep.pid()));
    }

    @Test
    void aChildThatOpensFiveFilesHasEightDescriptors(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("f");
        Files.writeString(f, "x");
        Process sh = new ProcessBuilder("sh", "-c", "exec 3<\"$0\" 4<\"$0\" 5<\"$0\" 6<\"$0\" 7<\"$0\"; echo ready; exec sleep 60",
                f.toString()).start();
        try {
            // the shell says "ready" once the five are open; sleep inherits them
            assertEquals("ready", new java.io.BufferedReader(new java.io.InputStreamReader(sh.getInputStream())).readLine());
            assertEquals(8, ResourceSampler.openFileDescriptors(sh.pid()));
        } finally {
            sh.destroyForcibly().waitFor();
        }
    }

    @Test
    void thisJvmsThreadsCountTheThreadsItStarts() throws Exception {
        long me = ProcessHandle.current().pid();
        int threadsBefore = ResourceSampler.status(me).threads();
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            int during = ResourceSampler.status(me).threads();
            assertTrue(during >= threadsBefore + 20, threadsBefore + " → " + during);
        } finally {
            release.countDown();
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    @Test
    void statusAndMetricsAreReadAsLinuxAndMicrometerWriteThem() {
        ResourceSampler.Status s = ResourceSampler.parseStatus("Name:\tjava\nVmPeak:\t 999 kB\nVmRSS:\t  204800 kB\nThreads:\t57\n");
        assertEquals(204800L * 1024, s.rssBytes());
        assertEquals(57, s.threads());
        assertEquals(4.5678912E7, ResourceSampler.metric(EXPOSITION, "jvm_gc_live_data_size_bytes", l -> true));
        assertEquals(6.0E7, ResourceSampler.metric(EXPOSITION, "jvm_memory_used_bytes",
                l -> l.contains("area=\"heap\"") && ResourceSampler.isOldPool(l)));
        assertEquals(1.2E8, ResourceSampler.metric(EXPOSITION, "jvm_memory_used_bytes", l -> true));
        assertTrue(Double.isNaN(ResourceSampler.metric(EXPOSITION, "jvm_threads_live_threads", l -> true)));
        assertEquals("/s/acme", ResourceSampler.environment("A=1\0UMBRA_STATE_DIR=/s/acme\0B=x=y\0".getBytes(StandardCharsets.UTF_8))
                .get("UMBRA_STATE_DIR"));
    }

    @Test
    void oneSampleRecordsEveryResourceOfEveryTarget(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        Files.createDirectories(state.resolve("0_1/rocksdb"));
        Files.write(state.resolve("0_1/rocksdb/000001.sst"), new byte[3000]);
        Files.write(state.resolve("checkpoint"), new byte[96]);
        HttpServer metrics = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        metrics.createContext("/q/metrics", x -> {
            byte[] body = EXPOSITION.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        metrics.start();
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            System.gc(); // so this JVM's old generation has been collected at least once
            ResourceCurves curves = new ResourceCurves();
            ResourceSampler sampler = new ResourceSampler(List.of(
                    new ResourceSampler.Target("child", sleep::pid, metrics.getAddress().getPort(), state, false),
                    new ResourceSampler.Target("gone", () -> -1, -1, null, false),
                    ResourceSampler.Target.self("this JVM")), null, Duration.ofSeconds(1), curves);
            sampler.sample();
            sampler.sample();

            assertEquals(List.of("child", "this JVM"), List.copyOf(curves.of(ResourceKind.RSS).keySet()));
            assertEquals(2, curves.of(ResourceKind.RSS).get("child").size());
            assertEquals(1.0, curves.of(ResourceKind.THREADS).get("child").get(0).value());
            assertEquals(3.0, curves.of(ResourceKind.FDS).get("child").get(0).value());
            assertEquals(4.5678912E7, curves.of(ResourceKind.HEAP_AFTER_GC).get("child").get(0).value());
            assertEquals(6.0E7, curves.of(ResourceKind.OLD_GEN_USED).get("child").get(0).value());
            assertEquals(3096.0, curves.of(ResourceKind.STATE_STORE).get("child").get(0).value());
            assertTrue(curves.of(ResourceKind.HEAP_AFTER_GC).get("this JVM").get(0).value() > 0);
            assertTrue(curves.of(ResourceKind.TOPIC).isEmpty(), "no admin client: no topics");
        } finally {
            sleep.destroyForcibly().waitFor();
            metrics.stop(0);
        }
    }

    /** A broker process has no /q/metrics: its heap after GC comes from its -Xlog:gc file, here a real JVM's. */
    @Test
    void aJvmWithoutMetricsHasItsHeapAfterGcReadFromItsGcLog(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("gc.log");
        Path program = dir.resolve("Collect.java");
        // holds 24 MiB live, collects (a full GC, logged), then waits to be sampled
        Files.writeString(program, "class Collect { static byte[] live = new byte[24 << 20];"
                + " public static void main(String[] a) throws Exception { System.gc(); System.out.println(\"collected\"); Thread.sleep(60_000); } }");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-Xlog:gc:file=" + log + ":uptime", program.toString())
                .redirectErrorStream(true).start();
        try {
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertEquals("collected", first, "the child JVM ran");
            ResourceCurves curves = new ResourceCurves();
            new ResourceSampler(List.of(ResourceSampler.Target.withGcLog("broker", child::pid, log)), null, Duration.ofSeconds(1), curves)
                    .sample();
            double after = curves.of(ResourceKind.HEAP_AFTER_GC).get("broker").get(0).value();
            assertTrue(after >= 24 << 20 && after < 64 << 20, "heap after the child's full GC: " + after + " bytes; log: " + Files.readString(log));
            assertEquals(after, curves.of(ResourceKind.OLD_GEN_USED).get("broker").get(0).value(), "its latest collection was the full one");
            assertEquals(1, curves.of(ResourceKind.RSS).get("broker").size());
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    void theGcLogGivesTheHeapAfterTheLatestCollectionAndAfterTheLatestFullOne() {
        String log = """
                [0.010s][info][gc] Using Serial
                [3.112s][info][gc] GC(0) Pause Young (Allocation Failure) 33M->9M(123M) 12.801ms
                [9.502s][info][gc] GC(1) Pause Full (System.gc()) 51M->27M(123M) 30.112ms
                [12.004s][info][gc] GC(2) Pause Young (Allocation Failure) 60M->812K(123M) 1.005ms
                """;
        assertEquals(new GcLog.Heap(812L << 10, 27L << 20), GcLog.read(log));
        assertEquals(new GcLog.Heap(9L << 20, -1), GcLog.read(log.substring(0, log.indexOf("[9.502s]"))));
        assertEquals(new GcLog.Heap(-1, -1), GcLog.read("[0.010s][info][gc] Using Serial\n"));
        assertEquals(new GcLog.Heap(2L << 30, -1), GcLog.read("[1.0s][info][gc] GC(9) Pause Remark 3G->2G(4G) 1.0ms"));
    }
}
