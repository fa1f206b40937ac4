package io.umbra.local;

import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import io.umbra.events.TenantId;
import io.umbra.k8s.ScoringPoolUser;
import io.umbra.k8s.TenantOverlay;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who may do what on the secured local broker: production's Kafka identities and ACLs, taken from the
 * Strimzi {@code KafkaUser}s that umbra-k8s renders (k8s/tenant-template/kafka-users.yaml per tenant,
 * k8s/provisioned/scoring-pool-user.yaml with {@link ScoringPoolUser}'s per-tenant grants for the pool) and
 * translated into Kafka's own {@link AclBinding}s. The rules are written once, in k8s/; the local run
 * proves them on a real broker with the real services instead of restating them.
 *
 * <p>One principal per service instance kind, named as the KafkaUser is ({@code User:<name>}, as Strimzi
 * names SCRAM users): {@code <t>.ingest-service}, {@code <t>.encrypt-service}, {@code <t>.key-service},
 * {@code <t>.alert-service} for each tenant, and {@code umbra-he-scoring} for the shared pool. A tenant's
 * principals hold prefix ACLs on {@code <t>.} (topics, consumer groups, transactional ids) and nothing
 * of another tenant; the pool holds literal ACLs on each tenant's three scoring-zone topics, because
 * Kafka cannot express {@code *.score.requests} and a wildcard would open the plaintext topics.
 */
public final class KafkaAccess {
    /** The label of a KafkaUser that names the service using it (the Maven module, e.g. {@code ingest-service}). */
    static final String SERVICE_LABEL = "app.kubernetes.io/name";

    /**
     * One Kafka identity: its SCRAM user name, the tenant it belongs to ({@code null} for the shared scoring
     * pool), the service that logs in with it, and everything it is allowed.
     */
    public record Principal(String name, TenantId tenant, Service service, List<AclBinding> acls) {
        public Principal {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(service, "service");
            acls = List.copyOf(acls);
        }

        /** {@code User:<name>}, as ACLs and the broker's logs name it. */
        public String kafkaPrincipal() {
            return "User:" + name;
        }
    }

    private final List<TenantId> tenants;
    private final Map<String, Principal> principals;

    private KafkaAccess(List<TenantId> tenants, Map<String, Principal> principals) {
        this.tenants = List.copyOf(tenants);
        this.principals = principals;
    }

    /** The principals and ACLs of a deployment with exactly these tenants. */
    public static KafkaAccess forTenants(List<TenantId> tenants) {
        Map<String, Principal> out = new LinkedHashMap<>();
        for (TenantId t : tenants) {
            for (KafkaUser user : TenantOverlay.render(t).resources(KafkaUser.class)) {
                if (TenantOverlay.BANK_PRODUCER.equals(user.getMetadata().getLabels().get(SERVICE_LABEL))) {
                    // the bank's own producer, outside Umbra: no process of the local run logs in as it
                    continue;
                }
                add(out, user, t);
            }
        }
        add(out, ScoringPoolUser.render(tenants), null);
        KafkaAccess access = new KafkaAccess(tenants, out);
        // every process the local run starts must find its identity, or it would be refused at its first request
        for (Service s : Service.values()) {
            for (TenantId t : s.perTenant() ? tenants : java.util.Collections.<TenantId>singletonList(null)) {
                access.principal(t, s);
            }
        }
        return access;
    }

    private static void add(Map<String, Principal> out, KafkaUser user, TenantId tenant) {
        String name = user.getMetadata().getName();
        String module = user.getMetadata().getLabels() == null ? null : user.getMetadata().getLabels().get(SERVICE_LABEL);
        if (module == null) {
            throw new IllegalStateException("KafkaUser " + name + " has no label " + SERVICE_LABEL + ": which service uses it?");
        }
        if (!(user.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple simple)) {
            throw new IllegalStateException("KafkaUser " + name + " does not use simple (ACL) authorization");
        }
        List<AclBinding> acls = new ArrayList<>();
        for (AclRule rule : simple.getAcls()) {
            acls.addAll(translate("User:" + name, rule, name));
        }
        if (out.put(name, new Principal(name, tenant, Service.ofModule(module), acls)) != null) {
            throw new IllegalStateException("two KafkaUsers named " + name);
        }
    }

    /** Strimzi's rule (one resource, several operations) as Kafka's bindings (one per operation). */
    static List<AclBinding> translate(String principal, AclRule rule, String user) {
        ResourcePattern pattern = switch (rule.getResource()) {
            case AclRuleTopicResource r -> new ResourcePattern(ResourceType.TOPIC, r.getName(), patternType(r.getPatternType()));
            case AclRuleGroupResource r -> new ResourcePattern(ResourceType.GROUP, r.getName(), patternType(r.getPatternType()));
            case AclRuleTransactionalIdResource r ->
                    new ResourcePattern(ResourceType.TRANSACTIONAL_ID, r.getName(), patternType(r.getPatternType()));
            case AclRuleClusterResource r -> new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
            default -> throw new IllegalStateException("KafkaUser " + user + ": unsupported ACL resource " + rule.getResource());
        };
        List<io.strimzi.api.kafka.model.user.acl.AclOperation> operations = new ArrayList<>();
        if (rule.getOperations() != null) {
            operations.addAll(rule.getOperations());
        }
        if (rule.getOperation() != null) {
            operations.add(rule.getOperation());
        }
        if (operations.isEmpty()) {
            throw new IllegalStateException("KafkaUser " + user + ": an ACL rule on " + pattern + " without operations");
        }
        String host = rule.getHost() == null ? "*" : rule.getHost();
        AclPermissionType permission = rule.getType() == AclRuleType.DENY ? AclPermissionType.DENY : AclPermissionType.ALLOW;
        List<AclBinding> out = new ArrayList<>();
        for (var op : operations) {
            out.add(new AclBinding(pattern, new AccessControlEntry(principal, host, operation(op), permission)));
        }
        return out;
    }

    private static PatternType patternType(AclResourcePatternType type) {
        // Strimzi's default, as its User Operator applies it
        return type == AclResourcePatternType.PREFIX ? PatternType.PREFIXED : PatternType.LITERAL;
    }

    private static AclOperation operation(io.strimzi.api.kafka.model.user.acl.AclOperation op) {
        return switch (op) {
            case READ -> AclOperation.READ;
            case WRITE -> AclOperation.WRITE;
            case CREATE -> AclOperation.CREATE;
            case DELETE -> AclOperation.DELETE;
            case ALTER -> AclOperation.ALTER;
            case DESCRIBE -> AclOperation.DESCRIBE;
            case CLUSTERACTION -> AclOperation.CLUSTER_ACTION;
            case ALTERCONFIGS -> AclOperation.ALTER_CONFIGS;
            case DESCRIBECONFIGS -> AclOperation.DESCRIBE_CONFIGS;
            case IDEMPOTENTWRITE -> AclOperation.IDEMPOTENT_WRITE;
            case ALL -> AclOperation.ALL;
        };
    }

    public List<TenantId> tenants() {
        return tenants;
    }

    /** Every principal, the tenants' first (in tenant and template order), the scoring pool's last. */
    public List<Principal> principals() {
        return List.copyOf(principals.values());
    }

    /** The identity {@code service} of {@code tenant} logs in with ({@code tenant} is ignored for the shared scoring pool). */
    public Principal principal(TenantId tenant, Service service) {
        TenantId owner = service.perTenant() ? Objects.requireNonNull(tenant, "tenant") : null;
        for (Principal p : principals.values()) {
            if (p.service() == service && Objects.equals(p.tenant(), owner)) {
                return p;
            }
        }
        throw new IllegalStateException("no KafkaUser for " + service.module() + (owner == null ? "" : " of tenant " + owner)
                + " in the rendered manifests (k8s/tenant-template/kafka-users.yaml, k8s/provisioned/scoring-pool-user.yaml)");
    }

    /** Every ACL binding of every principal. */
    public List<AclBinding> acls() {
        return principals.values().stream().flatMap(p -> p.acls().stream()).toList();
    }

    /**
     * Makes the broker's ACLs exactly {@link #acls()} (a kept broker may hold those of tenants
     * no longer in the run) and waits until the broker authorizes with them: it reads ACLs from its
     * metadata image, a moment behind the controller's commit.
     */
    void grantExactly(org.apache.kafka.clients.admin.Admin admin) {
        Set<AclBinding> wanted = new LinkedHashSet<>(acls());
        try {
            admin.createAcls(wanted).all().get(30, TimeUnit.SECONDS);
            List<AclBindingFilter> stale = new ArrayList<>();
            for (AclBinding b : admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS)) {
                if (!wanted.contains(b)) {
                    stale.add(b.toFilter());
                }
            }
            if (!stale.isEmpty()) {
                admin.deleteAcls(stale).all().get(30, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Set.copyOf(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS)).equals(wanted)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not show the " + wanted.size() + " ACLs of this run within 30 s");
                }
                Thread.sleep(20);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not set the broker's ACLs: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting the broker's ACLs", e);
        }
    }
}
