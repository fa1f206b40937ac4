package io.umbra.k8s;

import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.umbra.events.TenantId;
import io.umbra.events.TenantTopic;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scoring pool reads each tenant's score.requests and writes its results and dead letters: nothing more. */
class ScoringPoolUserTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId ACME_EU = TenantId.of("acme-eu");

    @Test
    void thePoolGetsLiteralAclsOnExactlyTheScoringZoneTopicsOfEachTenant() {
        KafkaUser user = ScoringPoolUser.render(List.of(ACME_EU, ACME));
        ManifestParser.parse(ManifestParser.toTree(user), "rendered pool user"); // still strict-valid
        Map<String, List<AclOperation>> topicAcls = topicAcls(user);
        for (TenantId t : List.of(ACME, ACME_EU)) {
            assertEquals(List.of(AclOperation.READ, AclOperation.DESCRIBE), topicAcls.get(Topics.name(t, TopicKind.SCORE_REQUESTS)));
            assertEquals(List.of(AclOperation.WRITE, AclOperation.DESCRIBE), topicAcls.get(Topics.name(t, TopicKind.SCORE_RESULTS)));
            assertEquals(List.of(AclOperation.WRITE, AclOperation.DESCRIBE), topicAcls.get(Topics.name(t, TopicKind.SCORE_DLQ)));
        }
        for (String topic : topicAcls.keySet()) {
            if (!topic.equals(Topics.PUBLIC_KEYS)) {
                TenantTopic parsed = Topics.parse(topic);
                assertTrue(parsed.kind().scoringZone(), topic + ": the pool must never see a bank-zone (plaintext) topic");
            }
        }
        assertEquals(1 + 3 * 2, topicAcls.size());
        for (AclRule rule : acls(user)) {
            if (rule.getResource() instanceof AclRuleTopicResource r) {
                assertEquals(AclResourcePatternType.LITERAL, r.getPatternType(), r.getName() + ": no topic prefix for the pool");
            }
        }
    }

    @Test
    void theSameTenantSetRendersTheSameListInAnyOrder() {
        assertEquals(ManifestParser.toTree(ScoringPoolUser.render(List.of(ACME, ACME_EU))),
                ManifestParser.toTree(ScoringPoolUser.render(List.of(ACME_EU, ACME))));
    }

    private static List<AclRule> acls(KafkaUser user) {
        return ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls();
    }

    private static Map<String, List<AclOperation>> topicAcls(KafkaUser user) {
        return acls(user).stream().filter(r -> r.getResource() instanceof AclRuleTopicResource)
                .collect(Collectors.toMap(r -> ((AclRuleTopicResource) r.getResource()).getName(), AclRule::getOperations));
    }
}
