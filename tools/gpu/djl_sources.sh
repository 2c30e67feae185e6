#!/usr/bin/env bash
# Packs the parts of DJL v0.36.0 that build its PyTorch JNI (engines/pytorch/pytorch-native, the Java
# declarations of the native methods, api/src/main/native) from a DJL git checkout into one tar, to
# carry to a machine without network (tools/gpu/build_djl_jni.sh builds from it). Not kept in this repo.
#
#   tools/gpu/djl_sources.sh DJL_CHECKOUT OUT.tar
set -euo pipefail
git -C "$1" archive --format=tar -o "$(realpath "$2")" v0.36.0 engines/pytorch/pytorch-native \
  engines/pytorch/pytorch-engine/src/main/java api/src/main/native
echo "wrote $2 ($(du -h "$2" | cut -f1))"
