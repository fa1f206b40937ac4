package io.umbra.load;

import io.umbra.events.EventJson;
import io.umbra.events.TenantId;
import io.umbra.events.tx.RawTransaction;
import io.umbra.traffic.TrafficGenerator;
import io.umbra.traffic.TrafficProfile;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's transactions from umbra-traffic's generator, one per tenant seeded from the run's seed, so
 * the same seed offers the pipeline the same cards, merchants and amounts. Only the transaction id is
 * replaced: the harness recognises a score by it.
 */
public final class GeneratedTraffic implements TransactionSource {
    private final Map<String, TrafficGenerator> generators = new HashMap<>();

    public GeneratedTraffic(List<String> tenants, long seed) {
        int i = 0;
        for (String t : tenants) {
            // distinct populations per tenant, each fixed by the seed
            generators.put(t, new TrafficGenerator(TrafficProfile.of(TenantId.of(t)), seed * 31 + i++));
        }
    }

    @Override
    public Outgoing next(String tenant, String transactionId, Instant at) {
        TrafficGenerator g = generators.get(tenant);
        if (g == null) {
            throw new IllegalArgumentException("no traffic for tenant " + tenant);
        }
        RawTransaction t = g.next(at).transaction();
        RawTransaction ours = new RawTransaction(t.schemaVersion(), transactionId, t.cardId(), t.amountMinor(), t.currency(),
                t.merchantId(), t.mcc(), t.country(), t.channel(), t.timestamp(), t.cardCountry(), t.deviceId(), t.latitude(),
                t.longitude());
        return new Outgoing(ours.cardId(), EventJson.write(ours));
    }
}
