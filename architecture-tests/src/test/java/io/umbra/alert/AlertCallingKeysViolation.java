package io.umbra.alert;

import io.umbra.keys.KeyVersion;

/** Test fixture, never production: the alert-service using a key-service class, which the service rule refuses. */
public final class AlertCallingKeysViolation {
    private KeyVersion version;

    private AlertCallingKeysViolation() {
    }
}
