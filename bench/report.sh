# report.sh: turns the runner's TSV ($WORK/results.tsv) into the markdown report (sourced by bench/run.sh).

machine_facts() {
    local commit dirty=""
    # RUNE_COMMIT names the source of a rune built elsewhere (e.g. from `git archive HEAD`).
    commit=${RUNE_COMMIT:-$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)}
    [ -n "${RUNE_COMMIT:-}" ] || dirty=$(git -C "$REPO" status --porcelain -- Sources Package.swift 2>/dev/null | head -1)
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
    [ -n "${RUNE_BASELINE:-}" ] && echo "- baseline rune: $RUNE_BASELINE (built $(date -u -r "$RUNE_BASELINE" '+%H:%M UTC'))${RUNE_BASELINE_NOTE:+: $RUNE_BASELINE_NOTE}"
    return 0
}

# The tables, from results.tsv: NAME runs median_us min_us rss_median_kib rss_max_kib failures cpu_median_us.
tables() {
    awk -F'\t' '
    function ms(us) { return sprintf("%.1f", us / 1000) }
    function mib(k) { return sprintf("%.1f", k / 1024) }
    function ratio(a, b) { return (a != "" && b != "" && b > 0) ? sprintf("%.2f", a / b) : "-" }
    function cell(n) { return (n in med) ? ms(med[n]) " (" ms(mn[n]) ")" : "-" }
    function rss(n) { return (n in med) ? mib(rmed[n]) : "-" }
    function cpums(n) { return (n in med) ? ms(cpu[n]) : "-" }
    function row(label, r, u, c) {
        printf "| %s | %s | %s | %s | %s | %s | %s / %s / %s | %s | %s | %s / %s / %s | %d / %d / %d |\n", label,
            cell(r), cell(u), cell(c), ratio(med[r], med[u]), ratio(med[r], med[c]),
            cpums(r), cpums(u), cpums(c), ratio(cpu[r], cpu[u]), ratio(cpu[r], cpu[c]),
            rss(r), rss(u), rss(c), fail[r], fail[u], fail[c]
    }
    function floor(label, c,   f) {
        f = c "/floor"
        if (!(f in med)) return
        printf "| %s | %s | %s | %s / %s | %s | %s | %s / %s |\n", label, cell(f), cpums(f),
            ratio(med[c "/rune"], med[f]), ratio(cpu[c "/rune"], cpu[f]), ratio(med[c "/runc"], med[f]),
            ratio(med[c "/crun"], med[f]), ratio(med[f], med[c "/crun"]), ratio(cpu[f], cpu[c "/crun"])
    }
    function enclave(label, n) {
        if (!(n in med)) return
        printf "| %s | %s | %s | %s | %s | %s | %d |\n", label, cell(n), ratio(med[n], med["run/rune"]),
            cpums(n), ratio(cpu[n], cpu["run/rune"]), rss(n), fail[n]
    }
    { runs[$1] = $2; med[$1] = $3; mn[$1] = $4; rmed[$1] = $5; fail[$1] = $7; cpu[$1] = $8 }
    END {
        print "## Lifecycle\n"
        print "Wall: median ms (minimum). CPU: median ms of user + system time of the runtime processes and the container."
        print "RSS: median peak MiB. Ratios are rune/runc and rune/crun.\n"
        print "| scenario | wall rune | wall runc | wall crun | /runc | /crun | CPU rune / runc / crun | /runc | /crun | RSS rune / runc / crun | failures |"
        print "|---|---|---|---|---|---|---|---|---|---|---|"
        row("`run` of /bin/true", "run/rune", "run/runc", "run/crun")
        row("`run` of /bin/true after 100 ms idle", "run-idle/rune", "run-idle/runc", "run-idle/crun")
        row("create + start + wait + delete", "lifecycle/rune", "lifecycle/runc", "lifecycle/crun")
        row("&nbsp;&nbsp;`create` alone (CPU without the waiting init)", "create/rune", "create/runc", "create/crun")
        row("&nbsp;&nbsp;`start` alone", "start/rune", "start/runc", "start/crun")
        row("&nbsp;&nbsp;`delete` of the stopped container", "delete/rune", "delete/runc", "delete/crun")
        row("50 `run`s one after another (total)", "seq50/rune", "seq50/runc", "seq50/crun")
        row("10 `run`s in parallel (total)", "par10/rune", "par10/runc", "par10/crun")
        row("`delete --force` of a running container", "delete-force/rune", "delete-force/runc", "delete-force/crun")
        row("`run` + Docker seccomp profile, rune cache warm", "seccomp/rune", "seccomp/runc", "seccomp/crun")
        row("`run` + Docker seccomp profile, rune cache cold", "seccomp-cold/rune", "seccomp/runc", "seccomp/crun")
        printf "\nSeccomp cost, median of the seccomp `run` minus median of the plain `run` (wall / CPU ms): rune warm %s / %s, rune cold %s / %s, runc %s / %s, crun %s / %s.\n",
            ms(med["seccomp/rune"] - med["run/rune"]), ms(cpu["seccomp/rune"] - cpu["run/rune"]),
            ms(med["seccomp-cold/rune"] - med["run/rune"]), ms(cpu["seccomp-cold/rune"] - cpu["run/rune"]),
            ms(med["seccomp/runc"] - med["run/runc"]), ms(cpu["seccomp/runc"] - cpu["run/runc"]),
            ms(med["seccomp/crun"] - med["run/crun"]), ms(cpu["seccomp/crun"] - cpu["run/crun"])
        print "\n## The kernel floor\n"
        print "`bench/floor.c` does the kernel work of the same container (cgroups, namespaces, mounts, pivot_root, capabilities, exec)"
        print "with no runtime around it: no config, no state, no re-exec. Ratios are to the floor, and the floor to crun.\n"
        print "| scenario | wall floor | CPU floor | rune/floor wall / CPU | runc/floor | crun/floor | floor/crun wall / CPU |"
        print "|---|---|---|---|---|---|---|"
        floor("`run` of /bin/true", "run")
        floor("50 `run`s one after another (total)", "seq50")
        floor("10 `run`s in parallel (total)", "par10")
        print "\n## Enclave containers (rune, `sim` type) against an ordinary rune `run`\n"
        print "| case | wall ms (min) | wall ratio | CPU ms | CPU ratio | RSS MiB | failures |"
        print "|---|---|---|---|---|---|---|"
        enclave("ordinary rune `run` of /bin/true", "run/rune")
        enclave("skeleton PAL v3 runs /bin/true", "enclave-skeleton/rune")
        enclave("Wasm PAL runs hello.wasm (signed)", "enclave-wasm/rune")
        if ("run/baseline" in med) {
            print "\n## rune against RUNE_BASELINE\n"
            print "| case | wall rune | wall baseline | CPU rune | CPU baseline | CPU ratio | RSS rune / baseline |"
            print "|---|---|---|---|---|---|---|"
            printf "| `run` | %s | %s | %s | %s | %s | %s / %s |\n", cell("run/rune"), cell("run/baseline"), cpums("run/rune"),
                cpums("run/baseline"), ratio(cpu["run/rune"], cpu["run/baseline"]), rss("run/rune"), rss("run/baseline")
            printf "| `create` | %s | %s | %s | %s | %s | %s / %s |\n", cell("create/rune"), cell("create/baseline"), cpums("create/rune"),
                cpums("create/baseline"), ratio(cpu["create/rune"], cpu["create/baseline"]), rss("create/rune"), rss("create/baseline")
        }
        print "\n## Calibration\n"
        printf "Runner floor, fork+exec+wait4 of /bin/true: %s ms wall, %s ms CPU, %s MiB", cell("calib-true/none"), cpums("calib-true/none"), rss("calib-true/none")
        if ("calib-true-ns/none" in med) printf "; with the setns() into the mount namespace crun runs in: %s ms wall, %s ms CPU", cell("calib-true-ns/none"), cpums("calib-true-ns/none")
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
