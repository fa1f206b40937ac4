package io.umbra.encrypt;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import io.umbra.events.TenantId;
import io.umbra.events.Topics;
import io.umbra.verify.BundleVerifier;
import io.umbra.events.envelope.PublicBundle;
import io.umbra.events.envelope.SignedBundle;

/**
 * Follows {@code umbra.keys.public} (compacted, one record per tenant key version) from the beginning,
 * on every partition, without a consumer group — every instance needs every version, and nothing here
 * is committed — and hands each newer key version of its own tenant, verified and loaded, to
 * {@code onKeys}. Other tenants' records are skipped unread.
 *
 * <p>A bundle is used only if its signature verifies under the tenant's bundle-verification key pinned
 * at provisioning, it is within its signed validity, and it is not older than the version in use (no
 * rollback). Anything else is refused: logged (never its bytes), counted and written to the tenant's
 * audit trail, and the keys in use stay. A re-signed copy of the version in use extends its validity.
 *
 * <p>Runs on its own thread until {@link #stop()}; waits and retries while the topic does not exist.
 */
final class PublicBundleWatcher implements Runnable {
    private static final Logger LOG = Logger.getLogger(PublicBundleWatcher.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    /** Why a bundle was refused: the audit reason and the metric's tag. */
    enum Refusal {
        BUNDLE_MALFORMED, KEY_MISMATCH, SIGNATURE_INVALID, BUNDLE_STALE, BUNDLE_CONFLICT, BUNDLE_UNLOADABLE
    }

    /** What the watcher reports besides new keys. */
    interface Listener {
        /** A verified, newer key version, loaded; {@code notAfter} ends its signed validity. */
        void keysArrived(EncryptionKeys keys, Instant notAfter);

        /** The version in use was re-signed: valid until {@code notAfter} now. */
        void validityExtended(int keyVersion, Instant notAfter);

        /** A record was refused. */
        void refused(Refusal reason, Integer keyVersion, String detail);
    }

    private final TenantId tenant;
    private final java.util.function.Supplier<BundleVerifier> verifier;
    private final Clock clock;
    private final Map<String, Object> consumerConfig;
    private final Listener listener;
    private volatile boolean stopping;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private int newestVersion;
    private byte[] newestBundleBytes;

    PublicBundleWatcher(TenantId tenant, java.util.function.Supplier<BundleVerifier> verifier, Clock clock, String bootstrapServers, String clientId,
                        Map<String, Object> clientProperties, Listener listener) {
        this.tenant = tenant;
        this.verifier = verifier;
        this.clock = clock;
        this.listener = listener;
        Map<String, Object> c = new java.util.HashMap<>(clientProperties);
        c.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // a bundle holds public keys of up to a few MB
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PublicBundle.MAX_BYTES + Topics.RECORD_OVERHEAD_BYTES,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, PublicBundle.MAX_BYTES + Topics.RECORD_OVERHEAD_BYTES));
        this.consumerConfig = c;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            if (!assignAll(c)) {
                return;
            }
            while (!stopping) {
                try {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofSeconds(1))) {
                        consider(r);
                    }
                } catch (WakeupException e) {
                    // stop() — the loop condition decides
                } catch (KafkaException e) {
                    LOG.warnf("reading %s: %s; retrying", Topics.PUBLIC_KEYS, e.toString());
                    sleep();
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "the public bundle watcher of tenant %s stopped", tenant);
        }
    }

    void stop() {
        stopping = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Every partition of the topic, from the beginning; false if stopped while waiting for the topic. */
    private boolean assignAll(KafkaConsumer<byte[], byte[]> c) {
        long waitingSince = System.nanoTime();
        boolean told = false;
        while (!stopping) {
            List<PartitionInfo> partitions;
            try {
                partitions = c.partitionsFor(Topics.PUBLIC_KEYS, Duration.ofSeconds(5));
            } catch (WakeupException e) {
                continue;
            } catch (KafkaException e) {
                partitions = List.of();
            }
            if (partitions != null && !partitions.isEmpty()) {
                List<TopicPartition> all = new ArrayList<>();
                partitions.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
                c.assign(all);
                c.seekToBeginning(all);
                return true;
            }
            if (!told || System.nanoTime() - waitingSince > Duration.ofMinutes(1).toNanos()) {
                LOG.warnf("waiting for the key-service: topic %s does not exist yet (or the broker is unreachable); retrying",
                        Topics.PUBLIC_KEYS);
                told = true;
                waitingSince = System.nanoTime();
            }
            sleep();
        }
        return false;
    }

    void consider(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null || r.value() == null) {
            return; // a tombstone (unsigned, so nobody's word): the encrypt-service only ever moves to newer verified versions
        }
        if (io.umbra.events.envelope.EnvelopeFormat.kindOf(r.value()) == io.umbra.events.envelope.EnvelopeFormat.KIND_SIGNED_WITHDRAWAL) {
            return; // a destroyed older version: the current one is never withdrawn, and the watcher never goes back
        }
        String key = new String(r.key(), StandardCharsets.UTF_8);
        if (!tenant.value().equals(Topics.tenantOfPublicBundleKey(key))) {
            return; // another tenant's bundle
        }
        String at = r.topic() + "-" + r.partition() + "@" + r.offset();
        SignedBundle signed;
        try {
            signed = SignedBundle.decode(r.value());
        } catch (RuntimeException e) {
            refuse(Refusal.BUNDLE_MALFORMED, null, "the record at " + at + " is not a signed bundle: " + e.getMessage());
            return;
        }
        if (!signed.tenant().equals(tenant) || !key.equals(Topics.publicBundleKey(signed.tenant(), signed.keyVersion()))) {
            refuse(Refusal.KEY_MISMATCH, signed.keyVersion(), "the record at " + at + " is keyed " + key + " but signed for "
                    + signed.tenant() + " v" + signed.keyVersion());
            return;
        }
        BundleVerifier pinned = verifier.get(); // read again if the pin file changed (a signing-key rotation's re-pin)
        if (!pinned.verifies(signed.signature(), signed.signedContent())) {
            refuse(Refusal.SIGNATURE_INVALID, signed.keyVersion(), "the bundle at " + at + " (v" + signed.keyVersion()
                    + ") is not signed by the pinned bundle-verification key " + pinned.fingerprint() + ": substituted or altered");
            return;
        }
        Instant now = clock.instant();
        if (signed.expiredAt(now)) {
            refuse(Refusal.BUNDLE_STALE, signed.keyVersion(), "the bundle at " + at + " (v" + signed.keyVersion() + ") was valid until "
                    + signed.notAfter() + "; the key-service re-signs live versions before that");
            return;
        }
        if (signed.keyVersion() < newestVersion) {
            return; // an older version, still published while a rotation drains: never switch back to it
        }
        if (signed.keyVersion() == newestVersion) {
            if (!java.util.Arrays.equals(signed.bundleBytes(), newestBundleBytes)) {
                refuse(Refusal.BUNDLE_CONFLICT, signed.keyVersion(), "the bundle at " + at + " is signed for v" + signed.keyVersion()
                        + " but differs from the v" + newestVersion + " in use; keeping the one in use");
                return;
            }
            listener.validityExtended(signed.keyVersion(), signed.notAfter());
            return;
        }
        try {
            PublicBundle bundle = signed.bundle();
            EncryptionKeys keys = EncryptionKeys.load(bundle);
            newestVersion = bundle.keyVersion();
            newestBundleBytes = signed.bundleBytes();
            LOG.infof("verified and loaded the public bundle of tenant %s, key version %d (%s), valid until %s", tenant,
                    bundle.keyVersion(), keys, signed.notAfter());
            listener.keysArrived(keys, signed.notAfter());
        } catch (Exception e) {
            // Messages of the decoders name fields and offsets, never key bytes.
            refuse(Refusal.BUNDLE_UNLOADABLE, signed.keyVersion(), "the signed bundle at " + at + " does not load: " + e.getMessage());
        }
    }

    private void refuse(Refusal reason, Integer keyVersion, String detail) {
        LOG.warnf("refused a public bundle of tenant %s (%s): %s", tenant, reason, detail);
        listener.refused(reason, keyVersion, detail);
    }

    private void sleep() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }
}
