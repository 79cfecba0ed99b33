/* nsexec.c: the namespace stage that runs before the Swift runtime exists (as runc's nsexec does),
 * because setns/unshare(CLONE_NEWUSER) fail once a process has a second thread.
 * Stages: 0 = child of rune (host namespaces) forks 1; stage 1 joins/unshares namespaces, stage 0
 * writes its id maps, stage 1 forks 2, which becomes the container process and returns into Swift main.
 * Protocol on the init socket (_RUNE_INITPIPE): frames of u32 type, u32 length, payload (host order).
 * The bootstrap comes in two batches, each ended by RUNE_BOOT_END: the namespaces (sent as soon as rune has
 * spawned us) and the cgroups (sent once rune has made them).
 * Cgroups: a process moves itself into each v1 hierarchy by writing "0" to `tasks` and forks its child
 * straight into the cgroup2 directory (clone3 CLONE_INTO_CGROUP). Moving one's own single thread skips the
 * kernel's global threadgroup lock, whose write side waits for an RCU grace period (~10 ms) on every
 * cgroup.procs write; placement by the parent, as runc and crun do it, pays that on every container start.
 * Without a user namespace or namespace paths, stage 0 does stage 1's work itself: it unshares first while
 * rune makes the cgroups (a new network namespace is rune's to make then, Bootstrap.networkFromHost), reads
 * the cgroup batch and places itself; the cgroup namespace, whose root is the cgroup at unshare time, is
 * made by stage 2, which starts in every cgroup. With RUNE_BOOT_PLACE_LATER the batch has no v1 `tasks`:
 * stage 2, forked at once into the cgroup2 directory, joins the v1 hierarchies itself once rune has made
 * them, and makes the cgroup namespace after that (Swift, ContainerInit's HostReadiness).
 * Otherwise stage 0 places itself first, as the joined or new user namespace may not write the host's
 * cgroup files, and forks stage 1. */
#define _GNU_SOURCE
#include "rune_linux.h"
#include "nsexec_proto.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int rune_nsexec_stage = 0;
static int rune_nsexec_pipe = -1;
static int32_t rune_nsexec_host_pid = 0;
int rune_nsexec_get_stage(void) { return rune_nsexec_stage; }
int rune_nsexec_get_pipe(void) { return rune_nsexec_pipe; }
int32_t rune_nsexec_get_host_pid(void) { return rune_nsexec_host_pid; }

struct bootstrap {
    uint32_t clone_flags;
    char *uid_map, *gid_map, *oom_score_adj;
    int setgroups_deny;
    int place_later;
    int nns;
    char *ns_paths[16];
    int ntasks;
    char *cgroup_tasks[32];
    char *cgroup2_dir;
};

static int read_full(int fd, void *buf, size_t len) {
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n; len -= (size_t)n;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n; len -= (size_t)n;
    }
    return 0;
}

/* One write per frame: stages share the socket, and a frame must never interleave with another's. */
int rune_frame_write(int fd, uint32_t type, const void *data, uint32_t len) {
    char frame[8 + 1024];
    if (len > sizeof frame - 8) { errno = E2BIG; return -1; }
    uint32_t hdr[2] = {type, len};
    memcpy(frame, hdr, sizeof hdr);
    if (len) memcpy(frame + sizeof hdr, data, len);
    return write_full(fd, frame, sizeof hdr + len);
}

/* Reports a failure to rune and ends this stage: the message names the step and errno. */
static void bail(int pipe, const char *fmt, ...) {
    char msg[512];
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (saved && n > 0 && (size_t)n < sizeof msg) snprintf(msg + n, sizeof msg - n, ": %s", strerror(saved));
    rune_frame_write(pipe, RUNE_MSG_ERROR, msg, (uint32_t)strlen(msg));
    _exit(1);
}

/* Reads one batch of bootstrap records, up to its RUNE_BOOT_END, into b. */
static void read_bootstrap(int pipe, struct bootstrap *b) {
    for (;;) {
        uint32_t hdr[2];
        if (read_full(pipe, hdr, sizeof hdr) < 0) bail(pipe, "nsexec: read bootstrap header");
        if (hdr[0] == RUNE_BOOT_END) return;
        if (hdr[1] > (1u << 20)) { errno = E2BIG; bail(pipe, "nsexec: bootstrap record"); }
        char *val = calloc(1, hdr[1] + 1);
        if (!val || read_full(pipe, val, hdr[1]) < 0) bail(pipe, "nsexec: read bootstrap record");
        switch (hdr[0]) {
        case RUNE_BOOT_CLONE_FLAGS: b->clone_flags = (uint32_t)strtoul(val, NULL, 10); free(val); break;
        case RUNE_BOOT_UID_MAP: b->uid_map = val; break;
        case RUNE_BOOT_GID_MAP: b->gid_map = val; break;
        case RUNE_BOOT_SETGROUPS_DENY: b->setgroups_deny = 1; free(val); break;
        case RUNE_BOOT_OOM_SCORE_ADJ: b->oom_score_adj = val; break;
        case RUNE_BOOT_CGROUP_TASKS:
            if (b->ntasks == 32) { errno = E2BIG; bail(pipe, "nsexec: too many cgroup hierarchies"); }
            b->cgroup_tasks[b->ntasks++] = val; break;
        case RUNE_BOOT_CGROUP2_DIR: b->cgroup2_dir = val; break;
        case RUNE_BOOT_PLACE_LATER: b->place_later = 1; free(val); break;
        case RUNE_BOOT_NS_PATH:
            if (b->nns == 16) { errno = E2BIG; bail(pipe, "nsexec: too many namespace paths"); }
            b->ns_paths[b->nns++] = val; break;
        default: free(val);
        }
    }
}

static void write_proc_file(int pipe, pid_t pid, const char *name, const char *data) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) bail(pipe, "nsexec: open %s", path);
    if (write_full(fd, data, strlen(data)) < 0) bail(pipe, "nsexec: write %s", path);
    close(fd);
}

/* Joins namespaces given as "<flag>:<path>"; the user namespace first, so the others are permitted. */
static void join_namespaces(int pipe, struct bootstrap *b) {
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < b->nns; i++) {
            char *colon = strchr(b->ns_paths[i], ':');
            if (!colon) continue;
            int flag = (int)strtol(b->ns_paths[i], NULL, 10);
            if ((flag == CLONE_NEWUSER) != (pass == 0)) continue;
            int fd = open(colon + 1, O_RDONLY | O_CLOEXEC);
            if (fd < 0) bail(pipe, "nsexec: open namespace %s", colon + 1);
            if (setns(fd, flag) < 0) bail(pipe, "nsexec: setns %s", colon + 1);
            close(fd);
        }
    }
}

static void write_file(int pipe, const char *path, const char *data, const char *what) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write_full(fd, data, strlen(data)) < 0) bail(pipe, "nsexec: %s %s", what, path);
    close(fd);
}

/* This process is single-threaded here, so "0" in `tasks` moves all of it. */
static void join_v1_cgroups(int pipe, struct bootstrap *b) {
    for (int i = 0; i < b->ntasks; i++) write_file(pipe, b->cgroup_tasks[i], "0", "join cgroup");
}

struct rune_clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* fork(), with the child started in the cgroup2 directory when there is one. Kernels without
 * CLONE_INTO_CGROUP (before 5.7) get the parent moved first, so the child inherits the cgroup. */
static pid_t fork_into_cgroup(int pipe, struct bootstrap *b) {
    if (!b->cgroup2_dir) return fork();
    int dir = open(b->cgroup2_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) bail(pipe, "nsexec: join cgroup %s", b->cgroup2_dir);
    struct rune_clone_args args = { .flags = 0x200000000ULL /* CLONE_INTO_CGROUP */, .exit_signal = SIGCHLD,
                                    .cgroup = (uint64_t)dir };
    long child = syscall(SYS_clone3, &args, sizeof args);
    if (child < 0 && (errno == ENOSYS || errno == E2BIG || errno == EINVAL)) {
        char procs[4096];
        snprintf(procs, sizeof procs, "%s/cgroup.procs", b->cgroup2_dir);
        write_file(pipe, procs, "0", "join cgroup");
        child = fork();
    } else if (child < 0) {
        bail(pipe, "nsexec: join cgroup %s", b->cgroup2_dir);
    }
    close(dir);
    return (pid_t)child;
}

static void stage2(int pipe, struct bootstrap *b, int joined_user, int pid_pipe, int unshare_cgroupns) {
    /* Our pid as rune sees it (stage 1's view), for the OCI state that hooks get. */
    if (read_full(pid_pipe, &rune_nsexec_host_pid, sizeof rune_nsexec_host_pid) < 0) bail(pipe, "nsexec: read own pid");
    close(pid_pipe);
    if (unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0) bail(pipe, "nsexec: unshare cgroup namespace");
    if (setsid() < 0) bail(pipe, "nsexec: setsid");
    if (joined_user || (b->clone_flags & CLONE_NEWUSER)) {
        if (setresgid(0, 0, 0) < 0) bail(pipe, "nsexec: setresgid");
        if (setresuid(0, 0, 0) < 0) bail(pipe, "nsexec: setresuid");
        if (!b->setgroups_deny && setgroups(0, NULL) < 0) bail(pipe, "nsexec: setgroups");
    }
    rune_nsexec_stage = 2;
    rune_nsexec_pipe = pipe;
}

/* Stage 1 without a user namespace or namespace paths: namespaces first, while rune makes the cgroups.
 * The cgroup namespace is stage 2's to make, once it is in the cgroup2 directory too. */
static void unshare_then_place(int pipe, struct bootstrap *b) {
    uint32_t early = b->clone_flags & ~(uint32_t)CLONE_NEWCGROUP;
    if (early && unshare((int)early) < 0) bail(pipe, "nsexec: unshare namespaces 0x%x", early);
    read_bootstrap(pipe, b);
    join_v1_cgroups(pipe, b);
}

/* Stage 1 after stage 0 placed it: joins namespaces by path, the user namespace with its maps, the rest. */
static void join_then_unshare(int pipe, int sync, struct bootstrap *b) {
    join_namespaces(pipe, b);
    if (b->clone_flags & CLONE_NEWUSER) {
        if (unshare(CLONE_NEWUSER) < 0) bail(pipe, "nsexec: unshare user namespace");
        char c = 'm';
        if (write_full(sync, &c, 1) < 0 || read_full(sync, &c, 1) < 0 || c != 'k')
            bail(pipe, "nsexec: id mappings were not written");
        if (setresuid(0, 0, 0) < 0) bail(pipe, "nsexec: setresuid");
    }
    if (unshare((int)(b->clone_flags & ~(uint32_t)CLONE_NEWUSER)) < 0)
        bail(pipe, "nsexec: unshare namespaces 0x%x", b->clone_flags);
}

/* sync is -1 when stage 0 runs this itself (no maps to wait for). */
static void stage1(int pipe, int sync, struct bootstrap *b, int placed) {
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (placed) join_then_unshare(pipe, sync, b);
    else unshare_then_place(pipe, b);
    int pid_pipe[2];
    if (pipe2(pid_pipe, O_CLOEXEC) < 0) bail(pipe, "nsexec: pipe");
    /* Stage 0 forked a placed stage 1 into the cgroup2 directory already. */
    pid_t child = placed ? fork() : fork_into_cgroup(pipe, b);
    if (child < 0) bail(pipe, "nsexec: fork stage 2");
    if (child == 0) {
        if (sync >= 0) close(sync);
        close(pid_pipe[1]);
        int joined_user = 0;
        for (int i = 0; i < b->nns; i++)
            if ((int)strtol(b->ns_paths[i], NULL, 10) == CLONE_NEWUSER) joined_user = 1;
        /* With RUNE_BOOT_PLACE_LATER stage 2 joins the v1 hierarchies itself later, and only then makes
         * the cgroup namespace (ContainerInit's HostReadiness). */
        stage2(pipe, b, joined_user, pid_pipe[0], !placed && !b->place_later && (b->clone_flags & CLONE_NEWCGROUP));
        return;
    }
    /* rune gets the pids before stage 2, held on pid_pipe until then, can send it anything. */
    int32_t pids[2] = {child, getpid()};
    if (rune_frame_write(pipe, RUNE_MSG_PIDS, pids, sizeof pids) < 0) bail(pipe, "nsexec: report pids");
    if (write_full(pid_pipe[1], &pids[0], sizeof pids[0]) < 0) bail(pipe, "nsexec: tell stage 2 its pid");
    if (sync >= 0 && write_full(sync, &pids[0], sizeof pids[0]) < 0) _exit(1);
    _exit(0);
}

/* Stage 0 stays in the host namespaces: it writes the id maps for stage 1 and waits for it. Without a
 * user namespace or paths to join there are no maps to write, so stage 0 does stage 1's work itself
 * (one fork and one exit fewer per container). */
static void stage0(int pipe, struct bootstrap *b) {
    if (!(b->clone_flags & CLONE_NEWUSER) && b->nns == 0) {
        stage1(pipe, -1, b, 0);
        return;
    }
    int sync[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0) bail(pipe, "nsexec: socketpair");
    read_bootstrap(pipe, b);
    join_v1_cgroups(pipe, b);
    pid_t child = fork_into_cgroup(pipe, b);
    if (child < 0) bail(pipe, "nsexec: fork stage 1");
    if (child == 0) {
        close(sync[0]);
        stage1(pipe, sync[1], b, 1);
        return;
    }
    close(sync[1]);
    char c;
    int32_t init_pid = -1;
    if (b->clone_flags & CLONE_NEWUSER) {
        if (read_full(sync[0], &c, 1) < 0) { waitpid(child, NULL, 0); _exit(1); }
        if (b->setgroups_deny) write_proc_file(pipe, child, "setgroups", "deny");
        if (b->uid_map) write_proc_file(pipe, child, "uid_map", b->uid_map);
        if (b->gid_map) write_proc_file(pipe, child, "gid_map", b->gid_map);
        c = 'k';
        if (write_full(sync[0], &c, 1) < 0) bail(pipe, "nsexec: sync stage 1");
    }
    int got = read_full(sync[0], &init_pid, sizeof init_pid);
    int status = 0;
    waitpid(child, &status, 0);
    _exit(got < 0 ? 1 : 0); /* stage 1 reported the pids, or its error */
}

__attribute__((constructor)) static void rune_nsexec(void) {
    const char *env = getenv("_RUNE_INITPIPE");
    if (env == NULL) return;
    int pipe = atoi(env);
    if (pipe < 3 || fcntl(pipe, F_SETFD, FD_CLOEXEC) < 0) _exit(1);
    unsetenv("_RUNE_INITPIPE");
    struct bootstrap b;
    memset(&b, 0, sizeof b);
    read_bootstrap(pipe, &b);
    if (b.oom_score_adj) write_proc_file(pipe, getpid(), "oom_score_adj", b.oom_score_adj);
    stage0(pipe, &b);
}
