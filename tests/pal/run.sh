#!/bin/sh
# run.sh: build the skeleton PAL (v1, v2, v3) and the C test host, run every case, print "N passed, N failed".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${OUT:-$(mktemp -d /tmp/skeleton-pal-test.XXXXXX)}
make -s -f "$repo/pal/skeleton/skeleton.mk" OUT="$out"
${CC:-cc} -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -g -I"$repo/Sources/CEnclavePAL/include" -I"$here" \
    -o "$out/pal-host" "$here/host.c" "$here/cases.c" "$here/cases_v2.c" -ldl -lpthread
exec "$out/pal-host" "$out"
