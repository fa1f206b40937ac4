#!/usr/bin/env bash
# On a machine with an NVIDIA GPU, nvcc, CMake, g++ and a JDK 21+: builds he-native with its CUDA
# library, runs he-core's bit-identity, operation and node-seal interop tests on the device (strict:
# a fallback to another backend fails the run), then prints a table of java, native and cuda side by
# side at sets (a), (b), (c). About 3 to 5 minutes on a warm Maven cache.
#
#   he/he-native/gpu-check.sh            (from anywhere; uses the repository's Maven wrapper)
#   MAVEN_ARGS=-o he/he-native/gpu-check.sh   (offline, with a populated ~/.m2)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
if [[ -f .ci/lib/jdk.sh ]]; then
  # shellcheck source=/dev/null
  source .ci/lib/jdk.sh && umbra_use_jdk
fi
command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
command -v nvcc > /dev/null || [[ -x /usr/local/cuda/bin/nvcc ]] || { echo "gpu-check: nvcc not found"; exit 1; }

echo "== build and bit identity on the device"
./mvnw -B ${MAVEN_ARGS:-} -pl he/he-core,he/he-native -am verify -Dumbra.cuda=true -Dumbra.cuda.skipDeviceTests=false \
  -Dtest='BitIdentityTest,CkksOperationsTest,*Interop*,NodeSealOracleTest,NativeBuildTest' -Dsurefire.failIfNoSpecifiedTests=false
grep -q 'cuda.built=true' he/he-native/target/native-classes/io/umbra/he/jni/build-status.properties \
  || { echo "gpu-check: the CUDA library was not built (see he/he-native/target/cmake.log)"; exit 1; }

echo "== java vs native vs cuda (indicative: short timings)"
CP=he/he-native/target/classes:he/he-native/target/native-classes:he/he-core/target/classes
CP=$CP:$(find ~/.m2/repository/com/github/luben/zstd-jni -name 'zstd-jni-*.jar' ! -name '*sources*' | head -1)
java --enable-native-access=ALL-UNNAMED -cp "$CP" io.umbra.he.jni.CompareBackends sets=a,b,c backends=java,native,cuda seconds=0.3
