package io.umbra.crypto;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import io.umbra.files.SecretFiles;
import io.umbra.verify.BundleVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An Ed25519 signing keyset of a tenant (Tink) and its files: what {@link BundleSigningKey} and
 * {@link BatchSigningKey} are made of. Tink signs with the keyset's primary key and a verifier built from
 * the public keyset accepts a signature by any of its enabled keys; rotation uses exactly that, in three
 * phases that each rewrite the wrapped keyset and its public half in place (atomically, owner-only):
 *
 * <ol>
 *   <li>{@link Phase#ADD}: a new key joins the keyset, enabled but not primary; signatures are still made
 *   with the old key. The public keyset now holds both: operators re-pin it.</li>
 *   <li>{@link Phase#PROMOTE}: the new key becomes primary; from now on everything is signed with it. Refused
 *   while the new key is younger than the overlap window (the re-pin may not have reached every verifier),
 *   unless forced.</li>
 *   <li>{@link Phase#RETIRE}: the old key leaves the keyset; the public keyset holds the new key alone, and
 *   operators re-pin it. Refused before the promotion.</li>
 * </ol>
 *
 * When the new key was added is kept beside the keyset ({@code <name>.rotation}, public facts: key id and time)
 * until the rotation ends. Every phase holds a lock file in the directory, so two callers never interleave. A
 * phase interrupted between its writes is recovered from: a record that does not describe the keyset is ignored,
 * and a keyset of two keys without a record (an add cut short) gets one at the next add, its window starting then.
 */
public final class SigningKeyset {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyset.class);
    private static final String TEMPLATE = "ED25519";
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    /** The three phases of a signing-key rotation. */
    public enum Phase {
        ADD, PROMOTE, RETIRE;

        /** {@code add}, {@code promote} or {@code retire}, in any case. */
        public static Phase parse(String text) {
            try {
                return valueOf(text.strip().toUpperCase(java.util.Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("unknown phase '" + text + "': add, promote or retire");
            }
        }
    }

    /** What a keyset's files are called and how its wrapping is bound: one per kind of signing key. */
    record Kind(String name, String wrappedFile, String verificationFile, String wrappingContext) {
        String rotationFile() {
            return name + ".rotation";
        }

        String lockFile() {
            return "." + name + ".lock";
        }
    }

    /** A refused phase: the keyset is not in the state the phase needs (nothing was changed). */
    public static final class RotationRefused extends IllegalStateException {
        private final boolean tooEarly;

        RotationRefused(String message, boolean tooEarly) {
            super(message);
            this.tooEarly = tooEarly;
        }

        /** Refused only because the overlap window has not passed yet ({@code --force} would override it). */
        public boolean tooEarly() {
            return tooEarly;
        }
    }

    /**
     * The outcome of a phase: the key ids of the keyset, the primary (the key that signs), the key being
     * rotated in (if a rotation is open) and when it was added, and the public keyset to pin now.
     */
    public record State(String kind, List<Integer> keyIds, int primaryKeyId, Optional<Integer> newKeyId, Optional<Instant> newKeyAddedAt,
                        String verificationKeyset, String fingerprint) {
    }

    private final Kind kind;
    private final KeysetHandle privateKeyset;
    private final PublicKeySign sign;
    private final String verificationKeyset;
    private final String fingerprint;

    private SigningKeyset(Kind kind, KeysetHandle privateKeyset) throws GeneralSecurityException {
        this.kind = kind;
        this.privateKeyset = privateKeyset;
        this.sign = privateKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
        KeysetHandle publicKeyset = privateKeyset.getPublicKeysetHandle();
        this.verificationKeyset = TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(publicKeyset);
        this.fingerprint = BundleVerifier.fingerprintOf(publicKeyset);
    }

    static SigningKeyset generate(Kind kind) {
        Tink.register();
        try {
            return new SigningKeyset(kind, KeysetHandle.generateNew(com.google.crypto.tink.KeyTemplates.get(TEMPLATE)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not generate an Ed25519 key", e);
        }
    }

    /**
     * The keyset in {@code dir}: unwrapped if its wrapped file exists, else generated, wrapped and written with its
     * public half, never replacing a file (two processes racing on an empty directory end with one key). A public
     * half left behind by a rotation interrupted between its two writes (it shares a key with the keyset) is
     * rewritten; one of another keyset altogether is refused.
     */
    static SigningKeyset openOrCreate(Kind kind, Path dir, String tenant, KeyEncryptionKey kek, String pinHint)
            throws IOException, GeneralSecurityException {
        Tink.register();
        Path wrappedFile = dir.resolve(kind.wrappedFile());
        if (!Files.exists(wrappedFile)) {
            SigningKeyset fresh = generate(kind);
            Files.createDirectories(dir);
            warnWithoutPosix(wrappedFile);
            if (SecretFiles.writeOnce(wrappedFile, fresh.wrap(kek, tenant))) { // the first writer wins, a later one reads the winner's
                LOG.info("tenant {}: created the {} key (Ed25519, wrapped by {}); verification key {} written to {}: pin it {}", tenant,
                        kind.name(), kek, fresh.fingerprint, dir.resolve(kind.verificationFile()), pinHint);
            }
        }
        SigningKeyset key = unwrap(kind, Files.readAllBytes(wrappedFile), kek, tenant);
        Path verification = dir.resolve(kind.verificationFile());
        if (!Files.exists(verification)) {
            SecretFiles.writeOnce(verification, key.verificationKeyset.getBytes(StandardCharsets.UTF_8));
        } else {
            String onDisk = Files.readString(verification, StandardCharsets.UTF_8);
            if (!onDisk.equals(key.verificationKeyset)) {
                if (!key.sharesAKeyWith(onDisk)) {
                    throw new GeneralSecurityException(verification + " does not hold the public half of " + wrappedFile
                            + ": the files of two " + kind.name() + " keys are mixed; restore both from the same backup");
                }
                LOG.warn("tenant {}: {} was left behind by an interrupted rotation; rewritten from {}", tenant, verification, wrappedFile);
                SecretFiles.replace(verification, key.verificationKeyset.getBytes(StandardCharsets.UTF_8));
            }
        }
        return key;
    }

    static SigningKeyset unwrap(Kind kind, byte[] wrapped, KeyEncryptionKey kek, String tenant) throws GeneralSecurityException {
        Tink.register();
        return new SigningKeyset(kind, TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, kek.aead(), context(kind, tenant)));
    }

    byte[] wrap(KeyEncryptionKey kek, String tenant) {
        try {
            return TinkProtoKeysetFormat.serializeEncryptedKeyset(privateKeyset, kek.aead(), context(kind, tenant));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not wrap the " + kind.name() + " keyset", e);
        }
    }

    byte[] sign(byte[] data) {
        try {
            return sign.sign(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not sign", e);
        }
    }

    String verificationKeyset() {
        return verificationKeyset;
    }

    String fingerprint() {
        return fingerprint;
    }

    int primaryKeyId() {
        return privateKeyset.getPrimary().getId();
    }

    List<Integer> keyIds() {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < privateKeyset.size(); i++) {
            ids.add(privateKeyset.getAt(i).getId());
        }
        return ids;
    }

    BundleVerifier verifier() {
        try {
            return BundleVerifier.fromKeyset(verificationKeyset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the public half of a signing keyset does not parse", e);
        }
    }

    private boolean sharesAKeyWith(String publicKeysetJson) {
        try {
            return verifier().sharesAKeyWith(BundleVerifier.fromKeyset(publicKeysetJson));
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Runs {@code phase} on the keyset in {@code dir} (which must exist) and writes the result: the wrapped
     * keyset first, then its public half, then the rotation record. {@code window} is the least time between
     * {@link Phase#ADD} and {@link Phase#PROMOTE}, ignored when {@code force}. A {@link RotationRefused} if the
     * keyset is not in the state the phase needs; nothing is written then.
     */
    static State rotate(Kind kind, Path dir, String tenant, KeyEncryptionKey kek, Phase phase, Instant now, Duration window, boolean force)
            throws IOException, GeneralSecurityException {
        Path root = dir.toAbsolutePath().normalize();
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(root.resolve(kind.lockFile()), p -> new ReentrantLock());
        jvmLock.lock();
        Path lock = root.resolve(kind.lockFile());
        try (FileChannel lockFile = FileChannel.open(lock, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                SecretFiles.ownerOnlyFileAttributes(lock));
             FileLock ignored = lockFile.lock()) {
            Path wrappedFile = root.resolve(kind.wrappedFile());
            if (!Files.exists(wrappedFile)) {
                throw new RotationRefused("there is no " + kind.name() + " key in " + root + " to rotate", false);
            }
            SigningKeyset current = unwrap(kind, Files.readAllBytes(wrappedFile), kek, tenant);
            Path rotationFile = root.resolve(kind.rotationFile());
            Optional<Rotation> open = current.valid(readRotation(rotationFile));
            if (phase == Phase.ADD && open.isEmpty() && current.privateKeyset.size() == 2) {
                // an add interrupted after the keyset was written but before its record: finish it, the window starting now
                Rotation adopted = new Rotation(current.nonPrimaryKeyId(), now);
                SecretFiles.replace(rotationFile, adopted.encode());
                SecretFiles.replace(root.resolve(kind.verificationFile()), current.verificationKeyset.getBytes(StandardCharsets.UTF_8));
                LOG.warn("tenant {}: {} key {} was added by an interrupted rotation; its overlap window starts now", tenant, kind.name(),
                        Integer.toUnsignedString(adopted.keyId()));
                return current.state(Optional.of(adopted));
            }
            SigningKeyset next = switch (phase) {
                case ADD -> current.withNewKey(open);
                case PROMOTE -> current.promoted(open, now, window, force);
                case RETIRE -> current.retired(open);
            };
            Optional<Rotation> after = switch (phase) {
                case ADD -> Optional.of(new Rotation(newestId(current, next), now));
                case PROMOTE -> open;
                case RETIRE -> Optional.empty();
            };
            if (phase == Phase.ADD) {
                // the record first: if the keyset write fails, a record naming a key the keyset lacks is ignored
                SecretFiles.replace(rotationFile, after.get().encode());
            }
            warnWithoutPosix(wrappedFile);
            SecretFiles.replace(wrappedFile, next.wrap(kek, tenant));
            SecretFiles.replace(root.resolve(kind.verificationFile()), next.verificationKeyset.getBytes(StandardCharsets.UTF_8));
            if (after.isEmpty()) {
                Files.deleteIfExists(rotationFile);
            }
            LOG.info("tenant {}: {} key rotation, phase {}: keys {}, primary {}, public keyset {}", tenant, kind.name(),
                    phase.name().toLowerCase(java.util.Locale.ROOT), next.keyIds(), next.primaryKeyId(), next.fingerprint);
            return next.state(after);
        } finally {
            jvmLock.unlock();
        }
    }

    /** Where a rotation of the keyset in {@code dir} stands, without changing anything. */
    static State state(Kind kind, Path dir, String tenant, KeyEncryptionKey kek) throws IOException, GeneralSecurityException {
        SigningKeyset current = unwrap(kind, Files.readAllBytes(dir.resolve(kind.wrappedFile())), kek, tenant);
        return current.state(current.valid(readRotation(dir.resolve(kind.rotationFile()))));
    }

    /** The rotation record if it describes this keyset (two keys, the record's among them); a leftover of an interrupted phase is not. */
    private Optional<Rotation> valid(Optional<Rotation> record) {
        return record.filter(r -> privateKeyset.size() == 2 && indexOf(r.keyId()) >= 0);
    }

    private int nonPrimaryKeyId() {
        for (int i = 0; i < privateKeyset.size(); i++) {
            if (!privateKeyset.getAt(i).isPrimary()) {
                return privateKeyset.getAt(i).getId();
            }
        }
        throw new IllegalStateException("no key besides the primary");
    }

    State state(Optional<Rotation> rotation) {
        return new State(kind.name(), keyIds(), primaryKeyId(), rotation.map(Rotation::keyId), rotation.map(Rotation::addedAt),
                verificationKeyset, fingerprint);
    }

    private SigningKeyset withNewKey(Optional<Rotation> open) throws GeneralSecurityException {
        if (privateKeyset.size() != 1 || open.isPresent()) {
            throw new RotationRefused("a rotation of the " + kind.name() + " key is already open (keys " + keyIds() + ", primary "
                    + primaryKeyId() + "): promote and retire it before adding another key", false);
        }
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(privateKeyset);
        builder.addEntry(KeysetHandle.generateEntryFromParametersName(TEMPLATE).withRandomId().setStatus(KeyStatus.ENABLED));
        return new SigningKeyset(kind, builder.build());
    }

    private SigningKeyset promoted(Optional<Rotation> open, Instant now, Duration window, boolean force) throws GeneralSecurityException {
        if (open.isEmpty() || privateKeyset.size() != 2 || indexOf(open.get().keyId()) < 0) {
            throw new RotationRefused("no new " + kind.name() + " key to promote (keys " + keyIds() + "): run the add phase first", false);
        }
        Rotation r = open.get();
        if (primaryKeyId() == r.keyId()) {
            throw new RotationRefused("the new " + kind.name() + " key " + r.keyId() + " is primary already: retire the old one next", false);
        }
        Instant earliest = r.addedAt().plus(window);
        if (now.isBefore(earliest) && !force) {
            throw new RotationRefused("the new " + kind.name() + " key " + r.keyId() + " was added at " + r.addedAt() + "; it may be promoted"
                    + " from " + earliest + " (the overlap window " + window + ", time for every verifier to re-pin the public keyset that"
                    + " holds it). Promoting earlier makes signatures that verifiers still pinning the old keyset refuse; --force"
                    + " overrides this once every pin is known to hold the new key", true);
        }
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(privateKeyset);
        builder.getAt(indexOf(r.keyId())).makePrimary();
        return new SigningKeyset(kind, builder.build());
    }

    private SigningKeyset retired(Optional<Rotation> open) throws GeneralSecurityException {
        if (open.isEmpty() || privateKeyset.size() != 2) {
            throw new RotationRefused("no rotation of the " + kind.name() + " key is open (keys " + keyIds() + "): nothing to retire", false);
        }
        if (primaryKeyId() != open.get().keyId()) {
            throw new RotationRefused("the new " + kind.name() + " key " + open.get().keyId() + " is not primary yet: promote it before"
                    + " retiring the old key, or signatures would stop", false);
        }
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(privateKeyset);
        for (int i = builder.size() - 1; i >= 0; i--) {
            if (!builder.getAt(i).isPrimary()) {
                builder.deleteAt(i);
            }
        }
        return new SigningKeyset(kind, builder.build());
    }

    private int indexOf(int keyId) {
        for (int i = 0; i < privateKeyset.size(); i++) {
            if (privateKeyset.getAt(i).getId() == keyId) {
                return i;
            }
        }
        return -1;
    }

    private static int newestId(SigningKeyset before, SigningKeyset after) {
        List<Integer> ids = after.keyIds();
        ids.removeAll(before.keyIds());
        return ids.get(0);
    }

    /** The open rotation: the new key's id and when it was added. */
    record Rotation(int keyId, Instant addedAt) {
        byte[] encode() {
            return ("# a signing-key rotation in progress (public facts)\nkey-id=" + Integer.toUnsignedString(keyId) + "\nadded-at=" + addedAt
                    + "\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    private static Optional<Rotation> readRotation(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        try {
            return Optional.of(new Rotation(Integer.parseUnsignedInt(p.getProperty("key-id", "")), Instant.parse(p.getProperty("added-at", ""))));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IOException(file + " is not a rotation record (key-id, added-at): " + e.getMessage(), e);
        }
    }

    private static byte[] context(Kind kind, String tenant) {
        return ("umbra " + kind.wrappingContext() + " keyset\0" + tenant).getBytes(StandardCharsets.UTF_8);
    }

    private static void warnWithoutPosix(Path file) throws IOException {
        if (!SecretFiles.hasPosixPermissions(file)) {
            LOG.warn("the file system of {} has no POSIX permissions: protect the signing key by other means", file);
        }
    }
}
