package io.umbra.he.stray;

/** Test fixture, never production: an engine package that belongs to no layer, which the layer rule refuses. */
public final class UnlayeredEngineViolation {
    private UnlayeredEngineViolation() {
    }
}
