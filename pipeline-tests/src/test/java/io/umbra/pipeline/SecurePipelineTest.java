package io.umbra.pipeline;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.score.Alert;
import io.umbra.events.score.Score;
import io.umbra.local.KafkaAccess;
import io.umbra.local.LocalPipeline;
import io.umbra.local.Service;
import io.umbra.local.ServiceProcess;
import io.umbra.traffic.LabelledTransaction;
import io.umbra.traffic.TrafficGenerator;
import io.umbra.traffic.TrafficProfile;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline on a broker that authenticates every client (SASL/SCRAM-SHA-512) and authorizes
 * every request by ACL, as production does: {@code LocalPipeline.kafkaSecurity(true)}, each service
 * logged in as its own principal with production's ACLs (the KafkaUsers of k8s/). What the bank and
 * the pool's operator would check: every transaction of both banks scored exactly once (so the ACLs
 * leave out nothing a service needs), one bank's identities refused on the other bank's topics,
 * groups and transactional ids, the scoring pool refused on the plaintext topics, and the passwords
 * kept in owner-only files and out of every log, command line and environment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurePipelineTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final List<TenantId> TENANTS = List.of(ACME, GLOBEX);
    private static final int PER_TENANT = 1_000;
    /** The alert-service's default policy (docs/PIPELINE.md). */
    private static final double THRESHOLD = 0.9;
    private static final long AMOUNT_RULE_MINOR = 50_000;
    private static final double AMOUNT_RULE_PROBABILITY = 0.5;
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final List<Service> BANK_SERVICES = List.of(Service.INGEST, Service.ENCRYPT, Service.KEY, Service.ALERT);

    /** Read with the operator's login (the broker's super user): what a bank's tools see. */
    private static final String OPERATOR = null;

    private LocalPipeline pipeline;

    @BeforeAll
    void start() throws Exception {
        Path root = Path.of(System.getProperty("umbra.repository.root", "..")).toAbsolutePath().normalize();
        Path run = root.resolve("pipeline-tests/target/secure-pipeline-run");
        // a fresh run: a run directory's logs are appended to, and a previous run's revoked-ACL orders (5, 6) left
        // AuthorizationExceptions there that order 1 would take for a grant missing in this run
        io.umbra.files.SecretFiles.deleteRecursively(run);
        pipeline = LocalPipeline.builder()
                .repositoryRoot(root)
                .tenants(TENANTS)
                .runDirectory(run)
                .basePort(18280)   // PipelineTest uses 18080: both may run on one machine
                .readyTimeout(Duration.ofMinutes(4))
                .kafkaSecurity(true)
                .progress(line -> System.out.println("[secure] " + line))
                .start();
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    // ---- 1: the pipeline works with nothing but its own grants ----

    @Test
    @Order(1)
    void everyTransactionOfBothBanksIsScoredExactlyOnceWithEachServiceOnItsOwnPrincipal() throws Exception {
        Map<TenantId, Set<String>> produced = new HashMap<>();
        Instant at = Instant.now().minusSeconds(300);
        for (TenantId t : TENANTS) {
            // the bank's side produces raw transactions as its ingest identity: a tenant login, not the admin
            TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(t).withFraudRate(0.2), t.equals(ACME) ? 31 : 32);
            Set<String> ids = new LinkedHashSet<>();
            try (KafkaProducer<byte[], byte[]> producer = producer(pipeline.kafkaPrincipal(t, Service.INGEST), null)) {
                for (int i = 0; i < PER_TENANT; i++) {
                    LabelledTransaction tx = generator.next(at.plusMillis(100L * i));
                    ids.add(tx.transaction().transactionId());
                    producer.send(new ProducerRecord<>(Topics.name(t, TopicKind.TX_RAW), tx.key().getBytes(StandardCharsets.UTF_8),
                            tx.payload()));
                }
                producer.flush();
            }
            produced.put(t, ids);
        }

        for (TenantId t : TENANTS) {
            // read back as the bank's alert-service identity, the one that consumes scores in production
            String reader = pipeline.kafkaPrincipal(t, Service.ALERT);
            Set<String> ids = produced.get(t);
            List<ConsumerRecord<byte[], byte[]>> records = await(reader, Topics.name(t, TopicKind.SCORES),
                    l -> keys(l).containsAll(ids), ids.size() + " scores of " + t);
            Thread.sleep(2_000);   // a late duplicate would show now
            records = readToEnd(reader, Topics.name(t, TopicKind.SCORES));
            Map<String, Score> scores = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                Score s = Score.fromJson(r.value());
                assertTrue(scores.put(s.transactionId(), s) == null, t + ": transaction " + s.transactionId() + " scored twice");
                assertEquals(t, s.tenant());
            }
            assertEquals(ids, scores.keySet(), t + ": every transaction scored, exactly once");

            Set<String> expectedAlerts = new HashSet<>();
            scores.values().stream().filter(SecurePipelineTest::policyAlerts).forEach(s -> expectedAlerts.add(s.transactionId()));
            assertFalse(expectedAlerts.isEmpty(), t + ": the traffic's planted frauds give the alert-service something to do");
            // alerts, dead letters and the audit trail are read by the bank's case and operations tools (here the
            // operator's login): under least privilege the alert-service may not read the dead letters or the audit trail
            await(OPERATOR, Topics.name(t, TopicKind.ALERTS), l -> alertedTransactions(l).containsAll(expectedAlerts),
                    expectedAlerts.size() + " alerts of " + t);
            assertEquals(expectedAlerts, alertedTransactions(readToEnd(OPERATOR, Topics.name(t, TopicKind.ALERTS))),
                    t + ": alerts exactly where the policy fires");

            for (TopicKind dlq : List.of(TopicKind.TX_DLQ, TopicKind.ENCRYPT_DLQ, TopicKind.SCORE_DLQ, TopicKind.DECRYPT_DLQ,
                    TopicKind.ALERT_DLQ)) {
                assertEquals(0, readToEnd(OPERATOR, Topics.name(t, dlq)).size(), t + ": nothing dead-lettered on " + dlq.suffix());
            }
            // the key-service's audit trail (key created, bundle published) was written under its grants too
            int audit = readToEnd(OPERATOR, Topics.name(t, TopicKind.AUDIT)).size();
            assertTrue(audit > 0, t + ": audit events on " + Topics.name(t, TopicKind.AUDIT));
            System.out.printf("[secure] %s: %d of %d transactions scored once, %d alerts, %d audit events, no dead letters%n", t,
                    scores.size(), ids.size(), expectedAlerts.size(), audit);
        }
        for (ServiceProcess p : pipeline.processes()) {
            assertTrue(p.isAlive(), p.name() + " is running");
            String log = Files.readString(p.logFile(), StandardCharsets.ISO_8859_1);
            assertFalse(log.contains("AuthorizationException"), p.name() + " was refused something it needs:\n" + excerpt(log, "AuthorizationException"));
        }
    }

    // ---- 2: a bank's identities cannot reach the other bank ----

    @Test
    @Order(2)
    void noIdentityOfOneBankCanReadOrWriteTheOtherBanksTopicsGroupsOrTransactions() throws Exception {
        for (TenantId own : TENANTS) {
            TenantId other = own.equals(ACME) ? GLOBEX : ACME;
            for (Service s : BANK_SERVICES) {
                String principal = pipeline.kafkaPrincipal(own, s);
                assertWriteRefused(principal, Topics.name(other, TopicKind.TX_RAW));
                assertWriteRefused(principal, Topics.name(other, TopicKind.SCORES));
                assertReadRefused(principal, Topics.name(other, TopicKind.TX_RAW));
                assertReadRefused(principal, Topics.name(other, TopicKind.SCORES));
            }
            String encrypt = pipeline.kafkaPrincipal(own, Service.ENCRYPT);
            // joining the other bank's consumer group (it would steal its partitions) is refused
            try (KafkaConsumer<byte[], byte[]> c = consumer(encrypt, other + ".encrypt-service")) {
                c.subscribe(List.of(Topics.name(own, TopicKind.TX_FEATURES)));
                assertThrows(GroupAuthorizationException.class, () -> pollFor(c, Duration.ofSeconds(10)), encrypt + " joined " + other + "'s group");
            }
            // and so is taking over the other bank's transactional id (it would fence its producer)
            try (KafkaProducer<byte[], byte[]> p = producer(encrypt, other + ".encrypt-service-" + other + "-encrypt-service-0")) {
                assertThrows(TransactionalIdAuthorizationException.class, p::initTransactions, encrypt + " used " + other + "'s transactional id");
            }
        }
        // only the key-service publishes bundles: the bank's other identities cannot write the shared topic
        for (Service s : List.of(Service.INGEST, Service.ENCRYPT, Service.ALERT)) {
            assertWriteRefused(pipeline.kafkaPrincipal(ACME, s), Topics.PUBLIC_KEYS);
        }
    }

    // ---- 3: the shared pool sees ciphertext only ----

    @Test
    @Order(3)
    void theScoringPoolCannotReadOrWriteAnyBanksPlaintextTopics() throws Exception {
        String pool = pipeline.kafkaPrincipal(null, Service.HE_SCORING);
        for (TenantId t : TENANTS) {
            assertReadRefused(pool, Topics.name(t, TopicKind.TX_RAW));
            assertReadRefused(pool, Topics.name(t, TopicKind.TX_FEATURES));
            assertReadRefused(pool, Topics.name(t, TopicKind.SCORES));
            assertWriteRefused(pool, Topics.name(t, TopicKind.SCORES));
            assertWriteRefused(pool, Topics.name(t, TopicKind.SCORE_REQUESTS));
        }
        assertWriteRefused(pool, Topics.PUBLIC_KEYS);
        // what it may touch is exactly what test 1 needed: each bank's score.requests (read), score.results and score.dlq (write)
        KafkaAccess.Principal p = pipeline.kafkaAccess().principal(null, Service.HE_SCORING);
        for (var acl : p.acls()) {
            String name = acl.pattern().name();
            assertFalse(name.endsWith(".tx.raw") || name.endsWith(".tx.features") || name.endsWith(".scores") || name.equals("*"),
                    "the pool holds " + acl);
        }
    }

    // ---- 4: the passwords stay in their files ----

    @Test
    @Order(4)
    void passwordsLiveOnlyInOwnerOnlyFilesNeverInALogCommandLineOrEnvironment() throws Exception {
        Path dir = pipeline.kafkaCredentialsDirectory();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        Map<String, String> passwords = new HashMap<>();
        List<String> principals = new ArrayList<>(pipeline.kafkaAccess().principals().stream().map(KafkaAccess.Principal::name).toList());
        principals.add("admin");
        for (String principal : principals) {
            Path file = pipeline.kafkaPasswordFile(principal);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
            String password = Files.readString(file).strip();
            assertTrue(password.length() >= 32, "a long random password for " + principal);
            passwords.put(principal, password);
        }
        assertEquals(passwords.size(), Set.copyOf(passwords.values()).size(), "every principal has its own password");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pipeline.runDirectory().resolve("kafka"))),
                "the broker's data directory (its server.properties holds the admin password) is owner-only");

        StringBuilder logs = new StringBuilder();
        for (ServiceProcess p : pipeline.processes()) {
            String log = Files.readString(p.logFile(), StandardCharsets.ISO_8859_1);
            assertTrue(log.contains("started in"), p.name() + "'s log of this run was read");
            logs.append(log);
        }
        assertEquals(9, pipeline.processes().size());
        for (ServiceProcess p : pipeline.processes()) {
            String principal = pipeline.kafkaPrincipal(p.tenant(), p.service());
            assertEquals(pipeline.kafkaPasswordFile(principal).toString(), p.environment().get("KAFKA_SASL_PASSWORD_FILE"));
            assertFalse(p.environment().containsKey("KAFKA_SASL_PASSWORD"), p.name() + " is given a file, not a password");
            Path proc = Path.of("/proc", Long.toString(p.pid()));
            String environ = Files.exists(proc) ? new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.ISO_8859_1) : "";
            String cmdline = Files.exists(proc) ? new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.ISO_8859_1)
                    : String.join(" ", p.command());
            for (Map.Entry<String, String> e : passwords.entrySet()) {
                assertFalse(environ.contains(e.getValue()), "the password of " + e.getKey() + " is in the environment of " + p.name());
                assertFalse(cmdline.contains(e.getValue()), "the password of " + e.getKey() + " is on the command line of " + p.name());
            }
        }
        for (Map.Entry<String, String> e : passwords.entrySet()) {
            assertFalse(logs.toString().contains(e.getValue()), "the password of " + e.getKey() + " is in a log");
        }
    }

    // ---- helpers ----

    private static boolean policyAlerts(Score s) {
        return s.fraudProbability() >= THRESHOLD
                || (s.amountMinor() >= AMOUNT_RULE_MINOR && s.fraudProbability() >= AMOUNT_RULE_PROBABILITY);
    }

    private static Set<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> out = new HashSet<>();
        records.forEach(r -> out.add(new String(r.key(), StandardCharsets.UTF_8)));
        return out;
    }

    private static Set<String> alertedTransactions(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> out = new HashSet<>();
        records.forEach(r -> out.add(Alert.fromJson(r.value()).transactionId()));
        return out;
    }

    private static String excerpt(String log, String what) {
        int i = log.indexOf(what);
        return i < 0 ? "" : log.substring(Math.max(0, i - 600), Math.min(log.length(), i + 400));
    }

    private void assertWriteRefused(String principal, String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = producer(principal, null)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> p.send(new ProducerRecord<>(topic, "intruder".getBytes(StandardCharsets.UTF_8), new byte[] {1})).get(20, TimeUnit.SECONDS),
                    principal + " wrote to " + topic);
            assertInstanceOf(TopicAuthorizationException.class, e.getCause(), principal + " on " + topic + ": " + e.getCause());
        }
    }

    private void assertReadRefused(String principal, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(principal, null)) {
            c.assign(List.of(new TopicPartition(topic, 0)));
            c.seekToBeginning(c.assignment());
            TopicAuthorizationException e = assertThrows(TopicAuthorizationException.class, () -> pollFor(c, Duration.ofSeconds(10)),
                    principal + " read " + topic);
            assertTrue(e.unauthorizedTopics().contains(topic), e.toString());
        }
    }

    // ---- 5: an ACL the operator takes away and grants back ----

    @Test
    @Order(5)
    void aRevokedAclTakesTheKeyServiceOutOfReadinessWithTheReasonAndItResumesUnrestartedWhenGrantedBack() throws Exception {
        String keyService = pipeline.kafkaPrincipal(ACME, Service.KEY);
        String scores = Topics.name(ACME, TopicKind.SCORES);
        org.apache.kafka.clients.admin.Admin admin = pipeline.kafka().admin();
        var writeScores = new org.apache.kafka.common.acl.AclBindingFilter(
                new org.apache.kafka.common.resource.ResourcePatternFilter(org.apache.kafka.common.resource.ResourceType.TOPIC, scores,
                        org.apache.kafka.common.resource.PatternType.MATCH),
                new org.apache.kafka.common.acl.AccessControlEntryFilter("User:" + keyService, null,
                        org.apache.kafka.common.acl.AclOperation.WRITE, org.apache.kafka.common.acl.AclPermissionType.ALLOW));
        var grants = List.copyOf(admin.describeAcls(writeScores).values().get(30, TimeUnit.SECONDS));
        assertFalse(grants.isEmpty(), keyService + " may write " + scores);
        ServiceProcess key = pipeline.process(ACME, Service.KEY);
        int restarts = key.restarts();

        admin.deleteAcls(grants.stream().map(org.apache.kafka.common.acl.AclBinding::toFilter).toList()).all().get(30, TimeUnit.SECONDS);
        awaitTrue(() -> admin.describeAcls(writeScores).values().get(30, TimeUnit.SECONDS).isEmpty(), "the WRITE on " + scores + " gone");
        LabelledTransaction tx = new TrafficGenerator(TrafficProfile.of(ACME), 35).next(Instant.now());
        try (KafkaProducer<byte[], byte[]> producer = producer(pipeline.kafkaPrincipal(ACME, Service.INGEST), null)) {
            producer.send(new ProducerRecord<>(Topics.name(ACME, TopicKind.TX_RAW), tx.key().getBytes(StandardCharsets.UTF_8),
                    tx.payload())).get(30, TimeUnit.SECONDS);
        }
        String id = tx.transaction().transactionId();
        // its score waits at the key-service, whose readiness says why; liveness stays UP (a restart would not help)
        awaitTrue(() -> health(key, "/q/health/ready").startsWith("503") && health(key, "/q/health/ready").contains("notAuthorized"),
                "the key-service's readiness DOWN with notAuthorized");
        String ready = health(key, "/q/health/ready");
        assertTrue(ready.contains("TopicAuthorizationException") && ready.contains(scores), ready);
        assertFalse(ready.contains(Files.readString(pipeline.kafkaPasswordFile(keyService)).strip()), "no secret in readiness");
        assertTrue(health(key, "/q/health/live").startsWith("200"), health(key, "/q/health/live"));
        assertFalse(keys(readToEnd(OPERATOR, scores)).contains(id), "nothing committed while refused");
        assertEquals(0, readToEnd(OPERATOR, Topics.name(ACME, TopicKind.DECRYPT_DLQ)).size(), "nor dead-lettered");

        admin.createAcls(grants).all().get(30, TimeUnit.SECONDS);
        await(OPERATOR, scores, l -> keys(l).contains(id), "the waiting score once the ACL is back");
        awaitTrue(() -> health(key, "/q/health/ready").startsWith("200"), "the key-service's readiness UP again");
        assertEquals(1, readToEnd(OPERATOR, scores).stream().filter(r -> id.equals(new String(r.key(), StandardCharsets.UTF_8))).count(),
                "scored exactly once");
        assertEquals(0, readToEnd(OPERATOR, Topics.name(ACME, TopicKind.DECRYPT_DLQ)).size());
        assertEquals(restarts, key.restarts(), "no restart needed");
        assertTrue(key.isAlive());
    }

    // ---- 6: the same for a Kafka Streams service ----

    @Test
    @Order(6)
    void aRevokedAclTakesTheIngestStreamOutOfReadinessWithTheReasonAndItResumesExactlyOnceWhenGrantedBack() throws Exception {
        String ingestService = pipeline.kafkaPrincipal(ACME, Service.INGEST);
        String features = Topics.name(ACME, TopicKind.TX_FEATURES);
        String scores = Topics.name(ACME, TopicKind.SCORES);
        org.apache.kafka.clients.admin.Admin admin = pipeline.kafka().admin();
        var writeFeatures = new org.apache.kafka.common.acl.AclBindingFilter(
                new org.apache.kafka.common.resource.ResourcePatternFilter(org.apache.kafka.common.resource.ResourceType.TOPIC, features,
                        org.apache.kafka.common.resource.PatternType.MATCH),
                new org.apache.kafka.common.acl.AccessControlEntryFilter("User:" + ingestService, null,
                        org.apache.kafka.common.acl.AclOperation.WRITE, org.apache.kafka.common.acl.AclPermissionType.ALLOW));
        var grants = List.copyOf(admin.describeAcls(writeFeatures).values().get(30, TimeUnit.SECONDS));
        assertFalse(grants.isEmpty(), ingestService + " may write " + features);
        ServiceProcess ingest = pipeline.process(ACME, Service.INGEST);
        int restarts = ingest.restarts();
        assertTrue(health(ingest, "/q/health/ready").startsWith("200"), health(ingest, "/q/health/ready"));

        admin.deleteAcls(grants.stream().map(org.apache.kafka.common.acl.AclBinding::toFilter).toList()).all().get(30, TimeUnit.SECONDS);
        awaitTrue(() -> admin.describeAcls(writeFeatures).values().get(30, TimeUnit.SECONDS).isEmpty(), "the WRITE on " + features + " gone");
        // the bank keeps sending (its WRITE on tx.raw is untouched); the ingest stream cannot pass them on
        TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(ACME), 36);
        Set<String> ids = new LinkedHashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(ingestService, null)) {
            for (int i = 0; i < 5; i++) {
                LabelledTransaction tx = generator.next(Instant.now());
                ids.add(tx.transaction().transactionId());
                producer.send(new ProducerRecord<>(Topics.name(ACME, TopicKind.TX_RAW), tx.key().getBytes(StandardCharsets.UTF_8),
                        tx.payload())).get(30, TimeUnit.SECONDS);
            }
        }
        // its stream threads fail on the refused output and are replaced with back-off; readiness says why, liveness
        // stays UP (a restart would not grant the ACL)
        awaitTrue(() -> health(ingest, "/q/health/ready").startsWith("503") && health(ingest, "/q/health/ready").contains("notAuthorized"),
                "the ingest-service's readiness DOWN with notAuthorized");
        String ready = health(ingest, "/q/health/ready");
        assertTrue(ready.contains("AuthorizationException") && ready.contains(features), ready);
        assertFalse(ready.contains(Files.readString(pipeline.kafkaPasswordFile(ingestService)).strip()), "no secret in readiness");
        String live = health(ingest, "/q/health/live");
        assertTrue(live.startsWith("200"), live);
        System.out.println("[secure] acme ingest while refused: " + ready);
        // still DOWN once the replacement thread (it rejoins the group after a back-off) has been refused too: the
        // refusal keeps readiness DOWN between two replacements, and the replacements are backed off
        awaitTrue(() -> Files.readString(ingest.logFile(), StandardCharsets.ISO_8859_1).contains("a Kafka Streams thread failed again"),
                "a replacement stream thread refused as well");
        ready = health(ingest, "/q/health/ready");
        assertTrue(ready.startsWith("503") && ready.contains("notAuthorized") && ready.contains(features), ready);
        assertTrue(health(ingest, "/q/health/live").startsWith("200"), health(ingest, "/q/health/live"));
        Set<String> scoredWhileRefused = new HashSet<>(keys(readToEnd(OPERATOR, scores)));
        scoredWhileRefused.retainAll(ids);
        assertEquals(Set.of(), scoredWhileRefused, "nothing passed on while refused");
        assertEquals(0, readToEnd(OPERATOR, Topics.name(ACME, TopicKind.TX_DLQ)).size(), "nor dead-lettered");

        admin.createAcls(grants).all().get(30, TimeUnit.SECONDS);
        await(OPERATOR, scores, l -> keys(l).containsAll(ids), "the waiting transactions scored once the ACL is back");
        awaitTrue(() -> health(ingest, "/q/health/ready").startsWith("200"), "the ingest-service's readiness UP again");
        Thread.sleep(2_000);   // a late duplicate would show now
        Map<String, Long> times = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readToEnd(OPERATOR, scores)) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (ids.contains(key)) {
                times.merge(key, 1L, Long::sum);
            }
        }
        assertEquals(ids, times.keySet(), "every waiting transaction scored");
        times.forEach((id, n) -> assertEquals(1L, n, id + " scored exactly once"));
        assertEquals(0, readToEnd(OPERATOR, Topics.name(ACME, TopicKind.TX_DLQ)).size());
        assertEquals(restarts, ingest.restarts(), "no restart needed");
        assertTrue(ingest.isAlive());
        String log = Files.readString(ingest.logFile(), StandardCharsets.ISO_8859_1);
        System.out.println("[secure] acme ingest's thread failures:\n" + log.lines()
                .filter(l -> l.contains("StreamThreadFailures")).map(l -> l.length() > 260 ? l.substring(0, 260) : l)
                .collect(java.util.stream.Collectors.joining("\n")));
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    /** The status code and body of a health endpoint of {@code process}, e.g. "503 {...}". */
    private static String health(ServiceProcess process, String path) throws Exception {
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            var response = client.send(java.net.http.HttpRequest.newBuilder(process.managementUrl(path)).timeout(Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body();
        }
    }

    /** Polls for {@code time}; returns the first records read (an authorization failure throws from poll). */
    private static List<ConsumerRecord<byte[], byte[]>> pollFor(KafkaConsumer<byte[], byte[]> c, Duration time) {
        long deadline = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < deadline) {
            var records = c.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
                records.forEach(out::add);
                return out;
            }
        }
        return List.of();
    }

    /** Reads {@code topic} from the beginning as {@code principal} until {@code done} holds for what was read. */
    private List<ConsumerRecord<byte[], byte[]>> await(String principal, String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                       String what) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(principal, null)) {
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!done.test(records)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out after " + WAIT + " waiting for " + what + " on " + topic + " (" + records.size()
                            + " records there)");
                }
                c.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Every committed record of {@code topic} up to its current end, read as {@code principal}. */
    private List<ConsumerRecord<byte[], byte[]>> readToEnd(String principal, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(principal, null)) {
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> c.position(p, Duration.ofSeconds(30)) < end.get(p))) {
                assertTrue(System.nanoTime() < deadline, "reading " + topic + " to its end took over 60 s");
                c.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private Map<String, Object> login(String principal) {
        return principal == null ? pipeline.operatorClientProperties() : pipeline.kafkaClientProperties(principal);
    }

    private KafkaProducer<byte[], byte[]> producer(String principal, String transactionalId) {
        Map<String, Object> config = new HashMap<>(login(principal));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        if (transactionalId != null) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> consumer(String principal, String group) {
        Map<String, Object> config = new HashMap<>(login(principal));
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
