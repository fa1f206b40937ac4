// The host build of the CUDA backend: gpu_kernels.h's functors run by a loop over the thread index
// on the CPU, through the same orchestration (gpu_pipeline.h) the GPU uses. Slow by design (one
// "thread" at a time); it exists so the normal test run proves the device arithmetic bit-identical
// to the Java backend on machines without a GPU. Exposed as io.umbra.he.jni.CudaHostKernels.
#include "gpu_pipeline.h"

#include <cstdlib>
#include <cstring>

namespace {

struct HostExec {
    static const char* probe() { return nullptr; }
    static void* alloc(std::size_t bytes) { return std::malloc(bytes); }
    static void release(void* p) { std::free(p); }
    static void up(void* dst, const void* src, std::size_t bytes) { if (bytes != 0) std::memcpy(dst, src, bytes); }
    static void down(void* dst, const void* src, std::size_t bytes) { if (bytes != 0) std::memcpy(dst, src, bytes); }
    template <class F> static void run(const F& f, umbra::u64 count) {
        for (umbra::u64 t = 0; t < count; t++) f(t);
    }
};

} // namespace

#define EXEC HostExec
#define GPU_JNI(name) Java_io_umbra_he_jni_CudaHostKernels_##name
#include "gpu_jni.inc"
