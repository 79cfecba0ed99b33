#!/bin/sh
# deps.sh: installs the Debian packages rune's build, demo and tests need (idempotent; needs root).
set -eu
PACKAGES="runc crun containerd podman busybox-static libseccomp-dev protobuf-compiler wabt jq bats \
golang-github-containerd-containerd-dev wasi-libc libclang-rt-14-dev-wasm32 hyperfine strace iproute2 python3-pytest"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $missing
fi
python3 -c 'import pytest' 2>/dev/null || python3 -m pip install -q pytest
# The CRI test client (tests/cri): gRPC and the generated CRI v1 stubs.
python3 -c 'import grpc, cri_api.v1.api_pb2_grpc' 2>/dev/null || \
    python3 -m pip install -q grpcio==1.85.3 protobuf==6.33.6 container-runtime-interface-api==2.0.1
