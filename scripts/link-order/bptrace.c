/* bptrace OUT ADDRS INODE -- CMD...: which functions of one executable run, in every process of CMD.
 *
 * CMD runs under ptrace, followed through every fork, clone and exec. Whenever a process execs the
 * executable whose inode is INODE (however it is named: rune re-executes itself through a read-only
 * bind mount of the same file, /proc/self/fd/N), an int3 is written over the first byte of every
 * entry point listed in ADDRS (hex addresses, one a line: the binary is not position-independent).
 * A hit puts the byte back, notes the function and lets it run, so each costs one stop per process.
 * Forked children inherit the process's remaining breakpoints and its label. Every other process runs
 * untouched apart from the ptrace stops at fork, clone and exec.
 *
 * OUT gets "ADDR<TAB>COMMAND LINE" for the first hit of each function in each exec'd image (labelled
 * by that image's command line, so a later pass can tell `rune init` from `rune state`), in order of
 * first hit. Exit status: CMD's. Used by scripts/link-order/gen.sh; needs root (or ptrace rights). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXPID 4194304             /* the kernel's largest pid_max */
static int *label;                 /* per pid: 0 not the executable, else 1 + index into labels */
static char *known, *parked;       /* per pid: its parent's fork event was seen; it stopped before that */
static char **labels; static int nlabels;
static uint64_t *addrs; static size_t naddrs;
static uint8_t *orig, *origok;     /* the original first byte of each entry */
static uint8_t **hits;             /* per label: which entries were reported */
static ino_t ino; static FILE *out;

static int cmp(const void *a, const void *b) { uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b; return x < y ? -1 : x > y; }
static long find(uint64_t a) {
    size_t l = 0, h = naddrs;
    while (l < h) { size_t m = (l + h) / 2; if (addrs[m] < a) l = m + 1; else h = m; }
    return l < naddrs && addrs[l] == a ? (long)l : -1;
}
static int memfd(pid_t pid) { char p[64]; snprintf(p, sizeof p, "/proc/%d/mem", pid); return open(p, O_RDWR | O_CLOEXEC); }

/* After an exec: 0 if the process runs something else, else plant the breakpoints and return its label. */
static int exec_label(pid_t pid) {
    char p[64]; struct stat st;
    snprintf(p, sizeof p, "/proc/%d/exe", pid);
    if (stat(p, &st) != 0 || st.st_ino != ino) return 0;
    char cmd[4096] = ""; snprintf(p, sizeof p, "/proc/%d/cmdline", pid);
    int fd = open(p, O_RDONLY | O_CLOEXEC); ssize_t n = fd >= 0 ? read(fd, cmd, sizeof cmd - 1) : 0;
    if (fd >= 0) close(fd);
    for (ssize_t i = 0; i < n; i++) if (cmd[i] == 0 || cmd[i] == '\t' || cmd[i] == '\n') cmd[i] = ' ';
    cmd[n > 0 ? n : 0] = 0;
    labels = realloc(labels, (nlabels + 1) * sizeof *labels); hits = realloc(hits, (nlabels + 1) * sizeof *hits);
    labels[nlabels] = strdup(cmd); hits[nlabels] = calloc(naddrs, 1); nlabels++;
    fd = memfd(pid);
    if (fd < 0) { perror("bptrace: /proc/PID/mem"); return 0; }
    static const uint8_t int3 = 0xcc;
    for (size_t i = 0; i < naddrs; i++) {
        if (!origok[i]) { if (pread(fd, &orig[i], 1, (off_t)addrs[i]) != 1) continue; origok[i] = 1; }
        if (pwrite(fd, &int3, 1, (off_t)addrs[i]) != 1) { perror("bptrace: write breakpoint"); break; }
    }
    close(fd);
    return nlabels;
}

int main(int argc, char **argv) {
    if (argc < 6 || strcmp(argv[4], "--")) { fprintf(stderr, "usage: bptrace OUT ADDRS INODE -- CMD...\n"); return 2; }
    out = fopen(argv[1], "w"); FILE *in = fopen(argv[2], "r"); ino = strtoull(argv[3], 0, 0);
    if (!out || !in) { perror("bptrace"); return 1; }
    size_t cap = 1 << 16; addrs = malloc(cap * 8); char line[64];
    while (fgets(line, sizeof line, in)) { if (naddrs == cap) addrs = realloc(addrs, (cap *= 2) * 8); addrs[naddrs++] = strtoull(line, 0, 16); }
    fclose(in);
    qsort(addrs, naddrs, 8, cmp);
    orig = calloc(naddrs, 1); origok = calloc(naddrs, 1); label = calloc(MAXPID, sizeof *label);
    known = calloc(MAXPID, 1); parked = calloc(MAXPID, 1);
    pid_t root = fork();
    if (root == 0) { ptrace(PTRACE_TRACEME, 0, 0, 0); raise(SIGSTOP); execvp(argv[5], argv + 5); _exit(127); }
    int st; waitpid(root, &st, 0);
    ptrace(PTRACE_SETOPTIONS, root, 0, (void *)(long)(PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                                                     PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL));
    known[root] = 1;
    ptrace(PTRACE_CONT, root, 0, 0);
    int rc = 0; long nhit = 0;
    for (;;) {
        pid_t pid = waitpid(-1, &st, __WALL);
        if (pid < 0) { if (errno == EINTR) continue; break; }
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            if (pid == root) rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            label[pid % MAXPID] = 0; known[pid % MAXPID] = parked[pid % MAXPID] = 0; continue;
        }
        if (!WIFSTOPPED(st)) continue;
        int sig = WSTOPSIG(st), ev = st >> 16, l = label[pid % MAXPID];
        if (sig == SIGTRAP && ev) {
            if (ev == PTRACE_EVENT_FORK || ev == PTRACE_EVENT_VFORK || ev == PTRACE_EVENT_CLONE) {
                unsigned long child; ptrace(PTRACE_GETEVENTMSG, pid, 0, &child);
                label[child % MAXPID] = l; known[child % MAXPID] = 1;
                /* A child that stopped before this event waited for its label (it may hit breakpoints). */
                if (parked[child % MAXPID]) { parked[child % MAXPID] = 0; ptrace(PTRACE_CONT, (pid_t)child, 0, 0); }
            } else if (ev == PTRACE_EVENT_EXEC) {
                label[pid % MAXPID] = exec_label(pid);
            }
            ptrace(PTRACE_CONT, pid, 0, 0); continue;
        }
        if (sig == SIGTRAP && l) {
            struct user_regs_struct r;
            long i = ptrace(PTRACE_GETREGS, pid, 0, &r) == 0 ? find(r.rip - 1) : -1;
            if (i >= 0 && origok[i]) {
                int fd = memfd(pid);
                if (fd >= 0) { if (pwrite(fd, &orig[i], 1, (off_t)addrs[i]) != 1) perror("bptrace: restore"); close(fd); }
                r.rip -= 1; ptrace(PTRACE_SETREGS, pid, 0, &r);
                if (!hits[l - 1][i]) { hits[l - 1][i] = 1; nhit++; fprintf(out, "%llx\t%s\n", (unsigned long long)addrs[i], labels[l - 1]); }
                ptrace(PTRACE_CONT, pid, 0, 0); continue;
            }
        }
        /* A new tracee's first stop is a SIGSTOP nobody sent: swallow it (and hold the child until its
         * parent's fork event has given it a label); deliver every other signal. */
        if (sig == SIGSTOP) {
            siginfo_t si;
            if (ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0 && si.si_code == SI_USER && si.si_pid == 0) {
                if (!known[pid % MAXPID]) { parked[pid % MAXPID] = 1; continue; }
                sig = 0;
            }
        }
        ptrace(PTRACE_CONT, pid, 0, (void *)(long)sig);
    }
    fclose(out);
    fprintf(stderr, "bptrace: %d images of the executable, %ld function entries hit\n", nlabels, nhit);
    return rc;
}
