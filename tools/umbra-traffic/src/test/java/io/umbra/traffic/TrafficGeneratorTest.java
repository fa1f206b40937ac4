package io.umbra.traffic;

import io.umbra.events.TenantId;
import io.umbra.events.features.ReferenceRates;
import io.umbra.events.tx.Channel;
import io.umbra.events.tx.RawTransaction;
import io.umbra.events.tx.TransactionValidator;
import io.umbra.events.tx.ValidationResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrafficGeneratorTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final Instant START = Instant.parse("2026-03-14T09:30:00Z");

    /** {@code n} transactions, one every {@code step}, from START. */
    private static List<LabelledTransaction> generate(TrafficGenerator g, int n, Duration step) {
        List<LabelledTransaction> out = new ArrayList<>(n);
        Instant at = START;
        for (int i = 0; i < n; i++) {
            out.add(g.next(at));
            at = at.plus(step);
        }
        return out;
    }

    @Test
    void theSameSeedGivesTheSameTransactionsByteForByteAndTheSameLabels() {
        TrafficProfile profile = TrafficProfile.of(ACME).withFraudRate(0.05);
        // one every 20 s: 30,000 span about a week, long enough for stolen cards to be used
        TrafficGenerator ga = new TrafficGenerator(profile, 42);
        TrafficGenerator gb = new TrafficGenerator(profile, 42);
        List<LabelledTransaction> a = generate(ga, 30_000, Duration.ofSeconds(20));
        List<LabelledTransaction> b = generate(gb, 30_000, Duration.ofSeconds(20));
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).payload(), b.get(i).payload(), "transaction " + i);
            assertEquals(a.get(i).fraud(), b.get(i).fraud(), "label " + i);
        }
        assertEquals(Set.of(FraudPattern.values()), a.stream().map(LabelledTransaction::fraud).filter(p -> p != null)
                .collect(java.util.stream.Collectors.toSet()), "every pattern, compromised merchant included");
        assertEquals(ga.breaches(), gb.breaches(), "the same merchants breached at the same instants");
        List<LabelledTransaction> c = generate(new TrafficGenerator(profile, 43), 30_000, Duration.ofSeconds(20));
        assertNotEquals(a.get(0).transaction().cardId(), c.get(0).transaction().cardId());
        long sameIds = a.stream().map(t -> t.transaction().transactionId())
                .filter(new HashSet<>(c.stream().map(t -> t.transaction().transactionId()).toList())::contains).count();
        assertEquals(0, sameIds, "another seed, other transaction ids");
    }

    @Test
    void everyTransactionPassesTheValidatorTheIngestServiceRuns() {
        TrafficGenerator g = new TrafficGenerator(TrafficProfile.of(ACME).withFraudRate(0.05), 7);
        Instant at = START;
        Set<String> ids = new HashSet<>();
        Set<Channel> channels = new HashSet<>();
        Set<String> currencies = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            LabelledTransaction tx = g.next(at);
            // The ingest-service's clock is "now" when the record arrives: the instant it was generated for.
            TransactionValidator validator = new TransactionValidator(Clock.fixed(at, ZoneOffset.UTC));
            ValidationResult result = validator.validate(tx.payload());
            assertTrue(result instanceof ValidationResult.Valid,
                    () -> result + " for " + new String(tx.payload(), StandardCharsets.UTF_8));
            assertEquals(tx.transaction(), ((ValidationResult.Valid) result).transaction());
            assertTrue(ids.add(tx.transaction().transactionId()), "transaction ids are unique");
            channels.add(tx.transaction().channel());
            currencies.add(tx.transaction().currency());
            at = at.plusMillis(173);   // about an hour of traffic: many local hours
        }
        assertEquals(Set.of(Channel.values()), channels);
        assertTrue(currencies.size() >= 3, "holidays and frauds abroad pay in other currencies: " + currencies);
    }

    @Test
    void theLabelStaysBesideTheRecordAndNeverGoesIntoTheJson() {
        TrafficGenerator g = new TrafficGenerator(TrafficProfile.of(ACME).withFraudRate(0.5), 3);
        LabelledTransaction fraud = generate(g, 200, Duration.ofSeconds(1)).stream().filter(LabelledTransaction::isFraud)
                .findFirst().orElseThrow();
        String json = new String(fraud.payload(), StandardCharsets.UTF_8);
        for (FraudPattern p : FraudPattern.values()) {
            assertFalse(json.contains(p.name()), json);
        }
        assertFalse(json.toLowerCase().contains("fraud"), json);
        assertFalse(json.toLowerCase().contains("label"), json);
        assertEquals(fraud.transaction().cardId(), fraud.key());
    }

    @Test
    void theDefaultFraudRateIsHalfAPercentOfTransactions() {
        TrafficGenerator g = new TrafficGenerator(TrafficProfile.of(ACME), 11);
        List<LabelledTransaction> txs = generate(g, 200_000, Duration.ofMillis(5));
        long frauds = txs.stream().filter(LabelledTransaction::isFraud).count();
        assertEquals(frauds, g.frauds());
        double rate = frauds / 200_000.0;
        // about 370 episodes of ~2.7 frauds: a few percent of sampling noise, well within ±25 %
        assertTrue(rate > 0.00375 && rate < 0.00625, "fraud rate " + rate);
        // 200,000 transactions 5 ms apart are 17 minutes: no stolen card is usable yet (2 days at the soonest), and
        // compromised-merchant episodes are account takeovers meanwhile, which is why the rate above still holds
        assertEquals(0, txs.stream().filter(t -> t.fraud() == FraudPattern.COMPROMISED_MERCHANT).count());
        assertEquals(1, g.breaches().size(), "the first breach is still leaking");
    }

    @Test
    void aConfiguredFraudRateIsKeptAndEveryPatternOccurs() {
        for (double configured : new double[] {0.0, 0.02, 0.1}) {
            TrafficGenerator g = new TrafficGenerator(TrafficProfile.of(ACME).withFraudRate(configured), 5);
            // one every 15 s (as training does): 60,000 span 10 days, so stolen cards come into use
            List<LabelledTransaction> txs = generate(g, 60_000, Duration.ofSeconds(15));
            Map<FraudPattern, Integer> byPattern = new EnumMap<>(FraudPattern.class);
            txs.stream().filter(LabelledTransaction::isFraud).forEach(t -> byPattern.merge(t.fraud(), 1, Integer::sum));
            double rate = byPattern.values().stream().mapToInt(Integer::intValue).sum() / 60_000.0;
            assertEquals(configured, rate, configured * 0.12 + 1e-9, "configured " + configured);
            if (configured > 0) {
                assertEquals(Set.of(FraudPattern.values()), byPattern.keySet(), "all five patterns planted");
            }
        }
    }

    @Test
    void plantedFraudsLookLikeTheirPattern() {
        TrafficGenerator g = new TrafficGenerator(TrafficProfile.of(ACME).withFraudRate(0.2), 19);
        ReferenceRates eur = ReferenceRates.of("EUR", Map.of("GBP", 1.18, "CHF", 1.06, "PLN", 0.23, "USD", 0.93,
                "JPY", 0.00625, "SGD", 0.69, "BRL", 0.17));
        // one a minute: two weeks, so that cards stolen at breached merchants are used
        List<LabelledTransaction> txs = generate(g, 20_000, Duration.ofMinutes(1));
        Map<FraudPattern, Integer> checked = new EnumMap<>(FraudPattern.class);
        for (int i = 0; i < txs.size(); i++) {
            LabelledTransaction lt = txs.get(i);
            if (!lt.isFraud()) {
                continue;
            }
            RawTransaction tx = lt.transaction();
            Cardholder holder = g.cardholder(tx.cardId());
            double euros = eur.toReference(tx.amountMinor(), tx.currency());
            switch (lt.fraud()) {
                case CARD_TESTING -> {
                    assertEquals(Channel.ECOM, tx.channel());
                    assertTrue(euros >= 0.4 && euros <= 3.5, "tiny amount: " + euros);
                    assertNotEquals(holder.deviceId(), tx.deviceId(), "a device the cardholder never used");
                }
                case ACCOUNT_TAKEOVER -> {
                    assertEquals(Channel.ECOM, tx.channel());
                    assertTrue(euros >= 14 * holder.spendingLevel(), euros + " vs level " + holder.spendingLevel());
                    assertNotEquals(holder.deviceId(), tx.deviceId());
                }
                case IMPOSSIBLE_TRAVEL -> {
                    // right after a genuine card-present or online payment at home, now far away, card present
                    RawTransaction before = txs.get(i - 1).transaction();
                    assertFalse(txs.get(i - 1).isFraud());
                    assertEquals(tx.cardId(), before.cardId());
                    assertTrue(Country.of(before.country()).distanceKm(Country.of(tx.country())) > 3_000);
                    assertNotEquals(Channel.ECOM, tx.channel());
                    assertTrue(tx.hasCoordinates());
                }
                case NIGHT_SPEND_SPIKE -> {
                    int hour = tx.timestamp().getHour();
                    assertTrue(hour >= 1 && hour < 5, "local hour " + hour);
                    assertFalse(holder.paysAtNight(), "the victim never pays at night");
                    assertTrue(euros >= 5.9 * holder.spendingLevel(), euros + " vs level " + holder.spendingLevel());
                }
                case COMPROMISED_MERCHANT -> {
                    assertEquals(Channel.ECOM, tx.channel(), "card not present");
                    assertNotEquals(holder.deviceId(), tx.deviceId());
                    assertTrue(holder.usualMerchants().stream().noneMatch(m -> m.merchantId().equals(tx.merchantId())));
                    assertTrue(euros >= 3.9 * holder.spendingLevel(), euros + " vs level " + holder.spendingLevel());
                }
            }
            checked.merge(lt.fraud(), 1, Integer::sum);
        }
        assertEquals(Set.of(FraudPattern.values()), checked.keySet());
    }

    @Test
    void genuineCardholdersKeepTheirHabitsDuringTheDay() {
        TrafficGenerator g = new TrafficGenerator(TrafficProfile.of(ACME).withFraudRate(0), 23);
        List<LabelledTransaction> txs = generate(g, 30_000, Duration.ofMillis(200));
        long atUsualMerchant = 0;
        long daytimeHolderAtNight = 0;
        long domestic = 0;
        for (LabelledTransaction lt : txs) {
            RawTransaction tx = lt.transaction();
            Cardholder holder = g.cardholder(tx.cardId());
            if (holder.usualMerchants().stream().anyMatch(m -> m.merchantId().equals(tx.merchantId()))) {
                atUsualMerchant++;
            }
            if (tx.country().equals(holder.home().code())) {
                domestic++;
            }
            if (!holder.activeAt(tx.timestamp().atZoneSameInstant(holder.home().zone()).getHour())) {
                daytimeHolderAtNight++;
            }
            if (tx.channel() == Channel.ECOM) {
                assertEquals(holder.deviceId(), tx.deviceId(), "genuine online payments come from the cardholder's device");
            }
        }
        assertTrue(atUsualMerchant > 0.85 * txs.size(), "usual merchants: " + atUsualMerchant);
        assertTrue(domestic > 0.95 * txs.size(), "at home: " + domestic);
        assertTrue(daytimeHolderAtNight < 0.05 * txs.size(), "outside their hours: " + daytimeHolderAtNight);
    }

    @Test
    void stolenCardsAreUsedOnlineDaysAfterAGenuinePurchaseAtABreachedMerchant() {
        // A configured delay of 3 days (not the default 2), 2-day windows, half the exposed cards hit.
        MerchantCompromise compromise = MerchantCompromise.DEFAULT.withExposure(Duration.ofDays(2)).withMinDelay(Duration.ofDays(3))
                .withSpread(Duration.ofDays(4)).withHitShare(0.5);
        TrafficGenerator g = new TrafficGenerator(TrafficProfile.of(ACME).withFraudRate(0.01).withCompromise(compromise), 31);
        Duration step = Duration.ofSeconds(15);
        List<LabelledTransaction> txs = generate(g, 120_000, step);   // about 21 days
        List<Breach> breaches = g.breaches();
        assertTrue(breaches.size() >= 2, "breaches follow one another: " + breaches);
        for (Breach b : breaches) {
            assertEquals(compromise.exposure(), Duration.between(b.pointOfCompromise(), b.exposureEnds()));
        }
        ReferenceRates eur = ReferenceRates.of("EUR", Map.of("GBP", 1.18, "CHF", 1.06, "PLN", 0.23, "USD", 0.93,
                "JPY", 0.00625, "SGD", 0.69, "BRL", 0.17));
        // each card's genuine purchases at a merchant while it was breached, and when
        Map<String, List<Instant>> exposedAt = new java.util.HashMap<>();
        Set<String> hitCards = new HashSet<>();
        Set<java.time.LocalDate> fraudDays = new HashSet<>();
        int frauds = 0;
        int abroad = 0;
        Instant at = START;
        for (LabelledTransaction lt : txs) {
            RawTransaction tx = lt.transaction();
            Instant when = tx.timestamp().toInstant();
            // a compromised-merchant fraud is as valid a record as any other
            assertTrue(new TransactionValidator(Clock.fixed(at, ZoneOffset.UTC)).validate(lt.payload()) instanceof ValidationResult.Valid);
            at = at.plus(step);
            if (!lt.isFraud() && breaches.stream().anyMatch(b -> b.exposes(tx.merchantId(), when))) {
                exposedAt.computeIfAbsent(tx.cardId(), k -> new ArrayList<>()).add(when);
            }
            if (lt.fraud() != FraudPattern.COMPROMISED_MERCHANT) {
                continue;
            }
            frauds++;
            hitCards.add(tx.cardId());
            fraudDays.add(when.atZone(ZoneOffset.UTC).toLocalDate());
            Cardholder holder = g.cardholder(tx.cardId());
            List<Instant> exposures = exposedAt.getOrDefault(tx.cardId(), List.of());
            assertTrue(exposures.stream().anyMatch(e -> !e.plus(compromise.minDelay()).isAfter(when)),
                    "fraud on " + tx.cardId() + " at " + when + " follows a genuine purchase at a breached merchant by at least "
                            + compromise.minDelay() + "; its purchases there: " + exposures);
            assertEquals(Channel.ECOM, tx.channel());
            assertNotEquals(holder.deviceId(), tx.deviceId(), "a device the cardholder never used");
            assertTrue(breaches.stream().noneMatch(b -> b.merchant().merchantId().equals(tx.merchantId())), "used elsewhere");
            double euros = eur.toReference(tx.amountMinor(), tx.currency());
            assertTrue(euros >= 3.9 * holder.spendingLevel(), euros + " vs level " + holder.spendingLevel());
            if (!tx.country().equals(holder.home().code())) {
                abroad++;
            }
        }
        System.out.printf("compromised merchant: %d breaches, %d cards exposed, %d hit, %d frauds on %d days, %d abroad%n",
                breaches.size(), exposedAt.size(), hitCards.size(), frauds, fraudDays.size(), abroad);
        assertTrue(frauds >= 60, "stolen-card frauds planted: " + frauds);
        assertTrue(hitCards.size() < exposedAt.size(), "only a share of the exposed cards is hit");
        assertTrue(fraudDays.size() >= 10, "spread over the days, not one burst: " + fraudDays);
        assertTrue(abroad > 0.4 * frauds && abroad < 0.8 * frauds, "often abroad: " + abroad + " of " + frauds);
    }

    @Test
    void compromisedMerchantFraudsTakeTheirShareOfTheConfiguredRate() {
        // Five patterns, equally likely episodes; mean frauds per episode 5.5, 2, 1, 3 and 2: compromised merchant is
        // 2 / 13.5 of the fraudulent transactions once stolen cards are usable (after 2 days of 35 here).
        for (double configured : new double[] {0.005, 0.01}) {
            TrafficGenerator g = new TrafficGenerator(TrafficProfile.of(ACME).withCardholders(20_000).withFraudRate(configured), 13);
            List<LabelledTransaction> txs = generate(g, 200_000, Duration.ofSeconds(15));
            long all = txs.stream().filter(LabelledTransaction::isFraud).count();
            long stolen = txs.stream().filter(t -> t.fraud() == FraudPattern.COMPROMISED_MERCHANT).count();
            double expected = configured * 2 / 13.5;
            System.out.printf("rate %.3f: frauds %.5f, compromised merchant %.5f (expected %.5f), %d breaches%n", configured,
                    all / 200_000.0, stolen / 200_000.0, expected, g.breaches().size());
            assertEquals(configured, all / 200_000.0, configured * 0.12, "overall rate");
            assertTrue(stolen / 200_000.0 > 0.65 * expected && stolen / 200_000.0 < 1.3 * expected,
                    "compromised merchant rate " + stolen / 200_000.0 + " vs " + expected);
        }
    }
}
