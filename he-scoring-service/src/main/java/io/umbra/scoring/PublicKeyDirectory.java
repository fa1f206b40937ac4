package io.umbra.scoring;

import io.umbra.events.TenantId;
import io.umbra.events.Topics;
import io.umbra.events.envelope.EnvelopeFormat;
import io.umbra.events.envelope.PublicBundle;
import io.umbra.events.envelope.SignedBundle;
import io.umbra.events.envelope.SignedWithdrawal;
import io.umbra.verify.BundleVerifier;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.ckks.RelinKeys;
import io.umbra.he.serial.Seal;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every tenant's public HE material, read from {@link Topics#PUBLIC_KEYS} on a thread of its own. A
 * plain consumer without a group (every replica needs every bundle) assigned all partitions from the
 * beginning; it keeps each (tenant, key version) it sees, so batches encrypted under an older version
 * still score while a rotation drains, up to {@code versionsPerTenant} versions per tenant.
 *
 * <p>A bundle is trusted only if its signature verifies under the tenant's pinned bundle-verification
 * key ({@link PinnedVerificationKeys}) and it is within its signed validity: a bundle substituted on the
 * shared topic, by anyone who can write it, is refused before a byte of it is parsed. Then only public
 * material is parsed: the SEAL parameters and, when present, the relinearization keys. The bundle's HPKE
 * keyset is never read here (manifests are opaque to the scoring zone), and the public key is not needed
 * to evaluate. A refused bundle is logged (tenant, version, reason) and counted; the tenant's earlier
 * versions stay. A {@link SignedWithdrawal} that verifies under the same pinned key withdraws one version
 * (key {@code <t>/v<n>}) for good; a bare tombstone, which anyone who may write the topic can write under
 * any key, is ignored.
 */
public final class PublicKeyDirectory implements KeyLookup, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PublicKeyDirectory.class);
    private static final long NEVER = Long.MIN_VALUE;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final String topic;
    private final String bootstrapServers;
    private final String clientId;
    private final int versionsPerTenant;
    private final Duration refresh;
    private final PinnedVerificationKeys pinned;
    private final Clock clock;
    private final Thread thread;
    private final Object lock = new Object();
    /** tenant → key version → keys; guarded by {@link #lock}. */
    private final Map<TenantId, TreeMap<Integer, TenantKeys>> keys = new HashMap<>();
    /** Versions whose key-service signed their withdrawal: an old bundle of one, replayed, is refused. Guarded by {@code lock}. */
    private final Map<TenantId, Set<Integer>> withdrawn = new HashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final Map<String, Object> clientProperties;
    private volatile boolean running = true;
    private volatile boolean catchUpRequested;
    /** When the end offsets last reached were fetched (nanoTime), or {@link #NEVER}; guarded by {@link #lock}. */
    private long caughtUpAt = NEVER;
    private volatile boolean caughtUpOnce;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param refresh how often the end of the topic is looked up again, and the partition list with it
     */
    public PublicKeyDirectory(String bootstrapServers, String clientId, int versionsPerTenant, Duration refresh, Path pinnedKeysDir,
                              Map<String, Object> clientProperties) {
        this(Topics.PUBLIC_KEYS, bootstrapServers, clientId, versionsPerTenant, refresh, pinnedKeysDir, clientProperties, Clock.systemUTC());
    }

    /** Reading another topic than {@link Topics#PUBLIC_KEYS}: for tests that need a topic of their own. */
    PublicKeyDirectory(String topic, String bootstrapServers, String clientId, int versionsPerTenant, Duration refresh, Path pinnedKeysDir,
                       Map<String, Object> clientProperties, Clock clock) {
        this.topic = topic;
        this.pinned = new PinnedVerificationKeys(pinnedKeysDir);
        this.clock = clock;
        this.clientProperties = Map.copyOf(clientProperties);
        if (versionsPerTenant < 1) {
            throw new IllegalArgumentException("keep at least one key version per tenant");
        }
        this.bootstrapServers = bootstrapServers;
        this.clientId = clientId;
        this.versionsPerTenant = versionsPerTenant;
        this.refresh = refresh;
        this.thread = new Thread(this::run, "public-keys-" + clientId);
        this.thread.setDaemon(true);
    }

    public void start() {
        consumer = new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        thread.start();
    }

    /** Whether the reader has reached the end of the topic at least once since it started. */
    public boolean caughtUpOnce() {
        return caughtUpOnce;
    }

    /** The (tenant, key version) pairs known. */
    public int size() {
        synchronized (lock) {
            int n = 0;
            for (TreeMap<Integer, TenantKeys> versions : keys.values()) {
                n += versions.size();
            }
            return n;
        }
    }

    /** Bundles that did not parse since the start. */
    public long refusedBundles() {
        return refused.get();
    }

    public Optional<TenantKeys> find(TenantId tenant, int keyVersion) {
        synchronized (lock) {
            TreeMap<Integer, TenantKeys> versions = keys.get(tenant);
            return Optional.ofNullable(versions == null ? null : versions.get(keyVersion));
        }
    }

    @Override
    public Optional<TenantKeys> await(TenantId tenant, int keyVersion, Duration maxWait) throws InterruptedException {
        long asked = System.nanoTime();
        long deadline = asked + maxWait.toNanos();
        synchronized (lock) {
            while (true) {
                TreeMap<Integer, TenantKeys> versions = keys.get(tenant);
                TenantKeys found = versions == null ? null : versions.get(keyVersion);
                if (found != null) {
                    return Optional.of(found);
                }
                // Caught up to end offsets fetched after we asked: the bundle is not on the topic.
                if (caughtUpAt != NEVER && caughtUpAt - asked >= 0) {
                    return Optional.empty();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                catchUpRequested = true;
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the reader thread ----------------------------------------------------------------------

    private void run() {
        List<TopicPartition> assigned = List.of();
        Map<TopicPartition, Long> target = null;
        long targetFetchedAt = NEVER;
        long nextRefresh = System.nanoTime();
        boolean waitingLogged = false;
        try {
            while (running) {
                try {
                    long now = System.nanoTime();
                    if (assigned.isEmpty() || now - nextRefresh >= 0) {
                        List<TopicPartition> partitions = partitions();
                        if (partitions.isEmpty()) {
                            if (!waitingLogged) {
                                LOG.warn("topic {} does not exist yet; no tenant can be scored until it does. Retrying every {} s",
                                        topic, RETRY.toSeconds());
                                waitingLogged = true;
                            }
                            sleep(RETRY);
                            continue;
                        }
                        if (!partitions.equals(assigned)) {
                            List<TopicPartition> added = new ArrayList<>(partitions);
                            added.removeAll(assigned);
                            consumer.assign(partitions);
                            consumer.seekToBeginning(added);
                            assigned = partitions;
                            LOG.info("reading public bundles from {} ({} partitions)", topic, partitions.size());
                        }
                        target = null; // look up the end again
                        nextRefresh = now + refresh.toNanos();
                    }
                    if (target == null || catchUpRequested) {
                        catchUpRequested = false;
                        targetFetchedAt = System.nanoTime();
                        target = consumer.endOffsets(assigned, Duration.ofSeconds(10));
                    }
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        accept(record);
                    }
                    if (reached(target)) {
                        synchronized (lock) {
                            if (caughtUpAt == NEVER || targetFetchedAt - caughtUpAt > 0) {
                                caughtUpAt = targetFetchedAt;
                            }
                            lock.notifyAll();
                        }
                        if (!caughtUpOnce) {
                            caughtUpOnce = true;
                            LOG.info("public bundles loaded: {} tenant key versions", size());
                        }
                    }
                } catch (WakeupException e) {
                    // close(): the loop condition decides
                } catch (KafkaException e) {
                    // broker away, a timeout: the consumer reconnects by itself; keep what we have
                    LOG.warn("reading {} failed ({}); retrying", topic, e.toString());
                    sleep(RETRY);
                    target = null;
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private List<TopicPartition> partitions() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        List<TopicPartition> out = new ArrayList<>();
        if (infos != null) {
            for (PartitionInfo p : infos) {
                out.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        out.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        return out;
    }

    private boolean reached(Map<TopicPartition, Long> target) {
        for (Map.Entry<TopicPartition, Long> end : target.entrySet()) {
            if (consumer.position(end.getKey(), Duration.ofSeconds(10)) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * One record of the topic: a signed bundle, or a signed withdrawal of a version. A bare tombstone is
     * ignored: anyone who may write the topic can write one under any tenant's key. Never throws for bad bytes.
     */
    void accept(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        String at = record.partition() + "@" + record.offset();
        if (record.value() == null) {
            refuse("an unsigned tombstone at " + at + " under key " + key + " is ignored: only a withdrawal signed by the tenant's"
                    + " key-service withdraws a version");
            return;
        }
        if (EnvelopeFormat.kindOf(record.value()) == EnvelopeFormat.KIND_SIGNED_WITHDRAWAL) {
            acceptWithdrawal(key, at, record.value());
            return;
        }
        SignedBundle signed;
        try {
            signed = SignedBundle.decode(record.value());
        } catch (RuntimeException e) {
            refuse("a record at " + at + " is not a signed public bundle: " + e.getMessage());
            return;
        }
        String label = signed.tenant() + " v" + signed.keyVersion();
        if (key == null || !key.equals(Topics.publicBundleKey(signed.tenant(), signed.keyVersion()))) {
            // Compaction keeps the latest record per key: a bundle under another key would replace another version's or tenant's.
            refuse("the bundle of " + label + " at " + at + " is keyed " + key + ", not " + Topics.publicBundleKey(signed.tenant(),
                    signed.keyVersion()) + "; refused");
            return;
        }
        Optional<BundleVerifier> verifier = pinned.forTenant(signed.tenant());
        if (verifier.isEmpty()) {
            refuse("the bundle of " + label + " at " + at + " is refused: no bundle-verification key is pinned for " + signed.tenant()
                    + " in " + pinned.directory() + " (provisioning writes " + signed.tenant() + ".json there)");
            return;
        }
        if (!verifier.get().verifies(signed.signature(), signed.signedContent())) {
            refuse("the bundle of " + label + " at " + at + " is not signed by the pinned key " + verifier.get().fingerprint()
                    + ": substituted or altered; refused");
            return;
        }
        if (signed.expiredAt(clock.instant())) {
            refuse("the bundle of " + label + " at " + at + " was valid until " + signed.notAfter() + "; stale, refused");
            return;
        }
        PublicBundle bundle;
        try {
            bundle = signed.bundle();
        } catch (RuntimeException e) {
            refuse("the signed bundle of " + label + " at " + at + " does not decode: " + e.getMessage());
            return;
        }
        synchronized (lock) {
            Set<Integer> gone = withdrawn.get(bundle.tenant());
            if (gone != null && gone.contains(bundle.keyVersion())) {
                refuse("the bundle of " + label + " at " + at + " names a version its key-service withdrew; refused (an old record replayed)");
                return;
            }
        }
        if (find(bundle.tenant(), bundle.keyVersion()).filter(k -> k.sameParameters(bundle.sealParameters())).isPresent()) {
            return; // the same version re-signed (validity extended): nothing to load again
        }
        try {
            add(parse(bundle));
        } catch (RuntimeException e) {
            refuse("the bundle of " + label + " does not load: " + e.getMessage());
        }
    }

    private void acceptWithdrawal(String key, String at, byte[] value) {
        SignedWithdrawal w;
        try {
            w = SignedWithdrawal.decode(value);
        } catch (RuntimeException e) {
            refuse("a record at " + at + " is not a signed withdrawal: " + e.getMessage());
            return;
        }
        String label = w.tenant() + " v" + w.keyVersion();
        if (key == null || !key.equals(Topics.publicBundleKey(w.tenant(), w.keyVersion()))) {
            refuse("the withdrawal of " + label + " at " + at + " is keyed " + key + "; refused");
            return;
        }
        Optional<BundleVerifier> verifier = pinned.forTenant(w.tenant());
        if (verifier.isEmpty() || !verifier.get().verifies(w.signature(), w.signedContent())) {
            refuse("the withdrawal of " + label + " at " + at + " is not signed by " + w.tenant() + "'s pinned key; ignored");
            return;
        }
        synchronized (lock) {
            withdrawn.computeIfAbsent(w.tenant(), t -> new java.util.HashSet<>()).add(w.keyVersion());
            Map<Integer, TenantKeys> versions = keys.get(w.tenant());
            if (versions != null && versions.remove(w.keyVersion()) != null) {
                LOG.info("tenant {} key version {} withdrawn from {} (signed withdrawal at {})", w.tenant(), w.keyVersion(), topic, at);
            }
        }
    }

    private TenantKeys parse(PublicBundle bundle) {
        byte[] parameters = bundle.sealParameters();
        CkksContext context = null;
        Evaluator evaluator = null;
        synchronized (lock) {
            for (TreeMap<Integer, TenantKeys> versions : keys.values()) {
                for (TenantKeys k : versions.values()) {
                    if (k.sameParameters(parameters)) {
                        context = k.context();
                        evaluator = k.evaluator();
                    }
                }
            }
        }
        if (context == null) {
            context = CkksContext.create(Seal.loadParameters(parameters));
            evaluator = new Evaluator(context);
        }
        Optional<RelinKeys> relin = bundle.hasRelinKeys() ? Optional.of(Seal.loadRelinKeys(context, bundle.sealRelinKeys()))
                : Optional.empty();
        return new TenantKeys(bundle.tenant(), bundle.keyVersion(), bundle.createdAt(), parameters, context, evaluator, relin);
    }

    private void add(TenantKeys k) {
        synchronized (lock) {
            TreeMap<Integer, TenantKeys> versions = keys.computeIfAbsent(k.tenant(), t -> new TreeMap<>());
            versions.put(k.keyVersion(), k);
            while (versions.size() > versionsPerTenant) {
                versions.pollFirstEntry();
            }
            lock.notifyAll();
        }
        LOG.info("public bundle of {} key version {} loaded (N={})", k.tenant(), k.keyVersion(), k.context().n());
    }

    private void refuse(String why) {
        refused.incrementAndGet();
        LOG.warn("{}: {}", topic, why);
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> c = new HashMap<>(clientProperties);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // key-services publish in transactions: never act on a bundle that was rolled back
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // the key-services' provisioning creates it compacted; a reader must never create it otherwise
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PublicBundle.MAX_BYTES + Topics.RECORD_OVERHEAD_BYTES);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, PublicBundle.MAX_BYTES + Topics.RECORD_OVERHEAD_BYTES);
        // bounded memory: a bundle is up to 8 MiB
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 16);
        c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) refresh.toMillis());
        return c;
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
