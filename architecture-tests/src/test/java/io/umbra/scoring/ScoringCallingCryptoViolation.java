package io.umbra.scoring;

import io.umbra.crypto.ManifestOpener;

/** Test fixture, never production: the scoring service holding umbra-crypto's manifest opener, which the zone rule refuses. */
public final class ScoringCallingCryptoViolation {
    private ManifestOpener opener;

    private ScoringCallingCryptoViolation() {
    }
}
