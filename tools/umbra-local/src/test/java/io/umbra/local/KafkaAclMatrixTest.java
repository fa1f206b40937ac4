package io.umbra.local;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.metadata.authorizer.StandardAcl;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;
import org.apache.kafka.server.authorizer.Action;
import org.apache.kafka.server.authorizer.AuthorizableRequestContext;
import org.apache.kafka.server.authorizer.AuthorizationResult;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ACL matrix: every principal of a two-bank deployment × every topic (both banks' topics, the
 * Streams services' internal topics, the shared bundle topic), consumer group and transactional id ×
 * every operation, decided by Kafka's own {@link StandardAuthorizer} (the broker's authorizer, with
 * {@code allow.everyone.if.no.acl.found=false}) loaded with exactly the ACLs the local secure run
 * installs — rendered from k8s/tenant-template/kafka-users.yaml and k8s/kafka/scoring-user.yaml. Each
 * decision must be what the table of docs/SECURITY.md ("Kafka access") says, restated here as
 * {@link #expected}: allowed in its row, refused everywhere else.
 */
class KafkaAclMatrixTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId ACME_EU = TenantId.of("acme-eu"); // shares a prefix with acme: a careless prefix grant would leak
    private static final List<TenantId> TENANTS = List.of(ACME, ACME_EU);
    private static final Set<AclOperation> TOPIC_OPS = EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE,
            AclOperation.CREATE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);
    private static final Set<AclOperation> GROUP_OPS = EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE);
    private static final Set<AclOperation> TXN_OPS = EnumSet.of(AclOperation.WRITE, AclOperation.DESCRIBE);
    private static final Set<AclOperation> R = EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE);
    private static final Set<AclOperation> W = EnumSet.of(AclOperation.WRITE, AclOperation.DESCRIBE);
    private static final Set<AclOperation> RW = EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE);
    private static final Set<AclOperation> INTERNAL = EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE,
            AclOperation.CREATE, AclOperation.DELETE, AclOperation.DESCRIBE_CONFIGS);

    /** The table of docs/SECURITY.md: what {@code service} of {@code tenant} may do on {@code topic}. */
    private static Set<AclOperation> expectedOnTopic(TenantId tenant, Service service, String topic) {
        if (topic.equals(Topics.PUBLIC_KEYS)) {
            return switch (service) {
                case ENCRYPT, HE_SCORING -> R;
                case KEY -> RW;
                default -> Set.of();
            };
        }
        if (service == Service.HE_SCORING) {
            for (TenantId t : TENANTS) {
                if (topic.equals(Topics.name(t, TopicKind.SCORE_REQUESTS))) {
                    return R;
                }
                if (topic.equals(Topics.name(t, TopicKind.SCORE_RESULTS)) || topic.equals(Topics.name(t, TopicKind.SCORE_DLQ))) {
                    return W;
                }
            }
            return Set.of();
        }
        String own = tenant.value() + ".";
        if (topic.startsWith(own + service.module() + "-") && (service == Service.INGEST || service == Service.ALERT)) {
            return INTERNAL; // the Streams application's changelog and repartition topics
        }
        TopicKind kind = topic.startsWith(own) ? TopicKind.ofSuffix(topic.substring(own.length())) : null;
        if (kind == null) {
            return Set.of();
        }
        return switch (service) {
            case INGEST -> switch (kind) {
                case TX_RAW -> RW;
                case TX_FEATURES, TX_DLQ -> W;
                default -> Set.of();
            };
            case ENCRYPT -> switch (kind) {
                case TX_FEATURES -> R;
                case SCORE_REQUESTS, ENCRYPT_DLQ, AUDIT -> W;
                default -> Set.of();
            };
            case KEY -> switch (kind) {
                case SCORE_RESULTS -> R;
                case SCORES, DECRYPT_DLQ -> W;
                case AUDIT, DECRYPTED -> RW;
                default -> Set.of();
            };
            case ALERT -> switch (kind) {
                case SCORES -> R;
                case ALERTS -> RW; // its alert store is a global table over the alerts topic
                case ALERT_DLQ -> W;
                default -> Set.of();
            };
            default -> Set.of();
        };
    }

    @Test
    void everyPrincipalIsAllowedExactlyItsRowOfTheTableAndRefusedEverythingElse() throws Exception {
        KafkaAccess access = KafkaAccess.forTenants(TENANTS);
        List<String> wrong = decisionsDifferingFromTheTable(access, access.acls());
        assertTrue(wrong.isEmpty(), wrong.size() + " decisions differ from docs/SECURITY.md's table:\n" + String.join("\n", wrong));
        assertEquals(9, access.principals().size());
    }

    @Test
    void theMatrixCatchesTheOldPrefixGrant() throws Exception {
        // shown able to fail: the grant every bank service held before (Read, Write on every topic of its tenant)
        KafkaAccess access = KafkaAccess.forTenants(TENANTS);
        List<AclBinding> acls = new ArrayList<>(access.acls());
        KafkaAccess.Principal ingest = access.principal(ACME, Service.INGEST);
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE)) {
            acls.add(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "acme.", PatternType.PREFIXED),
                    new org.apache.kafka.common.acl.AccessControlEntry(ingest.kafkaPrincipal(), "*", op,
                            org.apache.kafka.common.acl.AclPermissionType.ALLOW)));
        }
        List<String> wrong = decisionsDifferingFromTheTable(access, acls);
        assertTrue(wrong.contains("acme.ingest-service WRITE TOPIC acme.scores: allowed, the table says refused"), wrong.toString());
        assertTrue(wrong.stream().noneMatch(w -> w.contains("acme-eu.")), "the dot keeps acme's prefix off acme-eu: " + wrong);
    }

    private static List<String> decisionsDifferingFromTheTable(KafkaAccess access, List<AclBinding> installed) throws Exception {
        try (StandardAuthorizer authorizer = new StandardAuthorizer()) {
            authorizer.configure(Map.of(StandardAuthorizer.SUPER_USERS_CONFIG, "User:admin",
                    StandardAuthorizer.ALLOW_EVERYONE_IF_NO_ACL_IS_FOUND_CONFIG, "false"));
            authorizer.withPluginMetrics(new org.apache.kafka.common.metrics.internals.PluginMetricsImpl(
                    new org.apache.kafka.common.metrics.Metrics(), Map.of()));
            for (AclBinding binding : installed) {
                authorizer.addAcl(Uuid.randomUuid(), StandardAcl.fromAclBinding(binding));
            }
            authorizer.completeInitialLoad();

            List<String> topics = new ArrayList<>();
            topics.add(Topics.PUBLIC_KEYS);
            topics.add("umbra.unknown");
            List<String> groups = new ArrayList<>(List.of("umbra.he-scoring", "umbra.other"));
            List<String> transactionalIds = new ArrayList<>(List.of("umbra.he-scoring-he-scoring-service-0"));
            for (TenantId t : TENANTS) {
                Topics.all(t).forEach(tt -> topics.add(tt.name()));
                topics.add(t.value() + ".ingest-service-dedupe-store-changelog");
                topics.add(t.value() + ".alert-service-alerts-changelog");
                topics.add(t.value() + ".unknown");
                for (Service s : List.of(Service.INGEST, Service.ENCRYPT, Service.KEY, Service.ALERT)) {
                    groups.add(t.value() + "." + s.module());
                    transactionalIds.add(t.value() + "." + s.module() + "-" + t.value() + "-" + s.module() + "-0");
                }
            }

            int decisions = 0;
            List<String> wrong = new ArrayList<>();
            for (KafkaAccess.Principal p : access.principals()) {
                for (String topic : topics) {
                    Set<AclOperation> allowed = withImplied(expectedOnTopic(p.tenant(), p.service(), topic));
                    for (AclOperation op : TOPIC_OPS) {
                        decisions++;
                        check(authorizer, p, ResourceType.TOPIC, topic, op, allowed.contains(op), wrong);
                    }
                }
                for (String group : groups) {
                    boolean own = p.tenant() == null ? group.equals("umbra.he-scoring") : group.equals(p.tenant() + "." + p.service().module());
                    for (AclOperation op : GROUP_OPS) {
                        decisions++;
                        check(authorizer, p, ResourceType.GROUP, group, op, own && op != AclOperation.DELETE, wrong);
                    }
                }
                for (String id : transactionalIds) {
                    boolean own = p.tenant() == null ? id.startsWith("umbra.he-scoring") : id.startsWith(p.tenant() + "." + p.service().module() + "-");
                    for (AclOperation op : TXN_OPS) {
                        decisions++;
                        check(authorizer, p, ResourceType.TRANSACTIONAL_ID, id, op, own, wrong);
                    }
                }
            }
            System.out.println("ACL matrix: " + decisions + " decisions, " + wrong.size() + " differing from the table");
            return wrong;
        }
    }

    /** Kafka's implications: Read, Write, Delete and Alter imply Describe; AlterConfigs implies DescribeConfigs. */
    private static Set<AclOperation> withImplied(Set<AclOperation> granted) {
        Set<AclOperation> out = granted.isEmpty() ? EnumSet.noneOf(AclOperation.class) : EnumSet.copyOf(granted);
        if (granted.stream().anyMatch(o -> o == AclOperation.READ || o == AclOperation.WRITE || o == AclOperation.DELETE
                || o == AclOperation.ALTER)) {
            out.add(AclOperation.DESCRIBE);
        }
        if (granted.contains(AclOperation.ALTER_CONFIGS)) {
            out.add(AclOperation.DESCRIBE_CONFIGS);
        }
        return out;
    }

    private static void check(StandardAuthorizer authorizer, KafkaAccess.Principal p, ResourceType type, String name, AclOperation op,
                              boolean expected, List<String> wrong) {
        Action action = new Action(op, new ResourcePattern(type, name, PatternType.LITERAL), 1, true, true);
        boolean allowed = authorizer.authorize(context(p.name()), List.of(action)).getFirst() == AuthorizationResult.ALLOWED;
        if (allowed != expected) {
            wrong.add(p.name() + " " + op + " " + type + " " + name + ": " + (allowed ? "allowed" : "refused") + ", the table says "
                    + (expected ? "allowed" : "refused"));
        }
    }

    private static final Map<String, AuthorizableRequestContext> CONTEXTS = new LinkedHashMap<>();

    private static AuthorizableRequestContext context(String user) {
        return CONTEXTS.computeIfAbsent(user, u -> new AuthorizableRequestContext() {
            @Override
            public String listenerName() {
                return "SASL_PLAINTEXT";
            }

            @Override
            public SecurityProtocol securityProtocol() {
                return SecurityProtocol.SASL_PLAINTEXT;
            }

            @Override
            public KafkaPrincipal principal() {
                return new KafkaPrincipal(KafkaPrincipal.USER_TYPE, u);
            }

            @Override
            public InetAddress clientAddress() {
                return InetAddress.getLoopbackAddress();
            }

            @Override
            public int requestType() {
                return 0;
            }

            @Override
            public int requestVersion() {
                return 0;
            }

            @Override
            public String clientId() {
                return "acl-matrix";
            }

            @Override
            public int correlationId() {
                return 0;
            }
        });
    }
}
