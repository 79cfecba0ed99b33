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
# Run the whole suite unless a test file, directory or node id was named as a positional argument.
target=$here
prev=
for arg in "$@"; do
    case $prev in
        --runtime|--reference|--ignore|--deselect|-k|-m|-p|-c|--rootdir|--basetemp) prev=; continue ;;
    esac
    prev=$arg
    case $arg in -*) continue ;; esac
    [ -e "${arg%%::*}" ] && target=
done
exec "$python" -m pytest -p no:cacheprovider ${target:+"$target"} "$@"
