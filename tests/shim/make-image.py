#!/usr/bin/env python3
"""Builds an OCI image layout tarball holding Debian's static busybox, for `ctr images import`.

Usage: make-image.py OUT.tar [NAME] [--add HOSTFILE:PATH_IN_IMAGE ...]
One layer: bin/busybox plus a symlink per applet, and any extra files. No registry involved.
"""
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import time

BUSYBOX = "/bin/busybox"


def layer_tar(extra):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in ("bin", "tmp", "etc", "proc", "sys", "dev", "app"):
            info = tarfile.TarInfo(d)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if d == "tmp" else 0o755
            tar.addfile(info)
        tar.add(BUSYBOX, arcname="bin/busybox")
        applets = subprocess.run([BUSYBOX, "--list"], check=True, capture_output=True, text=True).stdout.split()
        for applet in applets:
            if applet == "busybox":
                continue
            info = tarfile.TarInfo("bin/" + applet)
            info.type = tarfile.SYMTYPE
            info.linkname = "busybox"
            tar.addfile(info)
        for host, dest in extra:
            tar.add(host, arcname=dest.lstrip("/"))
    return raw.getvalue()


def blob(tar, data):
    digest = hashlib.sha256(data).hexdigest()
    info = tarfile.TarInfo("blobs/sha256/" + digest)
    info.size = len(data)
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))
    return "sha256:" + digest, len(data)


def main():
    args = sys.argv[1:]
    extra = []
    while "--add" in args:
        i = args.index("--add")
        host, dest = args[i + 1].split(":", 1)
        extra.append((host, dest))
        del args[i:i + 2]
    out = args[0]
    name = args[1] if len(args) > 1 else "localhost/bb:1"
    layer = layer_tar(extra)
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    compressed = gzip.compress(layer, mtime=0)
    with tarfile.open(out, "w") as tar:
        layer_digest, layer_size = blob(tar, compressed)
        config = json.dumps({
            "architecture": "amd64", "os": "linux",
            "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"], "WorkingDir": "/"},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        }).encode()
        config_digest, config_size = blob(tar, config)
        manifest = json.dumps({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": layer_size}],
        }).encode()
        manifest_digest, manifest_size = blob(tar, manifest)
        index = json.dumps({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest,
                           "size": manifest_size, "annotations": {"io.containerd.image.name": name,
                                                                  "org.opencontainers.image.ref.name": name.split(":")[-1]}}],
        }).encode()
        for fname, data in (("index.json", index), ("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')):
            info = tarfile.TarInfo(fname)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


if __name__ == "__main__":
    main()
