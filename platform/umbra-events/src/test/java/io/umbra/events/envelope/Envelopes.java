package io.umbra.events.envelope;

import io.umbra.events.TenantId;
import io.umbra.events.manifest.SealedManifest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Test envelopes with random "ciphertext" bytes. */
final class Envelopes {
    static final TenantId ACME = TenantId.of("acme");
    static final Instant CREATED = Instant.parse("2025-11-23T17:42:08.123456Z");

    private Envelopes() {
    }

    static List<byte[]> ciphertexts(Random rnd, int count, int maxBytes) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] c = new byte[1 + rnd.nextInt(maxBytes)];
            rnd.nextBytes(c);
            out.add(c);
        }
        return out;
    }

    static SealedManifest manifest(Random rnd, int bytes) {
        byte[] m = new byte[bytes];
        rnd.nextBytes(m);
        return new SealedManifest(m);
    }

    static ScoreRequest request(Random rnd) {
        return new ScoreRequest(new BatchHeader(ACME, new UUID(rnd.nextLong(), rnd.nextLong()), 1 + rnd.nextInt(9),
                1 + rnd.nextInt(2048), 1), CREATED, ciphertexts(rnd, 1 + rnd.nextInt(4), 64), manifest(rnd, 1 + rnd.nextInt(64)));
    }

    static ScoreResult result(Random rnd) {
        return ScoreResult.of(request(rnd), "logreg-fraud", 7, CREATED.plusMillis(40), CREATED.plusMillis(95),
                ciphertexts(rnd, 1, 64));
    }
}
