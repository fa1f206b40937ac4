package io.umbra.local;

import io.umbra.files.SecretFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The SCRAM passwords of a secured local run: one random password per principal, each in its own
 * owner-only file {@code <run>/kafka-credentials/<principal>.password} (the directory owner-only too).
 * A service is handed the path ({@code KAFKA_SASL_PASSWORD_FILE}), never the password: it stays off
 * every command line, environment listing and log. New passwords at every start, except the broker
 * admin's when the broker's data is kept (the admin is written into the data at format time).
 */
public final class KafkaCredentials {
    /** The broker's own super user: the launcher's admin client, inter-broker traffic, the operator's tools. */
    public static final String ADMIN = "admin";
    private static final String SUFFIX = ".password";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final Map<String, String> passwords;
    private final boolean adminReused;

    private KafkaCredentials(Path directory, Map<String, String> passwords, boolean adminReused) {
        this.directory = directory;
        this.passwords = Map.copyOf(passwords);
        this.adminReused = adminReused;
    }

    /**
     * Writes a fresh password for each of {@code users} and for {@link #ADMIN} into {@code directory};
     * with {@code keepAdmin}, an existing admin password file is read instead of replaced.
     */
    static KafkaCredentials provision(Path directory, Collection<String> users, boolean keepAdmin) {
        ownerOnlyDirectory(directory);
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String user : users) {
            if (user.equals(ADMIN)) {
                throw new IllegalArgumentException("a principal may not be named " + ADMIN);
            }
            passwords.put(user, write(directory.resolve(user + SUFFIX), newPassword()));
        }
        Path adminFile = directory.resolve(ADMIN + SUFFIX);
        boolean reused = keepAdmin && Files.isRegularFile(adminFile);
        passwords.put(ADMIN, reused ? read(adminFile) : write(adminFile, newPassword()));
        return new KafkaCredentials(directory, passwords, reused);
    }

    /** Creates {@code dir} (and its parents) and makes it accessible to its owner only. */
    static void ownerOnlyDirectory(Path dir) {
        try {
            // false on a non-POSIX file system (Windows): the user's profile directory is private already
            SecretFiles.createOwnerOnlyDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the owner-only directory " + dir, e);
        }
    }

    /** 192 random bits as hex: letters and digits only, nothing a JAAS line would need to quote. */
    private static String newPassword() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Replaces {@code file} by one created owner-only from the start (never readable by others, not even for a moment). */
    private static String write(Path file, String password) {
        try {
            Files.deleteIfExists(file);
            SecretFiles.createNew(file, (password + "\n").getBytes(StandardCharsets.US_ASCII));
            return password;
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("another process wrote " + file + " meanwhile", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the password file " + file, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the password file " + file, e);
        }
    }

    /** {@code <run>/kafka-credentials}. */
    public Path directory() {
        return directory;
    }

    /** The file holding {@code user}'s password (what {@code KAFKA_SASL_PASSWORD_FILE} names). */
    public Path passwordFile(String user) {
        if (!passwords.containsKey(Objects.requireNonNull(user, "user"))) {
            throw new IllegalArgumentException("no Kafka principal " + user + " in this run; principals: " + passwords.keySet());
        }
        return directory.resolve(user + SUFFIX);
    }

    /** The principals and their passwords, the admin excluded: what the broker is started with. */
    Map<String, String> userPasswords() {
        Map<String, String> users = new LinkedHashMap<>(passwords);
        users.remove(ADMIN);
        return users;
    }

    String adminPassword() {
        return passwords.get(ADMIN);
    }

    /** Whether the admin password was read from an earlier run rather than made now. */
    boolean adminReused() {
        return adminReused;
    }

    @Override
    public String toString() {
        return "KafkaCredentials[" + directory + ", principals " + passwords.keySet() + "]";
    }

    /**
     * Principals and passwords for the local run's broker ({@code <run>/kafka}), handed to {@code broker}.
     * The data directory is made owner-only first: the broker keeps its admin password in
     * {@code server.properties} there.
     */
    static KafkaCredentials forBroker(io.umbra.kafka.local.EmbeddedKafka.Builder broker, KafkaAccess access, Path runDirectory) {
        Path data = runDirectory.resolve("kafka");
        boolean keptData = Files.exists(data.resolve("logs").resolve("meta.properties"));
        KafkaCredentials credentials = provision(runDirectory.resolve("kafka-credentials"),
                access.principals().stream().map(KafkaAccess.Principal::name).toList(), keptData);
        if (keptData && !credentials.adminReused()) {
            throw new IllegalStateException("the kept broker data in " + data + " has no admin password in " + credentials.directory()
                    + " (it was made by a run without Kafka security): delete " + data + " or run without security");
        }
        ownerOnlyDirectory(data);
        broker.scramUsers(credentials.userPasswords()).scramAdmin(ADMIN, credentials.adminPassword());
        return credentials;
    }
}
