package io.umbra.cli.local;

import io.umbra.events.TenantId;
import io.umbra.events.score.Alert;
import io.umbra.events.score.Score;
import io.umbra.traffic.FraudPattern;
import io.umbra.traffic.LabelledTransaction;
import io.umbra.events.tx.RawTransaction;
import io.umbra.traffic.TrafficGenerator;
import io.umbra.traffic.TrafficProfile;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The local run's summary counts only what its own generator sent: recall and precision on the planted frauds. */
class TenantTallyTest {
    static final TenantId ACME = TenantId.of("acme");

    static Score score(RawTransaction tx, double p) {
        Instant t = tx.timestamp().toInstant();
        return new Score(ACME, tx.transactionId(), tx.cardId(), tx.amountMinor(), tx.currency(), tx.merchantId(), p,
                Math.log(p / (1 - p)), "umbra-tx-network", 1, t, t, t, t.plusMillis(300));
    }

    @Test
    void recallAndPrecisionCountOnlyThisRunsTransactions() {
        TrafficGenerator ours = new TrafficGenerator(TrafficProfile.of(ACME).withFraudRate(0.05), 11);
        TrafficGenerator theirs = new TrafficGenerator(TrafficProfile.of(ACME).withFraudRate(0.05), 12);
        TenantTally tally = new TenantTally();
        Instant at = Instant.now().minusSeconds(60);
        List<LabelledTransaction> sent = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            LabelledTransaction tx = ours.next(at.plusMillis(5L * i));
            tally.sent(tx);
            sent.add(tx);
        }
        long frauds = sent.stream().filter(LabelledTransaction::isFraud).count();
        // every transaction comes back; the first 90 % of the frauds and 4 genuine ones are alerted
        long fraudsAlerted = 0;
        long genuineAlerted = 0;
        long f = 0;
        for (LabelledTransaction tx : sent) {
            Score s = score(tx.transaction(), tx.isFraud() ? 0.9 : 0.1);
            tally.scored(s);
            boolean alert = tx.isFraud() ? f++ < frauds * 9 / 10 : genuineAlerted < 4;
            if (alert) {
                tally.alerted(Alert.open(s, "model-umbra-tx-network-v1", s.decryptedAt()));
                tally.alerted(Alert.open(s, "model-umbra-tx-network-v1", s.decryptedAt())); // a duplicate delivery counts once for frauds
                if (tx.isFraud()) {
                    fraudsAlerted++;
                } else {
                    genuineAlerted++;
                }
            }
        }
        // another producer's traffic on the same topics: 37 alerts, frauds or not, none of them ours
        for (int i = 0; i < 37; i++) {
            Score s = score(theirs.next(at.plusMillis(7L * i)).transaction(), 0.95);
            tally.scored(s);
            tally.alerted(Alert.open(s, "model-umbra-tx-network-v1", s.decryptedAt()));
        }
        assertEquals(frauds, tally.plantedSent());
        assertEquals(frauds, tally.plantedScored());
        assertEquals(fraudsAlerted, tally.plantedAlerted());
        assertEquals(2 * genuineAlerted, tally.genuineAlerted()); // each genuine alert was delivered twice
        assertEquals(37, tally.foreignAlerted());
        assertEquals(37, tally.foreignScored());
        assertEquals((double) fraudsAlerted / frauds, tally.recall(), 1e-12);
        assertEquals((double) fraudsAlerted / (fraudsAlerted + 2 * genuineAlerted), tally.precision(), 1e-12);
        long byPattern = 0;
        for (FraudPattern p : FraudPattern.values()) {
            assertEquals(sent.stream().filter(t -> t.fraud() == p).count(), tally.sent(p), p.name());
            assertEquals(tally.sent(p), tally.scored(p), p.name());
            byPattern += tally.alerted(p);
        }
        assertEquals(fraudsAlerted, byPattern);
        assertEquals(310, tally.latencyMillis(0.5)); // 300 ms, own genuine only, in 10 ms buckets
    }

    @Test
    void genuineIdsAreForgottenAfterTheirMemorySoAScoreThatLateIsNotCountedAsOurs() {
        AtomicLong now = new AtomicLong();
        TenantTally tally = new TenantTally(now::get);
        TrafficGenerator ours = new TrafficGenerator(TrafficProfile.of(ACME).withFraudRate(0.0001), 3);
        Instant at = Instant.now().minusSeconds(60);
        LabelledTransaction early = ours.next(at);
        tally.sent(early);
        now.addAndGet(TenantTally.GENUINE_MEMORY.toNanos() + 1);
        tally.sent(ours.next(at.plusSeconds(1))); // triggers the pruning
        tally.scored(score(early.transaction(), 0.1));
        assertEquals(1, tally.foreignScored());
        assertEquals(Double.NaN, tally.precision());
    }

    @Test
    void aNewUuidIsNeverOurs() {
        TenantTally tally = new TenantTally();
        TrafficGenerator ours = new TrafficGenerator(TrafficProfile.of(ACME), 5);
        LabelledTransaction tx = ours.next(Instant.now());
        tally.sent(tx);
        RawTransaction r = tx.transaction();
        Score s = new Score(ACME, UUID.randomUUID().toString(), r.cardId(), r.amountMinor(), r.currency(), r.merchantId(), 0.99, 4.6,
                "m", 1, Instant.now(), Instant.now(), Instant.now(), Instant.now());
        tally.alerted(Alert.open(s, "r", Instant.now()));
        assertEquals(1, tally.foreignAlerted());
        assertEquals(0, tally.genuineAlerted());
    }
}
