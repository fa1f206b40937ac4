package io.umbra.scoring;

import io.umbra.events.TenantId;

import java.time.Duration;
import java.util.Optional;

/** Where the scorer finds a tenant's public material for a key version. */
public interface KeyLookup {

    /**
     * The keys of {@code tenant} at {@code keyVersion}; when not known yet, waits at most {@code maxWait}
     * for the bundle to arrive, and gives up earlier once the source is known not to have it.
     */
    Optional<TenantKeys> await(TenantId tenant, int keyVersion, Duration maxWait) throws InterruptedException;
}
