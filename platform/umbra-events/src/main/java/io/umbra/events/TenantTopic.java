package io.umbra.events;

import java.util.Objects;

/** A per-tenant topic: whose it is and what it carries. {@link #name()} is the Kafka topic name. */
public record TenantTopic(TenantId tenant, TopicKind kind) {
    public TenantTopic {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(kind, "kind");
    }

    public String name() {
        return tenant.value() + '.' + kind.suffix();
    }

    @Override
    public String toString() {
        return name();
    }
}
