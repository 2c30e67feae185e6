#!/usr/bin/env bash
# Builds DJL 0.36's PyTorch JNI (libdjl_torch.so) against a libtorch you already have — the one inside
# a pip-installed torch, say — so that DJL's PyTorch engine runs on that libtorch (another version,
# or CUDA) instead of the 2.7.1 CPU build from Maven Central. Nothing is downloaded.
#
#   tools/gpu/build_djl_jni.sh DJL_SOURCES.tar TORCH_DIR OUT_DIR [cuda]
#
#   DJL_SOURCES.tar  made by tools/gpu/djl_sources.sh from a DJL checkout (tag v0.36.0)
#   TORCH_DIR        a torch folder with include/, lib/ and share/cmake/ (python3 -c 'import torch,os;
#                    print(os.path.dirname(torch.__file__))')
#   OUT_DIR          gets 0.36.0-libdjl_torch.so and env.sh
#   cuda             add -DUSE_CUDA (build against a CUDA libtorch)
#   PYTORCH_VERSION  (environment) the libtorch version, when TORCH_DIR has no version.py
#
# Then `source OUT_DIR/env.sh` before ./heatbox: it sets PYTORCH_LIBRARY_PATH (where DJL's LibUtils
# looks first, for libtorch and for 0.36.0-libdjl_torch.so), PYTORCH_VERSION and PYTORCH_FLAVOR.
# Checked on the CPU machines with pip's torch 2.13.0+cpu: DJL reports PyTorch 2.13.0 and the shipped
# TorchScript MobileNetV2's Grad-CAM maps equal MXNet's within 3e-6 on the 27 photos (eval/PERFORMANCE.md).
set -euo pipefail
tar_file=$(realpath "$1"); torch=$(realpath "$2"); out=$(mkdir -p "$3" && realpath "$3"); cuda=${4:-}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
tar -xf "$tar_file" -C "$work"
native="$work/engines/pytorch/pytorch-native"
mkdir -p "$native/build/classes"
cd "$native/build"
# the JNI header comes from DJL's own declarations of the native methods
javac -sourcepath ../../pytorch-engine/src/main/java ../../pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java \
  -h include -d classes
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
# name torch's libraries explicitly: a system libtorch (Debian's python3-torch) must not be picked up
flags=(-DCMAKE_PREFIX_PATH="$torch/share/cmake" -DTORCH_LIBRARY="$torch/lib/libtorch.so"
  -Dc10_LIBRARY="$torch/lib/libc10.so" -DJAVA_HOME="$java_home"
  -DCMAKE_BUILD_TYPE=Release)
if [ "$cuda" = cuda ]; then
  flags+=(-DUSE_CUDA=1 -Dc10_cuda_LIBRARY="$torch/lib/libc10_cuda.so" -Dtorch_cuda_LIBRARY="$torch/lib/libtorch_cuda.so")
fi
generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
JAVA_HOME="$java_home" cmake "${generator[@]}" "${flags[@]}" .. >"$out/cmake.log"
cmake --build . -j "$(nproc)" >"$out/build.log"
cp libdjl_torch.so "$out/0.36.0-libdjl_torch.so"
version=${PYTORCH_VERSION:-$(python3 - "$torch" <<'PY' 2>/dev/null || echo unknown
import re, sys, pathlib
v = (pathlib.Path(sys.argv[1]) / "version.py").read_text()
print(re.search(r"__version__\s*=\s*'([^'+]+)", v).group(1))
PY
)}
flavor=cpu; [ "$cuda" = cuda ] && flavor=${PYTORCH_FLAVOR:-cu130}
cat >"$out/env.sh" <<ENV
# made by tools/gpu/build_djl_jni.sh: DJL's PyTorch engine on $torch
mkdir -p "$out/lib"
for f in "$torch"/lib/*.so* "$out/0.36.0-libdjl_torch.so"; do ln -sf "\$f" "$out/lib/"; done
export PYTORCH_LIBRARY_PATH="$out/lib"
export PYTORCH_VERSION="$version"
export PYTORCH_FLAVOR="$flavor"
ENV
echo "built $out/0.36.0-libdjl_torch.so against $torch (torch $version, $flavor); source $out/env.sh before ./heatbox"
