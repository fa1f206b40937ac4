package io.umbra.crypto;

import io.umbra.verify.BundleVerifier;
import io.umbra.verify.PinnedKeyFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three phases of a signing-key rotation on real Tink keysets and real files, for both kinds of signing key. */
class SigningKeyRotationTest {
    private static final byte[] DATA = "bundle of acme v3".getBytes(StandardCharsets.UTF_8);
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void bundleKeyAddPromoteRetireWithBothKeysVerifyingInTheWindow(@TempDir Path dir) throws Exception {
        KeyEncryptionKey kek = KeyEncryptionKey.localKeyset(dir.resolve("kek.keyset"));
        BundleSigningKey old = BundleSigningKey.openOrCreate(dir, "acme", kek);
        BundleVerifier pinnedBefore = BundleVerifier.fromKeyset(Files.readString(dir.resolve(BundleSigningKey.VERIFICATION_FILE)));
        byte[] byOld = old.sign(DATA);

        // add: two keys, the old one still primary; the public keyset holds both and still contains the pinned key
        SigningKeyset.State added = BundleSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.ADD, T0, WINDOW, false);
        assertEquals(2, added.keyIds().size());
        assertEquals(old.primaryKeyId(), added.primaryKeyId());
        assertTrue(added.newKeyId().isPresent() && added.newKeyId().get() != old.primaryKeyId());
        assertEquals(added.verificationKeyset(), Files.readString(dir.resolve(BundleSigningKey.VERIFICATION_FILE)));
        BundleVerifier window = BundleVerifier.fromKeyset(added.verificationKeyset());
        assertEquals(2, window.keyCount());
        assertTrue(window.sharesAKeyWith(pinnedBefore));
        BundleSigningKey afterAdd = BundleSigningKey.openOrCreate(dir, "acme", kek);
        assertEquals(old.primaryKeyId(), afterAdd.primaryKeyId(), "still signing with the old key");
        assertTrue(pinnedBefore.verifies(afterAdd.sign(DATA), DATA), "verifiers not re-pinned yet still accept what is signed now");
        assertTrue(window.verifies(byOld, DATA));

        // a second add while one is open is refused
        assertThrows(SigningKeyset.RotationRefused.class,
                () -> BundleSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.ADD, T0, WINDOW, false));
        // retire before promote is refused
        assertThrows(SigningKeyset.RotationRefused.class,
                () -> BundleSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.RETIRE, T0, WINDOW, false));
        // promotion inside the window is refused, and changes nothing
        byte[] wrappedBefore = Files.readAllBytes(dir.resolve(BundleSigningKey.WRAPPED_FILE));
        SigningKeyset.RotationRefused early = assertThrows(SigningKeyset.RotationRefused.class,
                () -> BundleSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.PROMOTE, T0.plus(Duration.ofMinutes(59)), WINDOW, false));
        assertTrue(early.tooEarly(), early.getMessage());
        assertTrue(early.getMessage().contains("--force"), early.getMessage());
        assertEquals(List.of(wrappedBefore.length), List.of(Files.readAllBytes(dir.resolve(BundleSigningKey.WRAPPED_FILE)).length));
        assertEquals(old.primaryKeyId(), BundleSigningKey.openOrCreate(dir, "acme", kek).primaryKeyId());

        // promote once the window has passed: the new key signs; both verify under the window keyset
        SigningKeyset.State promoted = BundleSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.PROMOTE, T0.plus(WINDOW), WINDOW, false);
        assertEquals(added.newKeyId().get(), promoted.primaryKeyId());
        BundleSigningKey fresh = BundleSigningKey.openOrCreate(dir, "acme", kek);
        byte[] byNew = fresh.sign(DATA);
        assertTrue(window.verifies(byNew, DATA), "the keyset pinned in the window verifies the new key's signatures");
        assertTrue(window.verifies(byOld, DATA), "and still the old key's");
        assertFalse(pinnedBefore.verifies(byNew, DATA), "a verifier never re-pinned refuses the new key: why promotion waits");
        assertTrue(BundleVerifier.fromKeyset(promoted.verificationKeyset()).sharesAKeyWith(window));

        // retire: only the new key is left; the old key's signatures are refused by the keyset to pin now
        SigningKeyset.State retired = BundleSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.RETIRE, T0.plus(WINDOW), WINDOW, false);
        assertEquals(List.of(promoted.primaryKeyId()), retired.keyIds());
        assertTrue(retired.newKeyId().isEmpty());
        BundleVerifier after = BundleVerifier.fromKeyset(Files.readString(dir.resolve(BundleSigningKey.VERIFICATION_FILE)));
        assertEquals(1, after.keyCount());
        assertFalse(after.verifies(byOld, DATA), "after retire the old key's signatures are refused");
        assertTrue(after.verifies(byNew, DATA));
        assertTrue(after.sharesAKeyWith(window), "the last re-pin still contains a key pinned in the window");
        assertFalse(after.sharesAKeyWith(pinnedBefore), "but nothing of the original pin");
        assertFalse(Files.exists(dir.resolve(BundleSigningKey.ROTATION_FILE)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(BundleSigningKey.WRAPPED_FILE))));
        assertNotEquals(old.fingerprint(), BundleSigningKey.openOrCreate(dir, "acme", kek).fingerprint());
        // still bound to the tenant and the key-encryption key
        byte[] wrapped = Files.readAllBytes(dir.resolve(BundleSigningKey.WRAPPED_FILE));
        assertThrows(java.security.GeneralSecurityException.class, () -> BundleSigningKey.unwrap(wrapped, kek, "globex"));
        // and a next rotation can start
        assertEquals(2, BundleSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.ADD, T0.plus(WINDOW), WINDOW, false).keyIds().size());
    }

    @Test
    void batchKeyRotatesTheSameWayAndForceOverridesOnlyTheWindow(@TempDir Path dir) throws Exception {
        KeyEncryptionKey kek = KeyEncryptionKey.localKeyset(dir.resolve("kek.keyset"));
        BatchSigningKey old = BatchSigningKey.openOrCreate(dir, "acme", kek);
        byte[] byOld = old.sign(DATA);
        assertThrows(SigningKeyset.RotationRefused.class,
                () -> BatchSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.PROMOTE, T0, WINDOW, true), "nothing added: force does not help");
        BatchSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.ADD, T0, WINDOW, false);
        BatchSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.PROMOTE, T0, WINDOW, true);
        BatchSigningKey fresh = BatchSigningKey.openOrCreate(dir, "acme", kek);
        assertNotEquals(old.primaryKeyId(), fresh.primaryKeyId());
        BundleVerifier window = BundleVerifier.fromKeyset(Files.readString(dir.resolve(BatchSigningKey.VERIFICATION_FILE)));
        assertTrue(window.verifies(byOld, DATA) && window.verifies(fresh.sign(DATA), DATA));
        BatchSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.RETIRE, T0, WINDOW, false);
        BundleVerifier after = BatchSigningKey.openOrCreate(dir, "acme", kek).verifier();
        assertFalse(after.verifies(byOld, DATA));
        assertTrue(after.verifies(fresh.sign(DATA), DATA));
    }

    @Test
    void aPublicHalfLeftBehindByAnInterruptedRotationIsRewrittenAnotherKeysIsRefused(@TempDir Path dir) throws Exception {
        KeyEncryptionKey kek = KeyEncryptionKey.localKeyset(dir.resolve("kek.keyset"));
        BundleSigningKey.openOrCreate(dir, "acme", kek);
        String before = Files.readString(dir.resolve(BundleSigningKey.VERIFICATION_FILE));
        SigningKeyset.State added = BundleSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.ADD, T0, WINDOW, false);
        Files.writeString(dir.resolve(BundleSigningKey.VERIFICATION_FILE), before); // as if the second write had not happened
        assertEquals(added.verificationKeyset(), BundleSigningKey.openOrCreate(dir, "acme", kek).verificationKeyset());
        assertEquals(added.verificationKeyset(), Files.readString(dir.resolve(BundleSigningKey.VERIFICATION_FILE)));
        Files.writeString(dir.resolve(BundleSigningKey.VERIFICATION_FILE), BundleSigningKey.generate().verificationKeyset());
        assertThrows(java.security.GeneralSecurityException.class, () -> BundleSigningKey.openOrCreate(dir, "acme", kek));
    }

    @Test
    void aPhaseInterruptedBetweenItsWritesIsRecoveredFrom(@TempDir Path dir) throws Exception {
        KeyEncryptionKey kek = KeyEncryptionKey.localKeyset(dir.resolve("kek.keyset"));
        BatchSigningKey.openOrCreate(dir, "acme", kek);
        Path record = dir.resolve(BatchSigningKey.ROTATION_FILE);
        // an add cut short after the keyset was written, before its record: the next add finishes it, the window starting then
        SigningKeyset.State added = BatchSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.ADD, T0, WINDOW, false);
        Files.delete(record);
        assertThrows(SigningKeyset.RotationRefused.class,
                () -> BatchSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.PROMOTE, T0.plus(WINDOW), WINDOW, false));
        SigningKeyset.State adopted = BatchSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.ADD, T0.plus(WINDOW), WINDOW, false);
        assertEquals(added.keyIds(), adopted.keyIds(), "no third key");
        assertEquals(added.newKeyId(), adopted.newKeyId());
        assertEquals(java.util.Optional.of(T0.plus(WINDOW)), adopted.newKeyAddedAt());
        assertThrows(SigningKeyset.RotationRefused.class,
                () -> BatchSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.PROMOTE, T0.plus(WINDOW), WINDOW, false), "the window restarted");
        BatchSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.PROMOTE, T0.plus(WINDOW.multipliedBy(2)), WINDOW, false);
        // a retire cut short after the keyset was written, before its record was removed: the leftover is ignored
        byte[] leftover = Files.readAllBytes(record);
        BatchSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.RETIRE, T0, WINDOW, false);
        Files.write(record, leftover);
        assertTrue(BatchSigningKey.rotationState(dir, "acme", kek).newKeyId().isEmpty());
        assertEquals(2, BatchSigningKey.rotate(dir, "acme", kek, SigningKeyset.Phase.ADD, T0, WINDOW, false).keyIds().size());
    }

    @Test
    void aPinnedKeyFileIsReadAgainWhenItChangesAndAnUnusableOneKeepsThePinInForce(@TempDir Path dir) throws Exception {
        BundleSigningKey a = BundleSigningKey.generate();
        BundleSigningKey b = BundleSigningKey.generate();
        Path file = dir.resolve("acme.json");
        Files.writeString(file, a.verificationKeyset());
        List<String> notices = new ArrayList<>();
        PinnedKeyFile pinned = PinnedKeyFile.open(file, notices::add);
        assertTrue(pinned.current().verifies(a.sign(DATA), DATA));
        assertFalse(pinned.current().verifies(b.sign(DATA), DATA));
        Files.writeString(file, b.verificationKeyset());
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5))); // a change even on a coarse clock
        assertTrue(pinned.current().verifies(b.sign(DATA), DATA), "the re-pinned key is used without a new PinnedKeyFile");
        assertFalse(pinned.current().verifies(a.sign(DATA), DATA));
        assertEquals(1, notices.size(), notices.toString());
        Files.writeString(file, "{ not a keyset");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        assertTrue(pinned.current().verifies(b.sign(DATA), DATA), "garbage does not replace the pin in force");
        assertFalse(pinned.current().verifies(a.sign(DATA), DATA));
        assertEquals(2, notices.size(), notices.toString());
        assertTrue(notices.get(1).contains("unusable"), notices.get(1));
    }
}
