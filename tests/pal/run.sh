#!/bin/sh
# run.sh: build the skeleton PAL (v1, v2, v3) and the C test host, run every case, print "N passed, N failed".
#   SANITIZE=1 tests/pal/run.sh   builds both with AddressSanitizer and UBSan
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${OUT:-$(mktemp -d /tmp/skeleton-pal-test.XXXXXX)}
flags="-O1 -g"
[ "${SANITIZE:-0}" = 1 ] && flags="$flags -fsanitize=address,undefined -fno-omit-frame-pointer"
make -s -f "$repo/pal/skeleton/skeleton.mk" OUT="$out" CFLAGS="$flags"
${CC:-cc} -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror $flags -I"$repo/Sources/CEnclavePAL/include" -I"$here" \
    -o "$out/pal-host" "$here/host.c" "$here/cases.c" "$here/cases_v2.c" -ldl -lpthread
exec "$out/pal-host" "$out"
