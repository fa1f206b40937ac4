package io.umbra.k8s;

import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleBuilder;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResourceBuilder;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The scoring pool's KafkaUser for a set of tenants: the shared ACLs of k8s/provisioned/scoring-pool-user.yaml
 * plus, per tenant, literal ACLs on its three scoring-zone topics. Kafka ACLs cannot say
 * "{@code *.score.requests}", and the Strimzi User Operator owns every ACL of the pool's principal, so
 * the complete list is rendered from the tenant set each time a tenant joins or leaves (see the
 * comment in that file).
 */
public final class ScoringPoolUser {
    static final String FILE = "provisioned/scoring-pool-user.yaml";

    private ScoringPoolUser() {
    }

    /** The pool's KafkaUser granting exactly the scoring-zone topics of {@code tenants} (order does not matter). */
    public static KafkaUser render(Collection<TenantId> tenants) {
        KafkaUser user = (KafkaUser) ManifestParser.parseAll(Manifests.read(FILE), FILE).getFirst();
        KafkaUserAuthorizationSimple authorization = (KafkaUserAuthorizationSimple) user.getSpec().getAuthorization();
        List<AclRule> acls = new ArrayList<>(authorization.getAcls());
        // sorted, so the same tenant set renders the same list and a re-apply changes nothing
        for (String tenant : new TreeSet<>(tenants.stream().map(TenantId::value).toList())) {
            TenantId t = TenantId.of(tenant);
            acls.add(topicAcl(Topics.name(t, TopicKind.SCORE_REQUESTS), AclOperation.READ, AclOperation.DESCRIBE));
            acls.add(topicAcl(Topics.name(t, TopicKind.SCORE_RESULTS), AclOperation.WRITE, AclOperation.DESCRIBE));
            acls.add(topicAcl(Topics.name(t, TopicKind.SCORE_DLQ), AclOperation.WRITE, AclOperation.DESCRIBE));
        }
        authorization.setAcls(acls);
        return user;
    }

    private static AclRule topicAcl(String topic, AclOperation... operations) {
        return new AclRuleBuilder()
                .withResource(new AclRuleTopicResourceBuilder().withName(topic).withPatternType(AclResourcePatternType.LITERAL).build())
                .withOperations(operations)
                .build();
    }
}
