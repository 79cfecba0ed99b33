#!/bin/sh
# mkbundle.sh DIR [--rootless]: make an OCI bundle in DIR for tests and demos.
#   DIR/rootfs      busybox-static with its applets as symlinks, minimal /etc and empty mount points
#   DIR/config.json exactly `runc spec` (or `runc spec --rootless`) with process.terminal=false
# Needs Debian's busybox-static (/bin/busybox), runc (only for its spec template) and jq.
# Never downloads anything. Run time is a few milliseconds, so tests call it for every bundle.
set -eu

usage() { echo "usage: $0 DIR [--rootless]" >&2; exit 2; }
[ $# -ge 1 ] || usage
dir=$1; shift
rootless=""
for arg in "$@"; do
    case $arg in
        --rootless) rootless=--rootless ;;
        *) usage ;;
    esac
done

busybox=${BUSYBOX:-/bin/busybox}
runc=${RUNC:-$(command -v runc || echo /usr/sbin/runc)}
[ -x "$busybox" ] || { echo "mkbundle: $busybox not found (apt-get install busybox-static)" >&2; exit 1; }
[ -e "$dir/config.json" ] && { echo "mkbundle: $dir/config.json already exists" >&2; exit 1; }

rootfs=$dir/rootfs
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" \
         "$rootfs/root" "$rootfs/home/tester" "$rootfs/var/tmp"
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
# A hard link is free when DIR is on the same file system; fall back to a copy (2 MB).
ln "$busybox" "$rootfs/bin/busybox" 2>/dev/null || cp "$busybox" "$rootfs/bin/busybox"
# busybox --install -s links applets to the binary's resolved host path (/usr/bin/busybox on a
# merged-/usr host); make that path exist in the rootfs too so every applet link resolves.
mkdir -p "$rootfs/usr/bin" "$rootfs/sbin" "$rootfs/usr/sbin"
"$busybox" --install -s "$rootfs/bin"
target=$(readlink "$rootfs/bin/sh")
if [ "$target" != /bin/busybox ]; then
    mkdir -p "$rootfs$(dirname "$target")"
    ln -s /bin/busybox "$rootfs$target"
fi
# /usr/bin/env is hard-coded in shebangs.
[ -e "$rootfs/usr/bin/env" ] || ln -s /bin/busybox "$rootfs/usr/bin/env"

# User names without spaces; uid/gid 1000 "tester" is the unprivileged test user.
cat > "$rootfs/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
tester:x:1000:1000:tester:/home/tester:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat > "$rootfs/etc/group" <<'G'
root:x:0:
daemon:x:1:
tty:x:5:
audio:x:29:tester
users:x:100:tester
tester:x:1000:
nogroup:x:65534:
G
echo "127.0.0.1 localhost" > "$rootfs/etc/hosts"
chown 1000:1000 "$rootfs/home/tester"

# The spec template comes from runc itself, so it is byte-for-byte runc's default; only terminal changes.
(cd "$dir" && "$runc" spec $rootless)
jq --tab '.process.terminal = false' "$dir/config.json" > "$dir/config.json.tmp"
mv "$dir/config.json.tmp" "$dir/config.json"
