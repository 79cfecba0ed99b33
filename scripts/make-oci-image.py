#!/usr/bin/env python3
"""Builds an OCI image layout tarball from Debian's static busybox, for `ctr images import` (tests/shim, tests/cri).

Usage: make-oci-image.py OUT.tar NAME [--cmd JSON_ARRAY] [--env K=V ...] [--add HOSTFILE:PATH_IN_IMAGE ...]
One layer: bin/busybox, a symlink per applet, and the extra files. No registry is involved, so the CRI
plugin's sandbox_image and the workload images of tests/cri both come from here.
"""
import argparse
import gzip
import hashlib
import io
import json
import subprocess
import tarfile

BUSYBOX = "/bin/busybox"


def layer_tar(extra):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in ("bin", "tmp", "etc", "proc", "sys", "dev", "app", "var", "run"):
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


def add_blob(tar, data):
    digest = hashlib.sha256(data).hexdigest()
    info = tarfile.TarInfo("blobs/sha256/" + digest)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))
    return {"digest": "sha256:" + digest, "size": len(data)}


def add_file(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def write_image(out, name, cmd, env, extra):
    layer = layer_tar(extra)
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    with tarfile.open(out, "w") as tar:
        layer_ref = add_blob(tar, gzip.compress(layer, mtime=0))
        config = {
            "architecture": "amd64", "os": "linux",
            "config": {"Env": ["PATH=/bin"] + env, "Cmd": cmd, "WorkingDir": "/"},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        }
        config_ref = add_blob(tar, json.dumps(config).encode())
        manifest = {
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config_ref},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **layer_ref}],
        }
        manifest_ref = add_blob(tar, json.dumps(manifest).encode())
        index = {
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", **manifest_ref,
                           "annotations": {"io.containerd.image.name": name,
                                           "org.opencontainers.image.ref.name": name.rsplit(":", 1)[-1]}}],
        }
        add_file(tar, "index.json", json.dumps(index).encode())
        add_file(tar, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("name")
    parser.add_argument("--cmd", default='["/bin/sh"]', help="image Cmd as a JSON array")
    parser.add_argument("--env", action="append", default=[], help="extra image Env entry K=V")
    parser.add_argument("--add", action="append", default=[], help="HOSTFILE:PATH_IN_IMAGE")
    args = parser.parse_args()
    cmd = json.loads(args.cmd)
    if not isinstance(cmd, list) or not all(isinstance(a, str) for a in cmd):
        parser.error("--cmd: want a JSON array of strings, got %r" % args.cmd)
    extra = []
    for spec in args.add:
        if ":" not in spec:
            parser.error("--add: want HOSTFILE:PATH_IN_IMAGE, got %r" % spec)
        extra.append(tuple(spec.split(":", 1)))
    write_image(args.out, args.name, cmd, args.env, extra)


if __name__ == "__main__":
    main()
