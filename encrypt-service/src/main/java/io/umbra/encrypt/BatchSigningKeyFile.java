package io.umbra.encrypt;

import io.umbra.crypto.BatchSigningKey;
import io.umbra.crypto.KeyEncryptionKey;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * The tenant's batch-signing key as its directory holds it now. A phase of a batch-signing key rotation
 * ({@code ./umbra keys rotate-signing --key batch}) rewrites {@code batch-signing.wrapped} in place; the
 * next batch after the rewrite is signed with the keyset's new primary, without a restart. {@link #current()}
 * looks at the wrapped file's modification time, size and identity (one {@code stat} per batch) and unwraps it
 * again only when they changed. A rewritten file that does not unwrap keeps the key in use (logged).
 */
final class BatchSigningKeyFile {
    private static final Logger LOG = Logger.getLogger(BatchSigningKeyFile.class);

    private final Path dir;
    private final String tenant;
    private final KeyEncryptionKey kek;
    private volatile Loaded loaded;

    private record Loaded(Object stamp, BatchSigningKey key) {
    }

    private BatchSigningKeyFile(Path dir, String tenant, KeyEncryptionKey kek, Loaded loaded) {
        this.dir = dir;
        this.tenant = tenant;
        this.kek = kek;
        this.loaded = loaded;
    }

    /** Opens (or, on a first start, creates) the key in {@code dir}. */
    static BatchSigningKeyFile open(Path dir, String tenant, KeyEncryptionKey kek) throws IOException, GeneralSecurityException {
        BatchSigningKey key = BatchSigningKey.openOrCreate(dir, tenant, kek);
        return new BatchSigningKeyFile(dir, tenant, kek, new Loaded(stamp(dir), key));
    }

    /** The key to sign the next batch with. */
    BatchSigningKey current() {
        Loaded known = loaded;
        Object stamp;
        try {
            stamp = stamp(dir);
        } catch (IOException e) {
            return known.key(); // mid-replacement, or removed: keep signing with the key in use
        }
        if (stamp.equals(known.stamp())) {
            return known.key();
        }
        synchronized (this) {
            known = loaded;
            if (stamp.equals(known.stamp())) {
                return known.key();
            }
            try {
                BatchSigningKey next = BatchSigningKey.unwrap(Files.readAllBytes(dir.resolve(BatchSigningKey.WRAPPED_FILE)), kek, tenant);
                loaded = new Loaded(stamp, next);
                if (next.primaryKeyId() != known.key().primaryKeyId()) {
                    LOG.infof("tenant %s: batches are now signed with key id %s of batch-signing keyset %s (a rotation was promoted)", tenant,
                            Integer.toUnsignedString(next.primaryKeyId()), next.fingerprint());
                }
                return next;
            } catch (IOException | GeneralSecurityException e) {
                LOG.errorf("tenant %s: %s changed but does not unwrap (%s); still signing with %s", tenant,
                        dir.resolve(BatchSigningKey.WRAPPED_FILE), e.getMessage(), known.key().fingerprint());
                loaded = new Loaded(stamp, known.key());
                return known.key();
            }
        }
    }

    private static Object stamp(Path dir) throws IOException {
        BasicFileAttributes a = Files.readAttributes(dir.resolve(BatchSigningKey.WRAPPED_FILE), BasicFileAttributes.class);
        return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
    }
}
