package io.umbra.cli.load;

import io.umbra.cli.CommandRun;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.kafka.local.EmbeddedKafka;
import io.umbra.kafka.local.TopicSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./umbra load --sla} end to end: short real runs against the embedded broker with SCRAM logins and ACLs on
 * (as {@code ./umbra local --secure} runs it), the harness logging in with {@code --sasl-user} and
 * {@code --sasl-password-file}, and a stand-in for the services that scores every transaction once. The SLA that
 * must fail asks the impossible (p99 ≤ 0 ms, 1 byte per transaction); the one that must pass is generous. No
 * assertion depends on how fast this machine is.
 */
class LoadSlaCommandTest {
    private static final List<String> TENANTS = List.of("acme");
    private static final String ADMIN_PASSWORD = "load-sla-test-admin-password";
    private static EmbeddedKafka kafka;
    private static StandInScorer scorer;
    private static Thread scorerThread;

    @TempDir
    static Path dir;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.builder().scramUsers(Map.of("someone", "someone-password")).scramAdmin("admin", ADMIN_PASSWORD).start();
        List<TopicSpec> topics = new ArrayList<>();
        for (String t : TENANTS) {
            for (TopicKind k : List.of(TopicKind.TX_RAW, TopicKind.SCORE_REQUESTS, TopicKind.SCORES)) {
                topics.add(TopicSpec.of(Topics.name(TenantId.of(t), k), 1));
            }
        }
        kafka.createTopics(topics);
        scorer = new StandInScorer(kafka.bootstrapServers(), kafka.clientProperties("admin"), TENANTS);
        scorerThread = Thread.ofPlatform().daemon().start(scorer);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (scorer != null) {
            scorer.stop();
            scorerThread.join(5000);
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Path passwordFile() throws Exception {
        Path f = dir.resolve("admin.password");
        if (!Files.exists(f)) {
            Files.writeString(f, ADMIN_PASSWORD + "\n");
        }
        return f;
    }

    private static CommandRun load(Path sla, Path reports, String... extra) throws Exception {
        List<Object> args = new ArrayList<>(List.of("load", "--sla", sla, "--tenants", "acme", "--bootstrap", kafka.bootstrapServers(),
                "--sasl-user", "admin", "--sasl-password-file", passwordFile(), "--warmup", "1s", "--drain", "10s",
                "--ready-timeout", "60s", "--report-dir", reports));
        args.addAll(List.of(extra));
        return CommandRun.umbra(args.toArray());
    }

    private static String jsonReport(Path reports) throws Exception {
        try (var files = Files.list(reports)) {
            Path json = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
            return Files.readString(json);
        }
    }

    @Test
    void aMissedSlaIsPrintedCriterionByCriterionAndExitsWith3() throws Exception {
        Path sla = dir.resolve("impossible.yaml");
        Files.writeString(sla, """
                name: impossible
                rate_tps: 50
                duration: 2s
                p99_ms: 0
                max_lost: 0
                max_duplicates: 0
                max_request_bytes_per_tx: 1
                """);
        Path reports = dir.resolve("missed");
        CommandRun run = load(sla, reports, "--no-until-steady");

        assertEquals(3, run.exitCode(), run.out() + run.err());
        assertTrue(Pattern.compile("p99 +FAIL  measured [0-9.]+ ms, allowed ≤ 0 ms").matcher(run.out()).find(), run.out());
        assertTrue(Pattern.compile("request_bytes_per_tx +FAIL  measured [0-9.]+ B, allowed ≤ 1 B").matcher(run.out()).find(), run.out());
        assertTrue(Pattern.compile("lost +PASS  measured 0, allowed ≤ 0").matcher(run.out()).find(), run.out());
        assertTrue(run.out().contains("SLA 'impossible' MISSED: p99, request_bytes_per_tx"), run.out());
        String lastLine = run.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(lastLine.startsWith("{\"produced\":100,\"scored\":100,\"duplicates\":0,\"lost\":0,"), lastLine);
        assertTrue(lastLine.contains(",\"sla\":{\"passed\":false,\"name\":\"impossible\""), lastLine);
        assertEquals(lastLine, jsonReport(reports).strip());
    }

    @Test
    void aMetSlaExitsWith0AfterAWarmupThatWaitedForSteadyState() throws Exception {
        Path sla = dir.resolve("generous.json");
        Files.writeString(sla, """
                {"name": "generous", "rate_tps": 50, "duration": "2s", "p99_ms": 600000, "p999_ms": 600000,
                 "max_lost": 0, "max_duplicates": 0, "max_request_bytes_per_tx": 1000000}
                """);
        Path reports = dir.resolve("met");
        CommandRun run = load(sla, reports, "--steady-window", "1s", "--warmup-max", "30s");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("SLA 'generous' met"), run.out());
        assertFalse(run.out().contains("FAIL"), run.out());
        assertTrue(run.out().contains("; warm-up "), "the warm-up waited for steady state by default with --sla: " + run.out());
        Matcher m = Pattern.compile("\"sla\":\\{\"passed\":true").matcher(jsonReport(reports));
        assertTrue(m.find(), jsonReport(reports));
    }

    @Test
    void withoutALoginTheSecuredBrokerRefusesTheRunBeforeAnythingIsSent() throws Exception {
        Path sla = dir.resolve("any.yaml");
        Files.writeString(sla, "rate_tps: 10\nduration: 1s\np99_ms: 1000\nmax_request_bytes_per_tx: 100000\n");
        CommandRun run = CommandRun.umbra("load", "--sla", sla, "--tenants", "acme", "--bootstrap", kafka.bootstrapServers(),
                "--report-dir", dir.resolve("refused"));
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().startsWith("umbra load: cannot reach the broker"), run.err());
        assertFalse(Files.exists(dir.resolve("refused")), "no report of a run that was never made");
    }

    @Test
    void loginOptionsNeedARunningBrokerAndEachOther() throws Exception {
        Path sla = dir.resolve("any2.yaml");
        Files.writeString(sla, "rate_tps: 10\nduration: 1s\np99_ms: 1000\nmax_request_bytes_per_tx: 100000\n");
        CommandRun selfStart = CommandRun.umbra("load", "--sla", sla, "--sasl-user", "admin", "--sasl-password-file", passwordFile());
        assertTrue(selfStart.isUsageError("load") && selfStart.err().contains("give --bootstrap too"), selfStart.err());
        CommandRun half = CommandRun.umbra("load", "--sla", sla, "--bootstrap", "127.0.0.1:1", "--sasl-user", "admin");
        assertTrue(half.isOneLineFailure("load: ") && half.err().contains("--sasl-user and --sasl-password-file go together"), half.err());
        CommandRun badSla = CommandRun.umbra("load", "--sla", dir.resolve("none.yaml"), "--bootstrap", "127.0.0.1:1");
        assertTrue(badSla.isUsageError("load") && badSla.err().contains("cannot read the SLA file"), badSla.err());
    }

    @Test
    void soakModeChartsTheTopicsOfTheRealBrokerAndJudgesNothingOnTooFewSamples() throws Exception {
        Path reports = dir.resolve("soak");
        CommandRun run = CommandRun.umbra("load", "--rate", "50", "--duration", "2s", "--soak", "--sample-every", "500ms",
                "--tenants", "acme", "--bootstrap", kafka.bootstrapServers(), "--sasl-user", "admin", "--sasl-password-file",
                passwordFile(), "--warmup", "1s", "--drain", "10s", "--ready-timeout", "60s", "--report-dir", reports);

        // a 2 s window holds at most 5 samples: fewer than the verdict needs, so nothing fails
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("soak: bounded"), run.out());
        Path md;
        try (var files = Files.list(reports)) {
            md = files.filter(p -> p.toString().endsWith(".md")).findFirst().orElseThrow();
        }
        String text = Files.readString(md);
        assertTrue(text.contains("## Soak: resources over the measured window"), text);
        assertTrue(text.contains("| `acme.tx.raw` | "), "the topic sizes came from the secured broker: " + text);
        String chart = Files.readString(md.resolveSibling(md.getFileName().toString().replace(".md", "-soak-topic.svg")));
        assertTrue(chart.contains("acme.tx.raw") && chart.contains("<path d=\"M"), chart);

        CommandRun tooSlow = CommandRun.umbra("load", "--rate", "10", "--duration", "2s", "--soak", "--sample-every", "5s",
                "--bootstrap", "127.0.0.1:1");
        assertTrue(tooSlow.isUsageError("load") && tooSlow.err().contains("--sample-every"), tooSlow.err());
    }
}
