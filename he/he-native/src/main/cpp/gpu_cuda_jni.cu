// The CUDA backend's device library (libumbra_he_cuda.so): gpu_kernels.h's functors launched as
// CUDA kernels, one thread per butterfly or word, through gpu_pipeline.h. Exposed as
// io.umbra.he.jni.CudaKernels. Built only where nvcc is found; run and checked by gpu-check.sh.
#include "gpu_pipeline.h"

#include <cuda_runtime.h>

#include <cstdio>
#include <stdexcept>

namespace {

template <class F>
__global__ void launch(F f, umbra::u64 count) {
    const umbra::u64 t = static_cast<umbra::u64>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (t < count) f(t);
}

void check(cudaError_t e, const char* what) {
    if (e != cudaSuccess) {
        std::fprintf(stderr, "umbra cuda: %s: %s\n", what, cudaGetErrorString(e));
        std::abort(); // a failed device call leaves no trustworthy result; never hand back wrong words
    }
}

struct CudaExec {
    static const char* probe() {
        int count = 0;
        if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) return "no CUDA device visible";
        return nullptr;
    }
    static void* alloc(std::size_t bytes) {
        void* p = nullptr;
        check(cudaMalloc(&p, bytes), "cudaMalloc");
        return p;
    }
    static void release(void* p) { check(cudaFree(p), "cudaFree"); }
    static void up(void* dst, const void* src, std::size_t bytes) {
        if (bytes != 0) check(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice), "copy to device");
    }
    static void down(void* dst, const void* src, std::size_t bytes) {
        if (bytes != 0) check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost), "copy to host");
    }
    template <class F> static void run(const F& f, umbra::u64 count) {
        if (count == 0) return;
        const unsigned threads = 256;
        const umbra::u64 blocks = (count + threads - 1) / threads;
        launch<<<static_cast<unsigned>(blocks), threads>>>(f, count);
        check(cudaGetLastError(), "kernel launch");
    }
};

} // namespace

#define EXEC CudaExec
#define GPU_JNI(name) Java_io_umbra_he_jni_CudaKernels_##name
#include "gpu_jni.inc"
