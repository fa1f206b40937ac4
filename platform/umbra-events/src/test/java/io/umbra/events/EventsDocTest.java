package io.umbra.events;

import io.umbra.events.envelope.EnvelopeLimits;
import io.umbra.events.features.FeatureSchema;
import io.umbra.events.tx.ReasonCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/EVENTS.md says what the code does: examples, reason codes, feature order, topics, limits. */
class EventsDocTest {
    static final String DOC = Examples.eventsDoc();

    @Test
    void showsTheExamplesVerbatim() {
        for (String name : Examples.NAMES) {
            assertTrue(DOC.contains("```json\n" + Examples.text(name).strip() + "\n```"), name + " differs from docs/EVENTS.md");
        }
    }

    @Test
    void documentsEveryReasonCode() {
        for (ReasonCode code : ReasonCode.values()) {
            assertTrue(DOC.contains("| `" + code.name() + "` |"), code + " has no row in docs/EVENTS.md");
        }
    }

    @Test
    void listsTheFeaturesInSchemaOrder() {
        Matcher m = Pattern.compile("(?m)^\\| (\\d+) \\| `([a-z][a-z0-9_]*)` \\|").matcher(DOC);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            assertEquals(names.size(), Integer.parseInt(m.group(1)));
            names.add(m.group(2));
        }
        // The table lists V3, whose first 27 rows are V2 and whose first 15 are V1 (the default, current schema), unchanged.
        assertEquals(FeatureSchema.V3.names(), names);
        assertEquals(FeatureSchema.V2.names(), names.subList(0, FeatureSchema.V2.dimension()));
        assertEquals(FeatureSchema.current().names(), names.subList(0, FeatureSchema.current().dimension()));
    }

    @Test
    void namesEveryTopicAndTheLimits() {
        for (TopicKind kind : TopicKind.values()) {
            assertTrue(DOC.contains("`<t>." + kind.suffix() + "`"), kind + " missing from the topic table");
        }
        assertTrue(DOC.contains("`" + Topics.PUBLIC_KEYS + "`"));
        assertTrue(DOC.contains(String.format("%,d", Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES)));
        assertEquals(8 << 20, EnvelopeLimits.DEFAULT.maxEnvelopeBytes());
        assertTrue(DOC.contains("magic `UMBE` (`55 4D 42 45`)"));
    }
}
