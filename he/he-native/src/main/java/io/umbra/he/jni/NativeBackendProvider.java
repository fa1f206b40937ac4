package io.umbra.he.jni;

import io.umbra.he.backend.HeBackend;
import io.umbra.he.backend.HeBackendProvider;

/** {@code UMBRA_HE_BACKEND=native}: libumbra_he from the classpath; {@code auto}'s choice where no GPU is. */
public final class NativeBackendProvider implements HeBackendProvider {
    @Override
    public String name() {
        return "native";
    }

    @Override
    public int autoRank() {
        return 10;
    }

    @Override
    public HeBackend create() {
        String why = NativeLibrary.loadOnce("umbra_he");
        if (why != null) {
            throw new IllegalStateException(why);
        }
        return new NativeBackend();
    }
}
