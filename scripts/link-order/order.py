#!/usr/bin/env python3
"""order.py BINARY MAP HITS OUT: write the symbol ordering file for rune's static link (scripts/link-order/gen.sh).

BINARY is the unstripped rune that ran, MAP its lld link map, HITS what bptrace saw ("ADDR<TAB>COMMAND LINE"
for each function entry that ran in each rune process). Every function that ran is listed once, by one
of its symbol names (global names first: a local name may also name a cold function of another file):

  1. by how many operations ran it, most first, so the code every command needs (start-up, argument
     parsing, state files) comes first and each operation's own code after it;
  2. then in the order it first ran.

Functions inside input sections that hold many functions and are large (the stdlib's Swift.o,
_RegexParser.o and _StringProcessing.o keep most of their code in one .text section each, with no
function sections) cannot be moved apart; they are listed last, so those sections go right after the
ordered functions instead of splitting them.
"""
import re, subprocess, sys

binary, mapfile, hitsfile, outfile = sys.argv[1:5]
BLOB = 64 * 1024

# Executable segments, and every function symbol in them: address -> (global names, local names).
segs = []
for line in subprocess.run(["readelf", "-lW", binary], capture_output=True, check=True, encoding="utf-8", errors="surrogateescape").stdout.splitlines():
    f = line.split()
    if f and f[0] == "LOAD" and "E" in f[6:-1]:
        segs.append((int(f[2], 16), int(f[2], 16) + int(f[5], 16)))
names = {}
for line in subprocess.run(["readelf", "-sW", "--wide", binary], capture_output=True, check=True, encoding="utf-8", errors="surrogateescape").stdout.splitlines():
    f = line.split()
    if len(f) < 8 or f[3] not in ("FUNC", "IFUNC") or f[6] == "UND":
        continue
    addr = int(f[1], 16)
    if not any(lo <= addr < hi for lo, hi in segs):
        continue
    glob, loc = names.setdefault(addr, ([], []))
    (loc if f[4] == "LOCAL" else glob).append(f[7].split("@")[0])

# Large input sections with several functions in them (lld -Map: depth 1 = input section, 2 = symbol).
blobs, cur, in_text = [], None, False
for line in open(mapfile, errors="surrogateescape"):
    m = re.match(r"\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+ (\s*)(.*)", line.rstrip("\n"))
    if not m:
        continue
    vma, size, indent, rest = int(m.group(1), 16), int(m.group(2), 16), len(m.group(3)) // 8, m.group(4)
    if indent == 0:
        in_text = rest == ".text"
    elif in_text and indent == 1:
        cur = [vma, vma + size, 0]
        if size >= BLOB:
            blobs.append(cur)
    elif in_text and indent == 2 and cur is not None:
        cur[2] += 1
blobs = [(lo, hi) for lo, hi, n in blobs if n > 1]

def operation(cmdline):
    """The rune subcommand of a command line ("init" for the re-executed container init)."""
    args = cmdline.split()[1:]
    takes_value = {"--root", "-root", "--log", "-log", "--log-format", "-log-format", "--criu", "-criu", "--rootless", "-rootless"}
    i = 0
    while i < len(args):
        a = args[i]
        if not a.startswith("-"):
            return a
        if a in ("--version", "-v"):
            return "version"
        i += 2 if a in takes_value else 1
    return "help"

ops, first = {}, {}
for n, line in enumerate(open(hitsfile, errors="surrogateescape")):
    addr, _, cmdline = line.rstrip("\n").partition("\t")
    addr = int(addr, 16)
    if addr not in names:
        continue
    ops.setdefault(addr, set()).add(operation(cmdline))
    first.setdefault(addr, n)

def key(addr):
    return (any(lo <= addr < hi for lo, hi in blobs), -len(ops[addr]), first[addr])

ordered = sorted(ops, key=key)
allops = sorted(set().union(*ops.values()))
with open(outfile, "w", errors="surrogateescape") as out:
    out.write("# Symbol ordering file for the static rune (lld --symbol-ordering-file), made by\n"
              "# scripts/link-order/gen.sh: the %d functions that ran in %s, most shared first.\n"
              % (len(ordered), ", ".join(allops)))
    for addr in ordered:
        glob, loc = names[addr]
        for name in dict.fromkeys(glob or loc):
            out.write(name + "\n")
nblob = sum(1 for a in ordered if key(a)[0])
print("order.py: %d functions (%d of them in %d large multi-function sections) from %d operations"
      % (len(ordered), nblob, len(blobs), len(allops)), file=sys.stderr)
