#!/bin/bash
# Regenerates shim/Sources/ShimProto/*.pb.swift from the .proto files that Debian's
# golang-github-containerd-containerd-dev (and -cgroups-dev) install. The .proto files are copied
# to a temp dir and stripped of gogo/fieldpath options (protoc cannot resolve those imports);
# nothing but the generated Swift is committed.
# Usage: shim/scripts/gen-proto.sh [PATH_TO_protoc-gen-swift]
# Without an argument, protoc-gen-swift is built from apple/swift-protobuf 1.39.0 in a throwaway dir.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
gocode=/usr/share/gocode/src/github.com/containerd
out="$here/Sources/ShimProto"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

plugin=${1:-}
if [ -z "$plugin" ]; then
    mkdir -p "$work/gen"
    cat > "$work/gen/Package.swift" <<'PKG'
// swift-tools-version:6.0
import PackageDescription
let package = Package(name: "protogen",
  dependencies: [.package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0")], targets: [])
PKG
    (cd "$work/gen" && swift build -c release --product protoc-gen-swift >&2)
    plugin="$work/gen/.build/release/protoc-gen-swift"
fi

protos=(
    containerd/runtime/v2/task/shim.proto
    containerd/api/types/mount.proto
    containerd/api/types/task/task.proto
    containerd/api/events/task.proto
    containerd/api/services/ttrpc/events/v1/events.proto
    containerd/runtime/v2/runc/options/oci.proto
    containerd/pkg/runtimeoptions/v1/api.proto
    cgroups/stats/v1/metrics.proto
)
for p in "${protos[@]}"; do
    dst="$work/src/github.com/containerd/$p"
    mkdir -p "$(dirname "$dst")"
    # Drop gogo/fieldpath imports, whole-line gogo/plugin options, and inline [(gogoproto...)] field options.
    grep -v -E '^\s*import (weak )?"(gogoproto/gogo|github.com/gogo/protobuf/gogoproto/gogo|github.com/containerd/containerd/protobuf/plugin/fieldpath)\.proto";' "$gocode/$p" \
        | grep -v -E '^\s*option \((gogoproto|containerd\.plugin)\.[a-z_]+\)' \
        | sed -E 's/ \[\(gogoproto\.[^]]*\]//g' > "$dst"
done
rm -f "$out"/*.pb.swift
mkdir -p "$work/out"
(cd "$work/src" && protoc --plugin=protoc-gen-swift="$plugin" --swift_out="$work/out" \
    --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores \
    -I . -I /usr/include $(printf 'github.com/containerd/%s ' "${protos[@]}"))
for f in "$work"/out/*.pb.swift; do
    # Shorten github.com_containerd_containerd_api_types_mount.pb.swift to api_types_mount.pb.swift.
    name=$(basename "$f" | sed -E 's/^github\.com_containerd_(containerd_)?//')
    cp "$f" "$out/$name"
done
ls "$out"
