package io.umbra.traffic;

import io.umbra.events.tx.RawTransaction;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The supply side of the {@link FraudPattern#COMPROMISED_MERCHANT} scenario, for one {@link TrafficGenerator}:
 * which merchants are breached and when ({@link Breach}), which cards their genuine customers expose, and
 * which of those stolen cards is due to be used next. The generator asks it for a usable stolen card when it
 * starts a compromised-merchant episode and plants the fraudulent purchases itself.
 *
 * <p>It draws from its own random stream, so breaches do not reshuffle the rest of the traffic, and its
 * memory is bounded: at most {@value #BREACHES_KEPT} breaches remembered, one waiting entry per card, stale
 * stolen data dropped. Not thread-safe, like its generator.
 */
final class BreachProcess {
    /** Another merchant is breached at most this often (a fraction of the exposure window), so breaches overlap a little. */
    private static final int BREACH_CADENCE_DIVISOR = 4;
    /** Breaches remembered for {@link #breaches()}: at most one per exposure window, so a long run stays small. */
    static final int BREACHES_KEPT = 1_000;

    /** A stolen card and the soonest its data is used: its purchase at the breached merchant plus the delay. */
    private record StolenCard(String cardId, Instant usableFrom, long sequence) {
    }

    private final MerchantCompromise compromise;
    private final List<Cardholder> cardholders;
    private final SplittableRandom random;
    private final Deque<Breach> breaches = new ArrayDeque<>();
    /** The breaches still leaking, each with the cards it exposed (hit or not: a card is exposed once per breach). */
    private final Map<Breach, Set<String>> leaking = new LinkedHashMap<>();
    /** Stolen cards not used yet, the one due first at the head; at most one entry per card. */
    private final PriorityQueue<StolenCard> stolen = new PriorityQueue<>(
            Comparator.comparing(StolenCard::usableFrom).thenComparingLong(StolenCard::sequence));
    private final Set<String> stolenCards = new HashSet<>();
    private long stolenSequence;
    /** Compromised-merchant episodes drawn (used or stood in for) and since when: the fraud ring's demand for cards. */
    private long stolenCardDemand;
    private Instant firstInstant;

    BreachProcess(MerchantCompromise compromise, List<Cardholder> cardholders, SplittableRandom random) {
        this.compromise = compromise;
        this.cardholders = cardholders;
        this.random = random;
    }

    /** The merchants breached so far (the latest {@value #BREACHES_KEPT}), oldest first. */
    List<Breach> breaches() {
        return List.copyOf(breaches);
    }

    /**
     * Keeps card data flowing: a merchant is breached whenever none is leaking, and another one alongside when
     * the stolen cards in hand (usable or not yet) fall short of what compromised-merchant episodes have asked
     * for per unit of time, over the time fresh data takes to become usable (minDelay + spread). At most one new
     * breach per exposure/{@value #BREACH_CADENCE_DIVISOR}. Without this, the supply of cards would depend on
     * how dense the caller's timeline is and how many cardholders share a merchant, and the pattern's share of
     * the fraud rate with it.
     */
    void advance(Instant at) {
        if (firstInstant == null) {
            firstInstant = at;
        }
        MerchantCompromise c = compromise;
        leaking.keySet().removeIf(b -> !at.isBefore(b.exposureEnds()));
        Breach last = breaches.peekLast();
        boolean breach;
        if (leaking.isEmpty()) {
            breach = true;
        } else if (at.isBefore(last.pointOfCompromise().plus(c.exposure().dividedBy(BREACH_CADENCE_DIVISOR)))) {
            breach = false;
        } else {
            double elapsedMillis = Math.max(1, Duration.between(firstInstant, at).toMillis());
            double needed = stolenCardDemand / elapsedMillis * c.minDelay().plus(c.spread()).toMillis();
            breach = stolen.size() < needed;
        }
        if (!breach) {
            return;
        }
        // Popular merchants are the ones worth breaching: the favourite shop of a random cardholder, not one leaking.
        Merchant target = null;
        for (int attempt = 0; attempt < 8 && (target == null || isLeaking(target)); attempt++) {
            target = cardholders.get(random.nextInt(cardholders.size())).usualMerchants().get(0);
        }
        if (isLeaking(target)) {
            return;
        }
        Instant from = at.truncatedTo(ChronoUnit.MILLIS);
        Breach b = new Breach(target, from, from.plus(c.exposure()));
        breaches.addLast(b);
        if (breaches.size() > BREACHES_KEPT) {
            breaches.pollFirst();
        }
        leaking.put(b, new HashSet<>());
    }

    /**
     * A compromised-merchant episode asks for a card: the stolen card due first if it is usable at
     * {@code at} (taken off the list), else null. Either way the demand counts towards future breaches.
     */
    String takeUsableCard(Instant at) {
        stolenCardDemand++;
        dropStale(at);
        StolenCard card = stolen.peek();
        if (card == null || card.usableFrom().isAfter(at)) {
            return null;
        }
        stolen.poll();
        stolenCards.remove(card.cardId());
        return card.cardId();
    }

    /** A genuine payment at a leaking merchant exposes the card; a share of exposed cards is later used. */
    void expose(RawTransaction tx) {
        if (stolenCards.contains(tx.cardId())) {
            return;
        }
        Instant when = tx.timestamp().toInstant();
        for (Map.Entry<Breach, Set<String>> e : leaking.entrySet()) {
            if (!e.getKey().exposes(tx.merchantId(), when) || !e.getValue().add(tx.cardId())) {
                continue;
            }
            MerchantCompromise c = compromise;
            if (random.nextDouble() >= c.hitShare()) {
                return;
            }
            long extraMillis = (long) (random.nextDouble() * c.spread().toMillis());
            Instant usable = when.plus(c.minDelay()).plusMillis(extraMillis);
            stolen.add(new StolenCard(tx.cardId(), usable, stolenSequence++));
            stolenCards.add(tx.cardId());
            return;
        }
    }

    private boolean isLeaking(Merchant m) {
        return leaking.keySet().stream().anyMatch(b -> b.merchant().merchantId().equals(m.merchantId()));
    }

    /**
     * Stolen data nobody used within {@code spread} (at least a day) of becoming usable is dropped: the card was
     * reissued or the data never sold. It bounds both the waiting list and how late a stolen card is used.
     */
    private void dropStale(Instant at) {
        Duration shelfLife = compromise.spread().compareTo(Duration.ofDays(1)) < 0 ? Duration.ofDays(1) : compromise.spread();
        while (!stolen.isEmpty() && stolen.peek().usableFrom().plus(shelfLife).isBefore(at)) {
            stolenCards.remove(stolen.poll().cardId());
        }
    }
}
