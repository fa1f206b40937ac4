package io.umbra.he.ckks;

import io.umbra.events.Topics;

/** Test fixture, never production: the engine using another Umbra module (umbra-events), which the engine rule refuses. */
public final class EngineCallingEventsViolation {
    private EngineCallingEventsViolation() {
    }

    static String tenantOf(String bundleKey) {
        return Topics.tenantOfPublicBundleKey(bundleKey);
    }
}
