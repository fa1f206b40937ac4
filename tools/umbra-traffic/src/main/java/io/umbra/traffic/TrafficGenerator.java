package io.umbra.traffic;

import io.umbra.events.tx.Channel;
import io.umbra.events.tx.RawTransaction;
import io.umbra.events.tx.TransactionValidator;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Function;

/**
 * One tenant's card traffic, deterministic for a seed: the same profile, seed and sequence of instants
 * give the same transactions, byte for byte, with the same labels.
 *
 * <p>The population (cardholders, their usual merchants, ATMs) is drawn from the seed when the generator
 * is built. Each {@link #next(Instant)} is one transaction at that instant: mostly a cardholder who is
 * usually up at that local hour paying at one of their usual merchants an amount around their spending
 * level; now and then an ATM withdrawal or a payment on holiday in a neighbouring country. With the
 * probability that makes {@link TrafficProfile#fraudRate()} of all transactions fraudulent, a
 * {@link FraudPattern} episode starts instead; its transactions come out one per call, in a row.
 *
 * <p>Alongside, one merchant at a time is breached ({@link BreachProcess}, {@link Breach},
 * {@link MerchantCompromise}): cards that pay there during its exposure window are exposed, a share of them
 * is scheduled to be hit days later, and a {@link FraudPattern#COMPROMISED_MERCHANT} episode uses the stolen
 * card due first. While no stolen card is
 * due yet (the first days of a timeline), such an episode is an account takeover instead: both are 1 to 3
 * frauds, so the fraud rate is the same either way.
 *
 * <p>Every transaction passes {@link TransactionValidator} with default limits at a clock equal to the
 * instant it was generated for (night-time spikes lie up to a day in the past: a late upload, within the
 * seven days allowed). Not thread-safe: one generator per producing thread.
 */
public final class TrafficGenerator {
    /** A merchant category: code, channel, typical ticket relative to the spending level, how common. */
    private record Category(String mcc, Channel channel, double amountFactor, int weight) {
    }

    private static final List<Category> EVERYDAY = List.of(
            new Category("5411", Channel.POS, 1.0, 5),    // groceries
            new Category("5812", Channel.POS, 1.4, 3),    // restaurants
            new Category("5814", Channel.POS, 0.35, 3),   // fast food
            new Category("5541", Channel.POS, 1.5, 2),    // fuel
            new Category("5912", Channel.POS, 0.6, 1),    // pharmacy
            new Category("5311", Channel.POS, 2.0, 1),    // department store
            new Category("4111", Channel.POS, 0.12, 2),   // commuter transport
            new Category("5999", Channel.POS, 1.0, 1),    // other retail
            new Category("5399", Channel.ECOM, 1.6, 2),   // online general merchandise
            new Category("5942", Channel.ECOM, 0.7, 1),   // books
            new Category("4899", Channel.ECOM, 0.4, 1));  // streaming, subscriptions
    private static final int EVERYDAY_WEIGHT = EVERYDAY.stream().mapToInt(Category::weight).sum();

    /** Digital goods and small web shops: where a stolen card number is tested. */
    private static final List<String> CARD_TESTING_MCCS = List.of("5815", "5816", "5968", "5999", "4816");
    /** Goods that resell: what an account takeover buys (electronics, jewellery, transfers, quasi-cash). */
    private static final List<String> TAKEOVER_MCCS = List.of("5732", "5944", "4829", "6051", "5094");
    /** What stolen card data buys online: electronics, gift cards, travel agencies, airlines, clothing. */
    private static final List<String> STOLEN_CARD_MCCS = List.of("5732", "5947", "4722", "4511", "5691");
    /** What a night-time spree pays for. */
    private static final List<String> NIGHT_SPREE_MCCS = List.of("5944", "5732", "7995", "6051", "5311");

    // Episode lengths (inclusive ranges). The fraud share below is computed from their means.
    private static final int CARD_TESTING_MIN = 3;
    private static final int CARD_TESTING_MAX = 8;
    private static final int TAKEOVER_MIN = 1;
    private static final int TAKEOVER_MAX = 3;
    private static final int NIGHT_MIN = 2;
    private static final int NIGHT_MAX = 4;
    /** Stolen-card purchases: as many as an account takeover, so one may stand in for the other at the same rate. */
    private static final int STOLEN_CARD_MIN = TAKEOVER_MIN;
    private static final int STOLEN_CARD_MAX = TAKEOVER_MAX;
    private static final int PATTERNS = FraudPattern.values().length;
    /** Mean fraudulent transactions per episode, patterns equally likely (impossible travel: one). */
    private static final double MEAN_FRAUDS_PER_EPISODE = ((CARD_TESTING_MIN + CARD_TESTING_MAX) / 2.0
            + (TAKEOVER_MIN + TAKEOVER_MAX) / 2.0 + 1 + (NIGHT_MIN + NIGHT_MAX) / 2.0
            + (STOLEN_CARD_MIN + STOLEN_CARD_MAX) / 2.0) / PATTERNS;
    /** Mean genuine transactions per episode: impossible travel starts with the real card at home. */
    private static final double MEAN_GENUINE_PER_EPISODE = 1.0 / PATTERNS;
    /** Stolen cards purchases abroad (any other country), the rest at web shops at home. */
    private static final double STOLEN_CARD_ABROAD_SHARE = 0.6;

    private static final double ATM_SHARE = 0.05;
    private static final double HOLIDAY_SHARE = 0.03;
    private static final double NIGHT_OWL_SHARE = 0.15;
    private static final double FAR_AWAY_KM = 3_000;
    private static final HexFormat HEX = HexFormat.of();

    private final TrafficProfile profile;
    private final Country home;
    private final SplittableRandom random;
    private final Map<Country, List<Merchant>> shops = new LinkedHashMap<>();
    private final Map<Country, List<Merchant>> atms = new LinkedHashMap<>();
    private final List<Cardholder> cardholders;
    private final Map<String, Cardholder> byCard = new HashMap<>();
    private final double episodeProbability;
    private final Deque<Function<Instant, LabelledTransaction>> pending = new ArrayDeque<>();
    /** Breaches, exposed cards and stolen cards due: its own random stream, so it does not reshuffle the rest. */
    private final BreachProcess breachProcess;
    private long generated;
    private long frauds;
    private long episodes;

    public TrafficGenerator(TrafficProfile profile, long seed) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.home = Country.of(profile.homeCountry());
        SplittableRandom population = new SplittableRandom(seed);
        for (Country c : Country.ALL) {
            int count = c.equals(home) ? profile.merchants() : Math.max(10, profile.merchants() / 10);
            shops.put(c, shops(c, count, population));
            atms.put(c, atms(c, Math.max(5, count / 10), population));
        }
        List<Cardholder> people = new ArrayList<>(profile.cardholders());
        List<Country> neighbours = near(home);
        for (int i = 0; i < profile.cardholders(); i++) {
            Cardholder c = cardholder(seed, i, population, neighbours);
            people.add(c);
            byCard.put(c.cardId(), c);
        }
        this.cardholders = List.copyOf(people);
        this.random = new SplittableRandom(mix(seed ^ 0x7F4A7C159E3779B9L));
        this.breachProcess = new BreachProcess(profile.compromise(), cardholders,
                new SplittableRandom(mix(seed ^ 0x2545F4914F6CDD1DL)));
        double f = profile.fraudRate();
        // Each draw starts an episode with probability p, else yields one genuine transaction, so the fraud
        // share is p·F / (1 − p + p·(F + G)) for F frauds and G genuine per episode; solved for p.
        this.episodeProbability = f == 0 ? 0
                : f / (MEAN_FRAUDS_PER_EPISODE - f * (MEAN_FRAUDS_PER_EPISODE + MEAN_GENUINE_PER_EPISODE - 1));
    }

    public TrafficProfile profile() {
        return profile;
    }

    /** The cardholders, in the order they were drawn. */
    public List<Cardholder> cardholders() {
        return cardholders;
    }

    /** The cardholder of {@code cardId}, or null. */
    public Cardholder cardholder(String cardId) {
        return byCard.get(cardId);
    }

    /** Transactions generated so far. */
    public long generated() {
        return generated;
    }

    /** Planted fraudulent transactions generated so far. */
    public long frauds() {
        return frauds;
    }

    /** Fraud episodes started so far. */
    public long episodes() {
        return episodes;
    }

    /**
     * The merchants breached so far (the latest {@value BreachProcess#BREACHES_KEPT}), oldest first; the last one
     * may still be leaking. Ground truth for {@link FraudPattern#COMPROMISED_MERCHANT}, like the labels.
     */
    public List<Breach> breaches() {
        return breachProcess.breaches();
    }

    /** The next transaction, taking place at {@code at}. */
    public LabelledTransaction next(Instant at) {
        Objects.requireNonNull(at, "at");
        breachProcess.advance(at);
        if (pending.isEmpty() && episodeProbability > 0 && random.nextDouble() < episodeProbability) {
            startEpisode(at);
        }
        LabelledTransaction tx = pending.isEmpty() ? genuine(activeCardholder(at), at) : pending.poll().apply(at);
        generated++;
        if (tx.isFraud()) {
            frauds++;
        } else {
            breachProcess.expose(tx.transaction());
        }
        return tx;
    }

    // ---- the population ----

    private static List<Merchant> shops(Country c, int count, SplittableRandom r) {
        List<Merchant> list = new ArrayList<>(count);
        String prefix = "m-" + c.code().toLowerCase(Locale.ROOT) + "-";
        for (int i = 0; i < count; i++) {
            Category cat = category(r);
            boolean positioned = cat.channel() == Channel.POS && r.nextDouble() < 0.4;
            list.add(new Merchant(prefix + String.format(Locale.ROOT, "%06d", i), cat.mcc(), cat.channel(), c,
                    cat.amountFactor(),
                    positioned ? around(c.latitude(), 0.15, r, 90) : Double.NaN,
                    positioned ? around(c.longitude(), 0.2, r, 180) : Double.NaN));
        }
        return List.copyOf(list);
    }

    private static List<Merchant> atms(Country c, int count, SplittableRandom r) {
        List<Merchant> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(new Merchant("atm-" + c.code() + "-" + String.format(Locale.ROOT, "%04d", i), "6011", Channel.ATM, c, 1.0,
                    around(c.latitude(), 0.1, r, 90), around(c.longitude(), 0.15, r, 180)));
        }
        return List.copyOf(list);
    }

    private Cardholder cardholder(long seed, int index, SplittableRandom r, List<Country> neighbours) {
        // A bijective mix of (seed, index): card ids are unique within a tenant without a lookup.
        String cardId = "card-" + HEX.toHexDigits(mix(seed * 0x9E3779B97F4A7C15L + index));
        Country where = neighbours.isEmpty() || r.nextDouble() < 0.93 ? home : neighbours.get(r.nextInt(neighbours.size()));
        double level = clamp(Math.exp(Math.log(30) + 0.5 * r.nextGaussian()), 5, 400);
        boolean nightOwl = r.nextDouble() < NIGHT_OWL_SHARE;
        int from = nightOwl ? 11 + r.nextInt(5) : 6 + r.nextInt(4);
        int hours = nightOwl ? 13 + r.nextInt(3) : 12 + r.nextInt(4);
        String device = "dev-" + HEX.toHexDigits(r.nextLong()).substring(4);
        List<Merchant> pool = shops.get(where);
        int k = Math.min(pool.size(), 4 + r.nextInt(6));
        List<Merchant> usual = new ArrayList<>(k);
        while (usual.size() < k) {
            Merchant m = pool.get(r.nextInt(pool.size()));
            if (!usual.contains(m)) {
                usual.add(m);
            }
        }
        return new Cardholder(cardId, where, level, from, hours, device, usual);
    }

    private static Category category(SplittableRandom r) {
        int pick = r.nextInt(EVERYDAY_WEIGHT);
        for (Category c : EVERYDAY) {
            pick -= c.weight();
            if (pick < 0) {
                return c;
            }
        }
        throw new AssertionError("weights");
    }

    private static List<Country> near(Country c) {
        return Country.ALL.stream().filter(o -> !o.equals(c) && c.distanceKm(o) < 1_500).toList();
    }

    private static List<Country> farFrom(Country c) {
        return Country.ALL.stream().filter(o -> c.distanceKm(o) > FAR_AWAY_KM).toList();
    }

    // ---- genuine transactions ----

    /** A cardholder who is usually up at this hour; at night there are few, so after a few tries anyone. */
    private Cardholder activeCardholder(Instant at) {
        Cardholder c = null;
        for (int attempt = 0; attempt < 24; attempt++) {
            c = cardholders.get(random.nextInt(cardholders.size()));
            if (c.activeAt(at.atZone(c.home().zone()).getHour())) {
                return c;
            }
        }
        return c;
    }

    private LabelledTransaction genuine(Cardholder c, Instant at) {
        double u = random.nextDouble();
        if (u < ATM_SHARE) {
            List<Merchant> pool = atms.get(c.home());
            Merchant atm = pool.get(random.nextInt(pool.size()));
            return transaction(c, atm, cash(atm.country(), c.spendingLevel()), at, null, null);
        }
        if (u < ATM_SHARE + HOLIDAY_SHARE) {
            List<Country> neighbours = near(c.home());
            if (!neighbours.isEmpty()) {
                List<Merchant> pool = shops.get(neighbours.get(random.nextInt(neighbours.size())));
                Merchant m = pool.get(random.nextInt(pool.size()));
                return transaction(c, m, amount(m, c.spendingLevel()), at, m.channel() == Channel.ECOM ? c.deviceId() : null, null);
            }
        }
        Merchant m = usualMerchant(c);
        return transaction(c, m, amount(m, c.spendingLevel()), at, m.channel() == Channel.ECOM ? c.deviceId() : null, null);
    }

    /** The first usual merchant most often, each next one less often (geometric ranks). */
    private Merchant usualMerchant(Cardholder c) {
        List<Merchant> usual = c.usualMerchants();
        int i = 0;
        while (i < usual.size() - 1 && random.nextDouble() < 0.45) {
            i++;
        }
        return usual.get(i);
    }

    private long amount(Merchant m, double level) {
        double euros = clamp(level * m.amountFactor() * Math.exp(0.55 * random.nextGaussian()), 0.2, 5_000);
        return m.country().minorUnits(euros);
    }

    /** A round withdrawal in the local currency: 20, 50, 100 or 200 euros' worth, to 10 major units. */
    private long cash(Country c, double level) {
        double[] euros = level > 60 ? new double[] {50, 100, 200, 200} : new double[] {20, 50, 50, 100};
        double local = euros[random.nextInt(euros.length)] * c.unitsPerEuro();
        long major = Math.max(10, Math.round(local / 10) * 10);
        return major * c.minorPerMajor();
    }

    // ---- fraud episodes ----

    private void startEpisode(Instant at) {
        episodes++;
        FraudPattern pattern = FraudPattern.values()[random.nextInt(PATTERNS)];
        switch (pattern) {
            case CARD_TESTING -> cardTesting();
            case ACCOUNT_TAKEOVER -> accountTakeover();
            case IMPOSSIBLE_TRAVEL -> impossibleTravel();
            case NIGHT_SPEND_SPIKE -> nightSpendSpike(at);
            case COMPROMISED_MERCHANT -> {
                String cardId = breachProcess.takeUsableCard(at);
                if (cardId != null) {
                    stolenCardUsed(byCard.get(cardId));
                } else {
                    // Nothing stolen is usable yet: the same number of online frauds, as a takeover, keeps the rate.
                    accountTakeover();
                }
            }
        }
    }

    // ---- the fraud patterns ----

    /** The purchases made with a card stolen at a breached merchant ({@link BreachProcess}). */
    private void stolenCardUsed(Cardholder c) {
        String device = newDevice();
        int n = between(STOLEN_CARD_MIN, STOLEN_CARD_MAX);
        for (int i = 0; i < n; i++) {
            pending.add(at -> {
                Country where = c.home();
                if (random.nextDouble() < STOLEN_CARD_ABROAD_SHARE) {
                    Country other = Country.ALL.get(random.nextInt(Country.ALL.size() - 1));
                    // every country but home, uniformly
                    where = other.equals(c.home()) ? Country.ALL.get(Country.ALL.size() - 1) : other;
                }
                Merchant shop = unknownMerchant(where, pick(STOLEN_CARD_MCCS), Channel.ECOM);
                long amount = where.minorUnits(c.spendingLevel() * (4 + 11 * random.nextDouble()));
                return transaction(c, shop, amount, at, device, FraudPattern.COMPROMISED_MERCHANT);
            });
        }
    }

    private void cardTesting() {
        Cardholder c = anyCardholder();
        List<Country> far = farFrom(c.home());
        Country where = random.nextBoolean() || far.isEmpty() ? c.home() : far.get(random.nextInt(far.size()));
        String device = newDevice();
        int n = between(CARD_TESTING_MIN, CARD_TESTING_MAX);
        for (int i = 0; i < n; i++) {
            pending.add(at -> {
                Merchant shop = unknownMerchant(where, pick(CARD_TESTING_MCCS), Channel.ECOM);
                long amount = where.minorUnits(0.5 + 2.49 * random.nextDouble());
                return transaction(c, shop, amount, at, device, FraudPattern.CARD_TESTING);
            });
        }
    }

    private void accountTakeover() {
        Cardholder c = anyCardholder();
        String device = newDevice();
        int n = between(TAKEOVER_MIN, TAKEOVER_MAX);
        for (int i = 0; i < n; i++) {
            pending.add(at -> {
                Merchant shop = unknownMerchant(c.home(), pick(TAKEOVER_MCCS), Channel.ECOM);
                long amount = c.home().minorUnits(c.spendingLevel() * (15 + 45 * random.nextDouble()));
                return transaction(c, shop, amount, at, device, FraudPattern.ACCOUNT_TAKEOVER);
            });
        }
    }

    private void impossibleTravel() {
        Cardholder c = anyCardholder();
        List<Country> far = farFrom(c.home());
        Country where = far.get(random.nextInt(far.size()));
        // The real card at home first (genuine), then its clone, card present, thousands of km away.
        pending.add(at -> {
            Merchant m = usualMerchant(c);
            return transaction(c, m, amount(m, c.spendingLevel()), at, m.channel() == Channel.ECOM ? c.deviceId() : null, null);
        });
        pending.add(at -> {
            Merchant m;
            long amount;
            if (random.nextBoolean()) {
                List<Merchant> pool = atms.get(where);
                m = pool.get(random.nextInt(pool.size()));
                amount = cash(where, 150);
            } else {
                Merchant shop = unknownMerchant(where, pick(TAKEOVER_MCCS), Channel.POS);
                m = new Merchant(shop.merchantId(), shop.mcc(), Channel.POS, where, 1.0,
                        around(where.latitude(), 0.1, random, 90), around(where.longitude(), 0.15, random, 180));
                amount = where.minorUnits(c.spendingLevel() * (3 + 7 * random.nextDouble()));
            }
            return transaction(c, m, amount, at, null, FraudPattern.IMPOSSIBLE_TRAVEL);
        });
    }

    private void nightSpendSpike(Instant at) {
        Cardholder c = anyCardholder();
        for (int attempt = 0; attempt < 16 && c.paysAtNight(); attempt++) {
            c = anyCardholder();
        }
        Cardholder victim = c;
        int n = between(NIGHT_MIN, NIGHT_MAX);
        // Between 01:00 and about 04:20 local time, minutes apart; the latest such night not after `at`.
        ZoneId zone = victim.home().zone();
        ZonedDateTime start = at.atZone(zone).toLocalDate().atTime(1, 0).atZone(zone).plusMinutes(random.nextInt(151));
        if (start.plusMinutes(12L * n).toInstant().isAfter(at)) {
            start = start.minusDays(1);
        }
        List<Instant> times = new ArrayList<>(n);
        ZonedDateTime t = start;
        for (int i = 0; i < n; i++) {
            times.add(t.toInstant());
            t = t.plusMinutes(3 + random.nextInt(9));
        }
        String device = newDevice();
        for (Instant when : times) {
            pending.add(ignored -> {
                Channel channel = random.nextDouble() < 0.6 ? Channel.POS : Channel.ECOM;
                Merchant shop = unknownMerchant(victim.home(), pick(NIGHT_SPREE_MCCS), channel);
                long amount = victim.home().minorUnits(victim.spendingLevel() * (6 + 14 * random.nextDouble()));
                return transaction(victim, shop, amount, when, channel == Channel.ECOM ? device : null, FraudPattern.NIGHT_SPEND_SPIKE);
            });
        }
    }

    private Cardholder anyCardholder() {
        return cardholders.get(random.nextInt(cardholders.size()));
    }

    /** A merchant the population never uses (ids outside the pools' numbering). */
    private Merchant unknownMerchant(Country c, String mcc, Channel channel) {
        String id = "m-" + c.code().toLowerCase(Locale.ROOT) + "-x" + HEX.toHexDigits(random.nextInt());
        return new Merchant(id, mcc, channel, c, 1.0, Double.NaN, Double.NaN);
    }

    private String newDevice() {
        return "dev-" + HEX.toHexDigits(random.nextLong()).substring(4);
    }

    private String pick(List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    private int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    // ---- building the record ----

    private LabelledTransaction transaction(Cardholder c, Merchant m, long amountMinor, Instant at, String deviceId,
                                            FraudPattern label) {
        Instant when = at.truncatedTo(ChronoUnit.MILLIS);
        RawTransaction tx = new RawTransaction(TransactionValidator.SCHEMA_VERSION, transactionId(), c.cardId(), amountMinor,
                m.country().currency(), m.merchantId(), m.mcc(), m.country().code(), m.channel(),
                OffsetDateTime.ofInstant(when, m.country().zone()), c.home().code(), deviceId,
                m.hasPosition() ? m.latitude() : null, m.hasPosition() ? m.longitude() : null);
        return new LabelledTransaction(tx, label);
    }

    /** A random (version 4) UUID drawn from the seeded stream, so ids repeat with the seed. */
    private String transactionId() {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    private static double around(double centre, double spread, SplittableRandom r, double limit) {
        double v = centre + spread * r.nextGaussian();
        // six decimals, like the example ATM record, and inside the valid range
        return clamp(Math.round(v * 1e6) / 1e6, -limit, limit);
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** SplitMix64's finalizer: a bijection on longs that scatters neighbouring inputs. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
