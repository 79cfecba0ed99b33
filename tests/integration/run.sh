#!/bin/sh
# run.sh [--runtime PATH] [pytest args...]: run the integration suite (default runtime: $RUNE_RUNTIME or runc).
# Needs root, python3 with pytest (Debian: python3-pytest), busybox-static, runc, jq, make and cc.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
if ! "$python" -c 'import pytest' 2>/dev/null; then
    for candidate in /usr/bin/python3 "$(command -v python3 || true)"; do
        if [ -x "$candidate" ] && "$candidate" -c 'import pytest' 2>/dev/null; then python=$candidate; break; fi
    done
fi
# Run the whole suite unless a test file or node id was named.
target=$here
for arg in "$@"; do
    case $arg in
        *.py|*.py::*|*/tests/integration*|tests/integration*) target= ;;
    esac
done
exec "$python" -m pytest -p no:cacheprovider ${target:+"$target"} "$@"
