package io.umbra.local;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.kafka.local.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The secured broker of a local run, without services (a few seconds): production's principals and
 * ACLs from k8s/ on the broker, passwords in owner-only files, and the services' environment naming the
 * file, never the password. The services running on it are pipeline-tests' SecurePipelineTest.
 */
class SecureLocalPipelineTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    @TempDir
    Path run;

    @Test
    void everyServiceHasItsOwnPrincipalWithProductionsAclsAndNoBanksGrantNamesTheOther() {
        KafkaAccess access = KafkaAccess.forTenants(List.of(ACME, GLOBEX));
        assertEquals(9, access.principals().size(), "four per bank and the scoring pool: " + access.principals());
        assertEquals("acme.ingest-service", access.principal(ACME, Service.INGEST).name());
        assertEquals("umbra-he-scoring", access.principal(null, Service.HE_SCORING).name());
        for (KafkaAccess.Principal p : access.principals()) {
            for (AclBinding acl : p.acls()) {
                assertEquals(p.kafkaPrincipal(), acl.entry().principal());
                String name = acl.pattern().name();
                if (p.tenant() != null) {
                    // a bank's grants: literal names of its own, its service's own prefix, or the shared bundle topic
                    assertTrue(name.startsWith(p.tenant() + ".") && acl.pattern().patternType() == PatternType.LITERAL
                            || name.equals(p.name() + "-") && acl.pattern().patternType() == PatternType.PREFIXED
                            || name.equals(Topics.PUBLIC_KEYS) && acl.pattern().patternType() == PatternType.LITERAL, p.name() + ": " + acl);
                } else {
                    assertTrue(acl.pattern().patternType() == PatternType.LITERAL || name.equals("umbra.he-scoring"), acl.toString());
                }
                assertFalse(name.equals("*"), acl.toString());
            }
        }
        // only the key-service may write the shared topic
        for (KafkaAccess.Principal p : access.principals()) {
            boolean writesBundles = p.acls().stream().anyMatch(a -> a.pattern().name().equals(Topics.PUBLIC_KEYS)
                    && a.entry().operation() == AclOperation.WRITE);
            assertEquals(p.service() == Service.KEY, writesBundles, p.name());
        }
        // the pool: literal grants on each bank's scoring-zone topics, read on requests, write on results and dead letters
        KafkaAccess.Principal pool = access.principal(null, Service.HE_SCORING);
        for (TenantId t : List.of(ACME, GLOBEX)) {
            assertTrue(grants(pool, Topics.name(t, TopicKind.SCORE_REQUESTS), AclOperation.READ));
            assertTrue(grants(pool, Topics.name(t, TopicKind.SCORE_RESULTS), AclOperation.WRITE));
            assertTrue(grants(pool, Topics.name(t, TopicKind.SCORE_DLQ), AclOperation.WRITE));
        }
        assertEquals(Set.of(ResourceType.TOPIC, ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID),
                Set.copyOf(pool.acls().stream().map(a -> a.pattern().resourceType()).toList()));
    }

    @Test
    void theSecuredBrokerEnforcesExactlyThoseAclsAndThePasswordsStayInOwnerOnlyFiles() throws Exception {
        try (LocalPipeline pipeline = LocalPipeline.builder().tenants("acme", "globex").runDirectory(run).services(Set.of())
                .kafkaSecurity(true).shutdownHook(false).start()) {
            Set<AclBinding> onBroker = Set.copyOf(pipeline.kafka().admin().describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS));
            assertEquals(Set.copyOf(pipeline.kafkaAccess().acls()), onBroker);

            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pipeline.kafkaCredentialsDirectory())));
            for (KafkaAccess.Principal p : pipeline.kafkaAccess().principals()) {
                Path file = pipeline.kafkaPasswordFile(p.name());
                assertEquals(run.resolve("kafka-credentials").resolve(p.name() + ".password"), file);
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
                // the file's password logs in; another is refused
                describeCluster(pipeline, pipeline.kafkaClientProperties(p.name()));
            }
            ExecutionException e = assertThrows(ExecutionException.class, () -> describeCluster(pipeline,
                    EmbeddedKafka.saslClientProperties("acme.ingest-service", "0123456789abcdef0123456789abcdef")));
            assertInstanceOf(SaslAuthenticationException.class, e.getCause());
            assertTrue(pipeline.kafkaClientProperties("acme.ingest-service").get("sasl.jaas.config").toString()
                    .contains(Files.readString(pipeline.kafkaPasswordFile("acme.ingest-service")).strip()));
        }
    }

    @Test
    void withoutSecurityTheBrokerIsOpenAndTheSecureAccessorsSaySo() {
        try (LocalPipeline pipeline = LocalPipeline.builder().tenants("acme").runDirectory(run).services(Set.of())
                .shutdownHook(false).start()) {
            assertFalse(pipeline.kafkaSecurity());
            assertEquals(Map.of(), pipeline.kafkaClientProperties("acme.ingest-service"));
            assertEquals(Map.of(), pipeline.operatorClientProperties());
            assertThrows(IllegalStateException.class, () -> pipeline.kafkaPrincipal(ACME, Service.INGEST));
            assertFalse(Files.exists(run.resolve("kafka-credentials")));
        }
    }

    private static boolean grants(KafkaAccess.Principal p, String topic, AclOperation op) {
        return p.acls().stream().anyMatch(a -> a.pattern().resourceType() == ResourceType.TOPIC && a.pattern().name().equals(topic)
                && a.pattern().patternType() == PatternType.LITERAL && a.entry().operation() == op);
    }

    private static void describeCluster(LocalPipeline pipeline, Map<String, Object> login) throws Exception {
        Map<String, Object> config = new HashMap<>(login);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get(20, TimeUnit.SECONDS);
        }
    }

}
