#!/usr/bin/env python3
"""Builds a busybox-static image at test time, for podman and containerd without any registry.

Usage: make-image.py ROOTFS.tar OCI.tar NAME
ROOTFS.tar: the root file system alone (for `podman import`).
OCI.tar:    the same file system as the single layer of an OCI image layout (for `ctr image import`),
            with NAME (e.g. localhost/busybox:test) as its io.containerd.image.name annotation.
"""
import gzip
import hashlib
import io
import json
import platform
import subprocess
import sys
import tarfile

BUSYBOX = "/bin/busybox"
DIRS = {"bin": 0o755, "etc": 0o755, "dev": 0o755, "proc": 0o755, "sys": 0o755, "root": 0o700, "tmp": 0o1777}
FILES = {
    "etc/passwd": "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n",
    "etc/group": "root:x:0:\nnobody:x:65534:\n",
}
GOARCH = {"x86_64": "amd64", "aarch64": "arm64"}


def add_bytes(tar, name, data, mode=0o644):
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), mode
    tar.addfile(info, io.BytesIO(data))


def owned_by_root(info):
    """The host file's owner does not matter; the image's files belong to root."""
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def rootfs_tar():
    """bin/busybox plus one symlink per applet (what `busybox --install -s` makes), /etc/passwd and /etc/group."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, mode in DIRS.items():
            info = tarfile.TarInfo(name)
            info.type, info.mode = tarfile.DIRTYPE, mode
            tar.addfile(info)
        tar.add(BUSYBOX, arcname="bin/busybox", filter=owned_by_root)
        applets = subprocess.run([BUSYBOX, "--list"], check=True, capture_output=True, text=True).stdout.split()
        for applet in sorted(set(applets) - {"busybox"}):
            info = tarfile.TarInfo("bin/" + applet)
            info.type, info.linkname = tarfile.SYMTYPE, "busybox"
            tar.addfile(info)
        for name, text in FILES.items():
            add_bytes(tar, name, text.encode())
    return raw.getvalue()


def add_blob(tar, data):
    digest = hashlib.sha256(data).hexdigest()
    add_bytes(tar, "blobs/sha256/" + digest, data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def write_oci(path, layer, name):
    arch = GOARCH.get(platform.machine(), platform.machine())
    config = {
        "architecture": arch, "os": "linux",
        "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"], "WorkingDir": "/"},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]},
    }
    with tarfile.open(path, "w") as tar:
        layer_ref = add_blob(tar, gzip.compress(layer, mtime=0))
        config_ref = add_blob(tar, json.dumps(config).encode())
        manifest = {
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **config_ref),
            "layers": [dict(mediaType="application/vnd.oci.image.layer.v1.tar+gzip", **layer_ref)],
        }
        manifest_ref = add_blob(tar, json.dumps(manifest).encode())
        annotations = {"io.containerd.image.name": name, "org.opencontainers.image.ref.name": name.rsplit(":", 1)[-1]}
        index = {"schemaVersion": 2, "manifests": [dict(mediaType=manifest["mediaType"], annotations=annotations,
                                                        platform={"architecture": arch, "os": "linux"}, **manifest_ref)]}
        add_bytes(tar, "index.json", json.dumps(index).encode())
        add_bytes(tar, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: make-image.py ROOTFS.tar OCI.tar NAME")
    rootfs_path, oci_path, name = sys.argv[1:]
    layer = rootfs_tar()
    with open(rootfs_path, "wb") as f:
        f.write(layer)
    write_oci(oci_path, layer, name)


if __name__ == "__main__":
    main()
