# report.sh: turns the runner's TSV ($WORK/results.tsv) into the markdown report (sourced by bench/run.sh).

machine_facts() {
    local commit dirty
    commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
    dirty=$(git -C "$REPO" status --porcelain -- Sources Package.swift 2>/dev/null | head -1)
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); mode: $MODE (runs scaled to $SCALE%, $WARMUP warm-up rounds); took ${ELAPSED}s"
    echo "- Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
         "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)," \
         "$(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "- Load average (1/5/15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER"
    echo "- cgroups: $([ -n "$NS" ] && echo "hybrid (v1 controllers + cgroup2 at /sys/fs/cgroup/unified); crun in a mount namespace without the cgroup2 mount" || echo "as mounted on the host")"
    echo "- rune: $RUNE ($(stat -c %s "$RUNE" | awk '{printf "%.1f MB", $1/1e6}'), built $(date -u -r "$RUNE" '+%H:%M UTC'))," \
         "commit $commit${dirty:+ (work tree has uncommitted changes under Sources)}"
    echo "- runc: $("$RUNC" --version | head -1 | sed 's/runc version //'); crun: $("$CRUN" --version | head -1 | sed 's/crun version //')"
    [ -n "${RUNE_RUNELET:-}" ] && echo "- init-runelet for enclave containers: $RUNE_RUNELET"
    return 0
}

# The tables, from results.tsv: NAME runs median_us min_us rss_median_kib rss_max_kib failures.
tables() {
    awk -F'\t' '
    function ms(us) { return sprintf("%.1f", us / 1000) }
    function mib(k) { return sprintf("%.1f", k / 1024) }
    function ratio(a, b) { return (a != "" && b != "" && b > 0) ? sprintf("%.2f", a / b) : "-" }
    function cell(n) { return (n in med) ? ms(med[n]) " (" ms(mn[n]) ")" : "-" }
    function rss(n) { return (n in med) ? mib(rmed[n]) : "-" }
    function row(label, r, u, c) {
        printf "| %s | %s | %s | %s | %s | %s | %s / %s / %s | %d / %d / %d |\n", label, cell(r), cell(u), cell(c),
            ratio(med[r], med[u]), ratio(med[r], med[c]), rss(r), rss(u), rss(c), fail[r], fail[u], fail[c]
    }
    { runs[$1] = $2; med[$1] = $3; mn[$1] = $4; rmed[$1] = $5; rmax[$1] = $6; fail[$1] = $7 }
    END {
        print "## Lifecycle: median wall time in ms (minimum), peak RSS in MiB\n"
        print "| scenario | rune | runc | crun | rune/runc | rune/crun | peak RSS rune / runc / crun | failures rune / runc / crun |"
        print "|---|---|---|---|---|---|---|---|"
        row("`run` of /bin/true", "run/rune", "run/runc", "run/crun")
        row("create + start + wait + delete", "lifecycle/rune", "lifecycle/runc", "lifecycle/crun")
        row("50 `run`s one after another (total)", "seq50/rune", "seq50/runc", "seq50/crun")
        row("10 `run`s in parallel (total)", "par10/rune", "par10/runc", "par10/crun")
        row("`delete --force` of a running container", "delete-force/rune", "delete-force/runc", "delete-force/crun")
        row("`run` + Docker seccomp profile, rune cache warm", "seccomp/rune", "seccomp/runc", "seccomp/crun")
        row("`run` + Docker seccomp profile, rune cache cold", "seccomp-cold/rune", "seccomp/runc", "seccomp/crun")
        printf "\nSeccomp cost (median of the seccomp `run` minus median of the plain `run`): rune warm %s ms, rune cold %s ms, runc %s ms, crun %s ms.\n",
            ms(med["seccomp/rune"] - med["run/rune"]), ms(med["seccomp-cold/rune"] - med["run/rune"]),
            ms(med["seccomp/runc"] - med["run/runc"]), ms(med["seccomp/crun"] - med["run/crun"])
        print "\n## Enclave containers (rune, `sim` type): median ms (minimum), peak RSS MiB\n"
        print "| case | median (min) | peak RSS | vs ordinary rune `run` | failures |"
        print "|---|---|---|---|---|"
        printf "| ordinary rune `run` of /bin/true | %s | %s | 1.00 | %d |\n", cell("run/rune"), rss("run/rune"), fail["run/rune"]
        if ("enclave-skeleton/rune" in med)
            printf "| skeleton PAL v3 runs /bin/true | %s | %s | %s | %d |\n", cell("enclave-skeleton/rune"),
                rss("enclave-skeleton/rune"), ratio(med["enclave-skeleton/rune"], med["run/rune"]), fail["enclave-skeleton/rune"]
        if ("enclave-wasm/rune" in med)
            printf "| Wasm PAL runs hello.wasm (signed) | %s | %s | %s | %d |\n", cell("enclave-wasm/rune"),
                rss("enclave-wasm/rune"), ratio(med["enclave-wasm/rune"], med["run/rune"]), fail["enclave-wasm/rune"]
        print "\n## Calibration\n"
        printf "Runner floor, fork+exec+wait4 of /bin/true: %s ms, %s MiB", cell("calib-true/none"), rss("calib-true/none")
        if ("calib-true-ns/none" in med) printf "; with the setns() into the mount namespace crun runs in: %s ms", cell("calib-true-ns/none")
        print ".\n\nRuns per case: " runs["run/rune"] " (single operations), " runs["seq50/rune"] " (50 sequential), " runs["par10/rune"] " (10 parallel)."
    }' "$WORK/results.tsv"
}

report() {
    echo "# rune vs runc vs crun"
    echo
    echo "Written by \`bench/run.sh\` (method and reading: docs/performance.md). Numbers to read, never test thresholds."
    echo
    machine_facts
    echo
    tables
    if [ ${#ENCLAVE_NOTES[@]} -gt 0 ]; then
        echo
        printf -- '- %s\n' "${ENCLAVE_NOTES[@]}"
    fi
}
