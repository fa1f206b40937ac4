#!/usr/bin/env bash
# Builds the native backend's JNI library with CMake and g++ (and the CUDA backend's with nvcc where
# nvcc is found) into target/native/, which the classifier jar packages. Called by Maven
# (exec-maven-plugin, phase compile); never downloads anything. Where CMake or a C++ compiler is
# missing it says so and exits 0: the build and the tests then run on the Java backend.
#
#   build-native.sh <build dir> <output classes dir> <java home> <skip:true|false> <cuda:auto|true|false>
set -uo pipefail

BUILD=$1 OUT=$2 JAVA_HOME_DIR=$3 SKIP=${4:-false} CUDA=${5:-auto}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) PLATFORM=linux-x86_64 ;;
  Linux-aarch64) PLATFORM=linux-aarch64 ;;
  *) PLATFORM= ;;
esac
STATUS=$OUT/io/umbra/he/jni/build-status.properties
mkdir -p "$(dirname "$STATUS")"
# Never leave a library of an earlier build behind: a skipped or failed build must not ship a stale one.
rm -rf "$OUT"/io/umbra/he/jni/linux-*

skip() {
  echo "[he-native] $1: the native library is not built; the Java backend will be used"
  printf 'native.built=false\nnative.reason=%s\n' "$1" > "$STATUS"
  exit 0
}

[[ "$SKIP" == true ]] && skip "-Dumbra.native.skip=true"
[[ -n "$PLATFORM" ]] || skip "platform $(uname -s)-$(uname -m) is not supported"
command -v cmake > /dev/null || skip "cmake not found"
CXX=${CXX:-$(command -v g++ || command -v c++ || true)}
[[ -n "$CXX" ]] && command -v "$CXX" > /dev/null || skip "no C++ compiler (g++) found"

CUDA_ARGS=(-DUMBRA_CUDA=OFF)
CUDA_STATUS="cuda.built=false"
if [[ "$CUDA" != false ]]; then
  NVCC=$(command -v nvcc || ls /usr/local/cuda/bin/nvcc 2>/dev/null || true)
  if [[ -n "$NVCC" ]]; then
    CUDA_ARGS=(-DUMBRA_CUDA=ON -DCMAKE_CUDA_COMPILER="$NVCC")
    CUDA_STATUS="cuda.built=true"
  else
    echo "[he-native] nvcc not found: the CUDA backend's device library is not built (its host build is)"
    CUDA_STATUS="cuda.built=false"
  fi
fi

configure() {
  cmake -S "$HERE/src/main/cpp" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$CXX" \
    -DJAVA_HOME="$JAVA_HOME_DIR" "$@" > "$BUILD.log" 2>&1
}
mkdir -p "$BUILD"
if ! configure "${CUDA_ARGS[@]}"; then
  if [[ "$CUDA_STATUS" == cuda.built=true ]]; then
    echo "[he-native] CMake could not set up CUDA (see $BUILD.log); building without the device library"
    rm -rf "$BUILD"; mkdir -p "$BUILD"
    CUDA_STATUS="cuda.built=false"
    configure -DUMBRA_CUDA=OFF || { cat "$BUILD.log"; exit 1; }
  else
    cat "$BUILD.log"; exit 1
  fi
fi
# One or two jobs: the build machines are shared.
if ! cmake --build "$BUILD" -j "${UMBRA_NATIVE_JOBS:-2}" >> "$BUILD.log" 2>&1; then
  cat "$BUILD.log"; exit 1
fi
DEST=$OUT/io/umbra/he/jni/$PLATFORM
mkdir -p "$DEST"
cp "$BUILD/libumbra_he.so" "$DEST/"
if [[ "$CUDA_STATUS" == cuda.built=true && -f "$BUILD/libumbra_he_cuda.so" ]]; then
  cp "$BUILD/libumbra_he_cuda.so" "$DEST/"
else
  CUDA_STATUS="cuda.built=false"
fi
printf 'native.built=true\nplatform=%s\n%s\n' "$PLATFORM" "$CUDA_STATUS" > "$STATUS"
echo "[he-native] built $DEST/libumbra_he.so ($CUDA_STATUS)"
