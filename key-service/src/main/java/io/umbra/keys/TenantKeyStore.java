package io.umbra.keys;

import io.umbra.crypto.BundleSigningKey;
import io.umbra.crypto.KeyEncryptionKey;
import io.umbra.events.envelope.PublicBundle;
import io.umbra.events.envelope.SignedBundle;
import io.umbra.crypto.ManifestKeys;
import io.umbra.events.TenantId;
import io.umbra.files.SecretFiles;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.ckks.Encryptor;
import io.umbra.he.ckks.KeyGenerator;
import io.umbra.he.ckks.PublicKey;
import io.umbra.he.ckks.SecretKey;
import io.umbra.he.serial.Seal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A tenant's keys on disk and in memory. On first start it creates, in its directory:
 *
 * <pre>
 * kek.keyset                    the local key-encryption key (Tink AES-256-GCM keyset, owner-only), unless a KMS key is configured
 * bundle-signing.wrapped        the Ed25519 bundle-signing keyset, encrypted by the key-encryption key
 * bundle-verification.json      its public half: what the encrypt-service and the scoring pool pin
 * v1/key-version.properties     public facts: tenant, version, created at, parameter set, scale
 * v1/parameters.seal            SEAL EncryptionParameters
 * v1/public-key.seal            SEAL PublicKey
 * v1/relin-keys.seal            SEAL RelinKeys (only when relinearization keys were asked for)
 * v1/secret-key.wrapped         SEAL SecretKey, encrypted by the key-encryption key — never stored in the clear
 * v1/manifest-hpke.wrapped      the HPKE private keyset, encrypted by the key-encryption key
 * </pre>
 *
 * Later starts read the same files: nothing is regenerated or overwritten. A version is written to a
 * hidden temporary directory and renamed into place in one atomic step, under a lock file, so two
 * instances starting on an empty directory end up with one key set, and a crash mid-creation leaves
 * no half version. Everything is owner-only. Several versions can live side by side; the highest
 * is current. {@link #rotate} adds the next one, {@link #destroy(int)} removes a retired one for good,
 * {@link #refresh} picks up what another replica did in the same directory.
 */
public final class TenantKeyStore {
    private static final Logger LOG = LoggerFactory.getLogger(TenantKeyStore.class);

    static final String KEK_FILE = "kek.keyset";
    static final String LOCK_FILE = ".lock";
    static final String VERSION_FILE = "key-version.properties";
    static final String PARAMETERS_FILE = "parameters.seal";
    static final String PUBLIC_KEY_FILE = "public-key.seal";
    static final String RELIN_KEYS_FILE = "relin-keys.seal";
    static final String SECRET_KEY_FILE = "secret-key.wrapped";
    static final String MANIFEST_KEYS_FILE = "manifest-hpke.wrapped";

    private static final Pattern VERSION_DIR = Pattern.compile("v([1-9][0-9]{0,8})");
    private static final String TEMP_PREFIX = ".creating-";
    /** FileChannel locks are per process: threads of one JVM queue here first. */
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final TenantId tenant;
    private final Path dir;
    private final KeyEncryptionKey kek;
    /** Replaced by a signing-key rotation (here or, seen at {@link #refresh}, by another replica). */
    private volatile BundleSigningKey signingKey;
    /** SHA-256 of the wrapped signing keyset last read or written: a change on disk is another replica's rotation. */
    private volatile String signingKeyOnDisk;
    private final boolean createdFirstVersion;
    /** Read by the decrypt loop and the API while rotation and destruction change it. */
    private final ConcurrentNavigableMap<Integer, KeyVersion> versions;

    private TenantKeyStore(TenantId tenant, Path dir, KeyEncryptionKey kek, BundleSigningKey signingKey, boolean createdFirstVersion,
                           NavigableMap<Integer, KeyVersion> versions) {
        this.tenant = tenant;
        this.createdFirstVersion = createdFirstVersion;
        this.dir = dir;
        this.kek = kek;
        this.signingKey = signingKey;
        this.versions = new ConcurrentSkipListMap<>(versions);
        this.signingKeyOnDisk = signingKeyDigest(dir);
    }

    private static String signingKeyDigest(Path dir) {
        try {
            return KeyVersion.sha256(Files.readAllBytes(dir.resolve(BundleSigningKey.WRAPPED_FILE)));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * One phase of a rotation of the bundle-signing key (umbra-crypto's {@code SigningKeyset}): the wrapped keyset and
     * {@code bundle-verification.json} are rewritten under the directory's lock and the key signing from now on is
     * the keyset's new primary. {@code window}: the least time from add to promote unless {@code force}.
     */
    public io.umbra.crypto.SigningKeyset.State rotateSigningKey(io.umbra.crypto.SigningKeyset.Phase phase, Instant now, java.time.Duration window,
                                                                boolean force) {
        return locked(dir, () -> {
            try {
                io.umbra.crypto.SigningKeyset.State state = BundleSigningKey.rotate(dir, tenant.value(), kek, phase, now, window, force);
                reloadSigningKey();
                return state;
            } catch (GeneralSecurityException e) {
                throw new KeyStoreException("the bundle-signing key in " + dir + " could not be rotated: " + e.getMessage(), e);
            }
        });
    }

    /** Where a rotation of the bundle-signing key stands (key ids, primary, the key being rotated in). */
    public io.umbra.crypto.SigningKeyset.State signingKeyState() {
        return locked(dir, () -> {
            try {
                return BundleSigningKey.rotationState(dir, tenant.value(), kek);
            } catch (GeneralSecurityException e) {
                throw new KeyStoreException("the bundle-signing key in " + dir + " does not unwrap: " + e.getMessage(), e);
            }
        });
    }

    private void reloadSigningKey() throws IOException {
        try {
            BundleSigningKey reread = BundleSigningKey.openOrCreate(dir, tenant.value(), kek);
            String before = signingKey.fingerprint();
            signingKey = reread;
            signingKeyOnDisk = signingKeyDigest(dir);
            if (!before.equals(reread.fingerprint())) {
                LOG.info("tenant {}: bundle-signing keyset is now {} (signing with key id {})", tenant, reread.fingerprint(),
                        Integer.toUnsignedString(reread.primaryKeyId()));
            }
        } catch (GeneralSecurityException e) {
            throw new KeyStoreException("the bundle-signing key in " + dir + " does not unwrap after a rotation: " + e.getMessage(), e);
        }
    }

    /**
     * The tenant's keys in {@code dir}: read if present, else version 1 is created with
     * {@code newKeys}' parameters. A {@link KeyStoreException} for anything that must stop the service
     * (a missing key-encryption key beside wrapped keys, files that do not unwrap, another tenant's keys).
     */
    public static TenantKeyStore open(Path dir, TenantId tenant, HeParameterSet newKeys, boolean relinKeys, Clock clock) {
        return open(dir, tenant, Optional.empty(), newKeys, relinKeys, clock);
    }

    /**
     * As {@link #open(Path, TenantId, HeParameterSet, boolean, Clock)}, with the key-encryption key in a
     * KMS when {@code kmsKeyUri} is given ({@code UMBRA_KEK_URI}); then no local kek.keyset is used.
     */
    public static TenantKeyStore open(Path dir, TenantId tenant, Optional<String> kmsKeyUri, HeParameterSet newKeys, boolean relinKeys,
                                      Clock clock) {
        return open(dir, tenant, kmsKeyUri, Optional.empty(), newKeys, relinKeys, clock);
    }

    /**
     * As above, with the local key-encryption keyset in a file of its own ({@code UMBRA_KEK_FILE}: a separately
     * mounted secret, not beside the keys it wraps) when {@code kekFile} is given; else {@code <dir>/kek.keyset}.
     */
    public static TenantKeyStore open(Path dir, TenantId tenant, Optional<String> kmsKeyUri, Optional<Path> kekFile, HeParameterSet newKeys,
                                      boolean relinKeys, Clock clock) {
        Path root = dir.toAbsolutePath().normalize();
        return locked(root, () -> openLocked(root, tenant, kmsKeyUri, kekFile, newKeys, relinKeys, clock));
    }

    private interface LockedAction<T> {
        T run() throws IOException;
    }

    /** Runs {@code action} holding this JVM's lock and the directory's file lock: one writer at a time, across replicas too. */
    private static <T> T locked(Path root, LockedAction<T> action) {
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(root, p -> new ReentrantLock());
        jvmLock.lock();
        try {
            if (!SecretFiles.createOwnerOnlyDirectories(root)) {
                LOG.warn("the file system of {} has no POSIX permissions: protect the key directory by other means", root);
            }
            Path lock = root.resolve(LOCK_FILE);
            try (FileChannel lockFile = FileChannel.open(lock, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    SecretFiles.ownerOnlyFileAttributes(lock));
                 FileLock ignored = lockFile.lock()) {
                return action.run();
            }
        } catch (IOException e) {
            throw new KeyStoreException("cannot use the key directory " + root + ": " + e, e);
        } finally {
            jvmLock.unlock();
        }
    }

    private static TenantKeyStore openLocked(Path root, TenantId tenant, Optional<String> kmsKeyUri, Optional<Path> kekFileOverride,
                                             HeParameterSet newKeys, boolean relinKeys, Clock clock) throws IOException {
        removeAbandonedCreations(root);
        List<Integer> existing = versionNumbers(root);
        Path kekFile = kekFileOverride.map(f -> f.toAbsolutePath().normalize()).orElse(root.resolve(KEK_FILE));
        if (kmsKeyUri.isEmpty() && !existing.isEmpty() && !Files.exists(kekFile)) {
            throw new KeyStoreException("the key-encryption keyset " + kekFile + " is missing, but " + existing.size()
                    + " wrapped key version(s) exist in " + root + ". Restore kek.keyset from its backup (or set UMBRA_KEK_URI if the"
                    + " keys were wrapped by a KMS key): a new one could not unwrap them, so none is created. Refusing to start.");
        }
        KeyEncryptionKey kek;
        try {
            kek = KeyEncryptionKey.open(kmsKeyUri, kekFile);
        } catch (GeneralSecurityException e) {
            throw new KeyStoreException("the key-encryption key (" + kmsKeyUri.map(u -> "KMS key " + u).orElse("keyset " + kekFile)
                    + ") is not usable: " + e.getMessage(), e);
        }
        BundleSigningKey signingKey;
        try {
            signingKey = BundleSigningKey.openOrCreate(root, tenant.value(), kek);
        } catch (GeneralSecurityException e) {
            throw new KeyStoreException("the bundle-signing key in " + root + " does not unwrap with " + kek + " for tenant " + tenant
                    + " (another tenant's directory — wrong UMBRA_KEYS_DIR? —, another key-encryption key, or altered files): "
                    + e.getMessage(), e);
        }
        boolean createdFirst = existing.isEmpty();
        if (createdFirst) {
            create(root, tenant, 1, newKeys, relinKeys, kek, clock);
            existing = versionNumbers(root);
        }
        NavigableMap<Integer, KeyVersion> versions = new TreeMap<>();
        for (int v : existing) {
            versions.put(v, load(root, tenant, v, kek));
        }
        KeyVersion current = versions.lastEntry().getValue();
        if (current.parameterSet() != newKeys) {
            LOG.info("tenant {}: current key version {} uses parameter set {}; UMBRA_HE_PARAMS={} applies only to key versions created from now on",
                    tenant, current.version(), current.parameterSet().label(), newKeys.label());
        }
        LOG.info("tenant {}: {} key version(s) loaded from {}, current {}; bundles signed by {}", tenant, versions.size(), root, current,
                signingKey.fingerprint());
        return new TenantKeyStore(tenant, root, kek, signingKey, createdFirst, versions);
    }

    /**
     * Creates the next key version with {@code set}'s parameters and makes it current. Other replicas
     * sharing the directory see it at their next {@link #refresh}. Returns the new version.
     */
    public KeyVersion rotate(HeParameterSet set, boolean relinKeys, Clock clock) {
        return locked(dir, () -> {
            refreshLocked();
            int next = versions.lastKey() + 1;
            create(dir, tenant, next, set, relinKeys, kek, clock);
            KeyVersion created = load(dir, tenant, next, kek);
            versions.put(next, created);
            LOG.info("tenant {}: rotated to key version {}; versions held {}", tenant, next, versions.keySet());
            return created;
        });
    }

    /**
     * Destroys retired version {@code version}: its wrapped secret files are overwritten and removed
     * and its secret key cleared in memory; results under it can no longer be decrypted. The current
     * version is never destroyed. Returns whether this call removed it.
     */
    public boolean destroy(int version) {
        return locked(dir, () -> {
            if (version >= versions.lastKey()) {
                throw new IllegalArgumentException("key version " + version + " is current: rotate first");
            }
            KeyVersion gone = versions.remove(version);
            Path vdir = dir.resolve("v" + version);
            boolean onDisk = Files.isDirectory(vdir);
            if (onDisk) {
                // renamed first, so no replica ever loads a half-removed version
                Path doomed = dir.resolve(TEMP_PREFIX + "destroyed-v" + version + "-" + HexFormat.of().formatHex(randomBytes(8)));
                Files.move(vdir, doomed, StandardCopyOption.ATOMIC_MOVE);
                for (String secret : List.of(SECRET_KEY_FILE, MANIFEST_KEYS_FILE)) {
                    SecretFiles.overwriteAndDelete(doomed.resolve(secret));
                }
                SecretFiles.deleteRecursively(doomed);
            }
            if (gone != null) {
                gone.destroy();
            }
            LOG.info("tenant {}: key version {} destroyed (secret files overwritten and removed); versions held {}", tenant, version,
                    versions.keySet());
            return gone != null || onDisk;
        });
    }

    /** Loads versions another replica created in the directory, drops those it destroyed, and picks up its signing-key rotations. */
    public void refresh() {
        locked(dir, () -> {
            refreshLocked();
            return null;
        });
    }

    private void refreshLocked() throws IOException {
        if (!signingKeyDigest(dir).equals(signingKeyOnDisk)) {
            reloadSigningKey(); // another replica ran a phase of a signing-key rotation
        }
        List<Integer> onDisk = versionNumbers(dir);
        for (int v : onDisk) {
            if (!versions.containsKey(v)) {
                versions.put(v, load(dir, tenant, v, kek));
                LOG.info("tenant {}: key version {} found in {} (created by another replica)", tenant, v, dir);
            }
        }
        for (int v : List.copyOf(versions.keySet())) {
            if (!onDisk.contains(v) && v < versions.lastKey()) {
                KeyVersion gone = versions.remove(v);
                gone.destroy();
                LOG.info("tenant {}: key version {} was destroyed by another replica; cleared here too", tenant, v);
            }
        }
    }

    /** {@code bundle} signed with the tenant's bundle-signing key for [{@code signedAt}, {@code notAfter}]. */
    public SignedBundle sign(PublicBundle bundle, Instant signedAt, Instant notAfter) {
        if (!bundle.tenant().equals(tenant)) {
            throw new IllegalArgumentException("the key-service of " + tenant + " signs only its own bundles, not " + bundle.tenant() + "'s");
        }
        byte[] signature = signingKey.sign(SignedBundle.contentToSign(bundle, signedAt, notAfter));
        return SignedBundle.of(bundle, signedAt, notAfter, signature);
    }

    /** The signed withdrawal of {@code version} at {@code at}: what replaces the bare tombstone on the shared topic. */
    public io.umbra.events.envelope.SignedWithdrawal signWithdrawal(int version, Instant at) {
        byte[] signature = signingKey.sign(io.umbra.events.envelope.SignedWithdrawal.contentToSign(tenant, version, at));
        return new io.umbra.events.envelope.SignedWithdrawal(tenant, version, at, signature);
    }

    /** The public half of the bundle-signing key, Tink JSON: what provisioning pins in the encrypt-service and the scoring pool. */
    public String verificationKeyset() {
        return signingKey.verificationKeyset();
    }

    /** {@code sha256:…} of {@link #verificationKeyset()}. */
    public String verificationKeyFingerprint() {
        return signingKey.fingerprint();
    }

    /** When {@code version} stopped being current (the creation of the next version), or empty while it is current or unknown. */
    public Optional<Instant> retiredAt(int version) {
        Map.Entry<Integer, KeyVersion> next = versions.higherEntry(version);
        return next == null || !versions.containsKey(version) ? Optional.empty() : Optional.of(next.getValue().createdAt());
    }

    public TenantId tenant() {
        return tenant;
    }

    public Path directory() {
        return dir;
    }

    /** Whether this open found no key version and made the tenant's first one. */
    public boolean createdFirstVersion() {
        return createdFirstVersion;
    }

    /** The highest version: what is published and what new batches are encrypted under. */
    public KeyVersion current() {
        return versions.lastEntry().getValue();
    }

    public Optional<KeyVersion> version(int version) {
        return Optional.ofNullable(versions.get(version));
    }

    /** Every version held, oldest first. */
    public List<KeyVersion> versions() {
        return List.copyOf(versions.values());
    }

    /** Overwrites the secret keys in memory (on shutdown); the files stay. */
    public void close() {
        versions.values().forEach(KeyVersion::destroy);
    }

    @Override
    public String toString() {
        return "TenantKeyStore[" + tenant + ", " + dir + ", versions " + versions.keySet() + "]";
    }

    // ---- creation ---------------------------------------------------------------------------------

    private static void create(Path root, TenantId tenant, int version, HeParameterSet set, boolean relinKeys, KeyEncryptionKey kek,
                               Clock clock) throws IOException {
        Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        EncryptionParameters params = set.parameters();
        CkksContext context = CkksContext.create(params);
        KeyGenerator keygen = new KeyGenerator(context);
        SecretKey secretKey = keygen.secretKey();
        byte[] publicKey = Seal.save(keygen.createPublicKey());
        byte[] relin = relinKeys && context.usingKeySwitching() ? Seal.save(keygen.createRelinKeys(true)) : null;
        if (relinKeys && relin == null) {
            LOG.warn("tenant {}: parameter set {} has no key-switching prime, so no relinearization keys", tenant, set.label());
        }
        byte[] rawSecret = Seal.save(secretKey);
        byte[] wrappedSecret;
        try {
            wrappedSecret = kek.wrap(rawSecret, secretKeyContext(tenant, version));
        } finally {
            Arrays.fill(rawSecret, (byte) 0);
            secretKey.destroy();
        }
        byte[] wrappedManifestKeys = ManifestKeys.generate().wrap(kek, manifestKeysOwner(tenant, version));

        Path temp = root.resolve(TEMP_PREFIX + "v" + version + "-" + HexFormat.of().formatHex(randomBytes(8)));
        SecretFiles.createOwnerOnlyDirectory(temp);
        try {
            SecretFiles.createNew(temp.resolve(VERSION_FILE), versionProperties(tenant, version, createdAt, set, relin != null));
            SecretFiles.createNew(temp.resolve(PARAMETERS_FILE), Seal.save(params));
            SecretFiles.createNew(temp.resolve(PUBLIC_KEY_FILE), publicKey);
            if (relin != null) {
                SecretFiles.createNew(temp.resolve(RELIN_KEYS_FILE), relin);
            }
            SecretFiles.createNew(temp.resolve(SECRET_KEY_FILE), wrappedSecret);
            SecretFiles.createNew(temp.resolve(MANIFEST_KEYS_FILE), wrappedManifestKeys);
            // one rename: a version directory is complete or absent, and an existing one is never replaced
            Files.move(temp, root.resolve("v" + version), StandardCopyOption.ATOMIC_MOVE);
            LOG.info("tenant {}: created key version {} (parameter set {}, relinearization keys: {}) in {}; secret parts stored only wrapped",
                    tenant, version, set.label(), relin != null, root);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            LOG.info("tenant {}: key version {} was created by another instance first; using it", tenant, version);
        } catch (AtomicMoveNotSupportedException e) {
            throw new KeyStoreException("the file system of " + root + " cannot rename atomically; key versions need it", e);
        } finally {
            SecretFiles.deleteRecursively(temp);
        }
    }

    static byte[] secretKeyContext(TenantId tenant, int version) {
        return (tenant.value() + "/v" + version + "/ckks-secret-key").getBytes(StandardCharsets.US_ASCII);
    }

    static String manifestKeysOwner(TenantId tenant, int version) {
        return tenant.value() + "/v" + version;
    }

    private static byte[] versionProperties(TenantId tenant, int version, Instant createdAt, HeParameterSet set, boolean relin) {
        String text = "# Umbra key version: public facts only; the secret parts are the *.wrapped files\n"
                + "tenant=" + tenant.value() + "\n"
                + "key-version=" + version + "\n"
                + "created-at=" + createdAt + "\n"
                + "parameter-set=" + set.label() + "\n"
                + "log2-scale=" + set.log2Scale() + "\n"
                + "relin-keys=" + relin + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // ---- loading ----------------------------------------------------------------------------------

    private static KeyVersion load(Path root, TenantId tenant, int version, KeyEncryptionKey kek) throws IOException {
        Path vdir = root.resolve("v" + version);
        String where = "key version " + version + " in " + vdir;
        Properties facts = new Properties();
        facts.load(new StringReader(Files.readString(vdir.resolve(VERSION_FILE), StandardCharsets.UTF_8)));
        if (!tenant.value().equals(facts.getProperty("tenant")) || !Integer.toString(version).equals(facts.getProperty("key-version"))) {
            throw new KeyStoreException(where + " belongs to tenant " + facts.getProperty("tenant") + " version "
                    + facts.getProperty("key-version") + ", not " + tenant + " version " + version + ": wrong UMBRA_KEYS_DIR?");
        }
        HeParameterSet set;
        Instant createdAt;
        try {
            set = HeParameterSet.named(facts.getProperty("parameter-set"));
            createdAt = Instant.parse(facts.getProperty("created-at"));
        } catch (RuntimeException e) {
            throw new KeyStoreException(where + ": " + VERSION_FILE + " is damaged (" + e.getMessage() + ")", e);
        }
        byte[] paramBytes = Files.readAllBytes(vdir.resolve(PARAMETERS_FILE));
        byte[] publicKeyBytes = Files.readAllBytes(vdir.resolve(PUBLIC_KEY_FILE));
        Path relinFile = vdir.resolve(RELIN_KEYS_FILE);
        byte[] relinBytes = Files.exists(relinFile) ? Files.readAllBytes(relinFile) : new byte[0];
        CkksContext context;
        PublicKey publicKey;
        try {
            EncryptionParameters params = Seal.loadParameters(paramBytes);
            if (!params.equals(set.parameters())) {
                throw new KeyStoreException(where + ": " + PARAMETERS_FILE + " does not hold the parameters of set " + set.label());
            }
            context = CkksContext.create(params);
            publicKey = Seal.loadPublicKey(context, publicKeyBytes);
            if (relinBytes.length > 0) {
                Seal.loadRelinKeys(context, relinBytes);
            }
        } catch (RuntimeException e) {
            if (e instanceof KeyStoreException k) {
                throw k;
            }
            throw new KeyStoreException(where + ": the public SEAL files do not load (" + e.getMessage() + ")", e);
        }
        SecretKey secretKey;
        ManifestKeys manifestKeys;
        byte[] rawSecret = null;
        try {
            rawSecret = kek.unwrap(Files.readAllBytes(vdir.resolve(SECRET_KEY_FILE)), secretKeyContext(tenant, version));
            secretKey = Seal.loadSecretKey(context, rawSecret);
            manifestKeys = ManifestKeys.unwrap(Files.readAllBytes(vdir.resolve(MANIFEST_KEYS_FILE)), kek, manifestKeysOwner(tenant, version));
        } catch (GeneralSecurityException e) {
            throw new KeyStoreException(where + ": the wrapped keys do not unwrap with " + kek
                    + " (another key-encryption key, another tenant's files, or altered files)", e);
        } catch (RuntimeException e) {
            throw new KeyStoreException(where + ": the unwrapped secret key does not load against the version's parameters", e);
        } finally {
            if (rawSecret != null) {
                Arrays.fill(rawSecret, (byte) 0);
            }
        }
        KeyVersion loaded = new KeyVersion(tenant, version, createdAt, set, context, paramBytes, publicKeyBytes, relinBytes, secretKey,
                manifestKeys);
        requireKeyPair(loaded, publicKey, set, where);
        return loaded;
    }

    /** Encrypts a known vector with the public key and decrypts it: the secret and public key files belong together. */
    private static void requireKeyPair(KeyVersion v, PublicKey publicKey, HeParameterSet set, String where) {
        CkksContext ctx = v.context();
        double[] probe = {1.5, -2.25, 3.0};
        Ciphertext ct = new Encryptor(ctx, publicKey).encrypt(new CkksEncoder(ctx).encode(probe, set.scale()));
        double[] back = v.decryptSlots(ct);
        for (int i = 0; i < probe.length; i++) {
            if (!(Math.abs(back[i] - probe[i]) < 1e-2)) {
                throw new KeyStoreException(where + ": the secret key does not decrypt what the public key encrypts:"
                        + " the files of two different key sets are mixed");
            }
        }
    }

    // ---- files ------------------------------------------------------------------------------------

    private static List<Integer> versionNumbers(Path root) throws IOException {
        List<Integer> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Matcher m = VERSION_DIR.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p)) {
                    found.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        Collections.sort(found);
        return found;
    }

    private static void removeAbandonedCreations(Path root) throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                if (p.getFileName().toString().startsWith(TEMP_PREFIX)) {
                    LOG.warn("removing {}: a key version whose creation was interrupted (it was never in use)", p);
                    SecretFiles.deleteRecursively(p);
                }
            }
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
