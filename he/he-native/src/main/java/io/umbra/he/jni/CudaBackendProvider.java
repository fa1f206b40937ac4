package io.umbra.he.jni;

import io.umbra.he.backend.HeBackend;
import io.umbra.he.backend.HeBackendProvider;

/**
 * {@code UMBRA_HE_BACKEND=cuda}: libumbra_he_cuda (built where nvcc was found) and a visible CUDA
 * device; {@code auto}'s first choice. Without either, selection falls back (native under auto, Java
 * otherwise) with the reason in the log.
 */
public final class CudaBackendProvider implements HeBackendProvider {
    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int autoRank() {
        return 20;
    }

    @Override
    public HeBackend create() {
        String why = NativeLibrary.loadOnce("umbra_he_cuda");
        if (why == null) {
            why = CudaKernels.probe();
        }
        if (why != null) {
            throw new IllegalStateException(why);
        }
        return new CudaBackend(CudaCalls.DEVICE, "cuda");
    }

    /**
     * {@code UMBRA_HE_BACKEND=cuda-host}: the CUDA kernels' host build (in libumbra_he), for tests;
     * slow by design and never chosen by {@code auto}.
     */
    public static final class Host implements HeBackendProvider {
        @Override
        public String name() {
            return "cuda-host";
        }

        @Override
        public int autoRank() {
            return -1;
        }

        @Override
        public HeBackend create() {
            String why = NativeLibrary.loadOnce("umbra_he");
            if (why != null) {
                throw new IllegalStateException(why);
            }
            return new CudaBackend(CudaCalls.HOST, "cuda-host");
        }
    }
}
