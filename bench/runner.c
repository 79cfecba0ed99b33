/* runner.c: a tiny timing runner for bench/run.sh.
 *
 *   runner [-w WARMUP] [-s SCALE%] [-l STDERR_LOG] CASEFILE
 *
 * CASEFILE holds cases; each line is a keyword and its words (no quoting; `{id}` expands to a container id that is
 * unique per case, iteration and job):
 *   case NAME          start a case; then      runs N / batch N / parallel P / ns MNTNS_FILE / expect EXITCODE
 *   before ARGV...     untimed, run once per job before the clock starts
 *   step ARGV...       timed command
 *   waitpid FILE       timed: wait until the pid written in FILE has exited (a detached container)
 *   after ARGV...      untimed clean-up after the clock stops (also `before-waitpid FILE`, `after-waitpid FILE`)
 * One iteration runs `batch` jobs, at most `parallel` at once; a job is the case's steps in order. Iterations are
 * interleaved round-robin across cases so that load changes hit every runtime alike.
 *
 * What is measured: wall time (CLOCK_MONOTONIC) from the first timed step to the last one of an iteration. Peak RSS:
 * the largest ru_maxrss (wait4) of a timed command or awaited container process. ru_maxrss is the peak of one process
 * and of the descendants it reaped, so it covers the runtime CLI with its init stages (they exec into the container
 * payload, which keeps the high-water mark); it is not the sum of processes alive at once. The runner is a child
 * subreaper: detached containers become its children and are reaped at once, so no runtime waits on a zombie.
 * stdin is /dev/null, stdout /dev/null, stderr the log. Output, one line per case, tab-separated:
 *   NAME runs median_us min_us rss_median_kib rss_max_kib failures cpu_median_us
 * CPU time (user + system of the same processes, with the descendants they reaped) varies far less than wall time
 * when other work loads the machine.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_CASES = 64, MAX_STEPS = 12, MAX_JOBS = 64, MAX_REAPED = 4096 };
enum kind { CMD, WAITPID };
enum phase { BEFORE, TIMED, AFTER };

struct step { enum kind kind; enum phase phase; char **argv; };
struct bcase {
    char name[96];
    int runs, batch, parallel, nsteps, done, failures, nsfd, expect;
    struct step steps[MAX_STEPS];
    long *wall_us, *rss_kib, *cpu_us;
};
struct job { int step; pid_t awaited; char id[64]; };
struct reaped { pid_t pid; long maxrss, cpu_us; };

static struct bcase cases[MAX_CASES];
static int ncases;
static int log_fd = -1, null_fd = -1;
static struct reaped reaped[MAX_REAPED];
static int nreaped;

static void die(const char *what) { perror(what); exit(2); }

static char **split_words(char *line) {
    char **argv = calloc(64, sizeof *argv);
    int n = 0;
    for (char *tok = strtok(line, " \t\n"); tok && n < 63; tok = strtok(NULL, " \t\n")) argv[n++] = strdup(tok);
    return argv;
}

static void add_step(struct bcase *c, enum kind kind, enum phase phase, char *rest) {
    if (c->nsteps == MAX_STEPS) { fprintf(stderr, "runner: too many steps in %s\n", c->name); exit(2); }
    c->steps[c->nsteps++] = (struct step){ kind, phase, split_words(rest) };
}

static void parse_line(char *line) {
    char *key = strtok(line, " \t\n"), *rest = strtok(NULL, "\n");
    if (!key || key[0] == '#') return;
    if (!strcmp(key, "case")) {
        if (ncases == MAX_CASES) { fprintf(stderr, "runner: too many cases\n"); exit(2); }
        struct bcase *c = &cases[ncases++];
        snprintf(c->name, sizeof c->name, "%s", rest ? rest : "?");
        c->runs = 20; c->batch = 1; c->parallel = 1; c->nsfd = -1;
        return;
    }
    if (ncases == 0 || !rest) { fprintf(stderr, "runner: bad line: %s\n", key); exit(2); }
    struct bcase *c = &cases[ncases - 1];
    if (!strcmp(key, "runs")) c->runs = atoi(rest);
    else if (!strcmp(key, "batch")) c->batch = atoi(rest);
    else if (!strcmp(key, "parallel")) c->parallel = atoi(rest);
    else if (!strcmp(key, "expect")) c->expect = atoi(rest);
    else if (!strcmp(key, "ns")) { if ((c->nsfd = open(rest, O_RDONLY | O_CLOEXEC)) < 0) die(rest); }
    else if (!strcmp(key, "before")) add_step(c, CMD, BEFORE, rest);
    else if (!strcmp(key, "before-waitpid")) add_step(c, WAITPID, BEFORE, rest);
    else if (!strcmp(key, "step")) add_step(c, CMD, TIMED, rest);
    else if (!strcmp(key, "waitpid")) add_step(c, WAITPID, TIMED, rest);
    else if (!strcmp(key, "after")) add_step(c, CMD, AFTER, rest);
    else if (!strcmp(key, "after-waitpid")) add_step(c, WAITPID, AFTER, rest);
    else { fprintf(stderr, "runner: unknown keyword %s\n", key); exit(2); }
    if (c->batch < 1 || c->batch > MAX_JOBS || c->parallel < 1 || c->runs < 1) {
        fprintf(stderr, "runner: %s: runs >= 1, 1 <= batch <= %d, parallel >= 1\n", c->name, MAX_JOBS); exit(2);
    }
}

/* A copy of `word` with every `{id}` replaced by `id`. */
static char *expand(const char *word, const char *id) {
    size_t cap = strlen(word) + 1;
    for (const char *p = word; (p = strstr(p, "{id}")); p += 4) cap += strlen(id);
    char *out = malloc(cap), *o = out;
    for (const char *p = word; *p;) {
        if (!strncmp(p, "{id}", 4)) { o = stpcpy(o, id); p += 4; } else *o++ = *p++;
    }
    *o = 0;
    return out;
}

static pid_t spawn(const struct bcase *c, char **argv, const char *id) {
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid > 0) return pid;
    if (c->nsfd >= 0 && setns(c->nsfd, CLONE_NEWNS) < 0) { perror("runner: setns"); _exit(126); }
    char *args[64];
    int n = 0;
    for (; argv[n]; n++) args[n] = expand(argv[n], id);
    args[n] = NULL;
    dup2(null_fd, 0); dup2(null_fd, 1); dup2(log_fd, 2);
    execvp(args[0], args);
    perror(args[0]);
    _exit(127);
}

static struct reaped *find_reaped(pid_t pid) {
    for (int i = 0; i < nreaped; i++) if (reaped[i].pid == pid) return &reaped[i];
    return NULL;
}

/* Reap one child of any kind; returns its pid (status in *status) or -1 when there is no child. */
static pid_t reap_one(int *status) {
    struct rusage ru;
    pid_t pid;
    while ((pid = wait4(-1, status, 0, &ru)) < 0 && errno == EINTR) {}
    if (pid < 0) return -1;
    long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
    if (nreaped < MAX_REAPED) reaped[nreaped++] = (struct reaped){ pid, ru.ru_maxrss, cpu };
    return pid;
}

static pid_t read_pid_file(const char *path) {
    FILE *f = fopen(path, "r");
    long pid = 0;
    if (!f) return -1;
    if (fscanf(f, "%ld", &pid) != 1) pid = -1;
    fclose(f);
    return (pid_t)pid;
}

/* A container that is not our child (not re-parented to us): wait for it through a pidfd. */
static void wait_foreign(pid_t pid) {
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) return; /* already gone */
    struct pollfd p = { .fd = fd, .events = POLLIN };
    while (poll(&p, 1, -1) < 0 && errno == EINTR) {}
    close(fd);
}

static int is_our_child(pid_t pid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    char *paren = strrchr(buf, ')');
    int ppid = 0;
    return paren && sscanf(paren + 2, "%*c %d", &ppid) == 1 && ppid == getpid();
}

/* Start the job's next step of `phase`; returns 0 when the job has no more steps of it. */
static int advance(const struct bcase *c, struct job *j, enum phase phase) {
    for (; j->step < c->nsteps; j->step++) {
        const struct step *s = &c->steps[j->step];
        if (s->phase != phase) continue;
        if (s->kind == CMD) { j->awaited = spawn(c, s->argv, j->id); j->step++; return 1; }
        char *file = expand(s->argv[0], j->id);
        pid_t pid = read_pid_file(file);
        free(file);
        if (pid <= 0 || find_reaped(pid)) continue;
        if (is_our_child(pid)) { j->awaited = pid; j->step++; return 1; }
        wait_foreign(pid);
    }
    return 0;
}

/* Runs `phase` of all jobs, `par` at once; returns failures. With `m`, adds up the awaited processes' CPU time
 * (user + system, with their reaped descendants) and keeps their largest ru_maxrss. */
struct measure { long rss_kib, cpu_us; };
static int run_phase(const struct bcase *c, struct job *jobs, int njobs, int par, enum phase phase, struct measure *m) {
    int next = 0, active = 0, failures = 0;
    for (int i = 0; i < njobs; i++) jobs[i].step = 0, jobs[i].awaited = 0;
    while (next < njobs || active > 0) {
        while (active < par && next < njobs) {
            if (advance(c, &jobs[next], phase)) active++;
            next++;
        }
        if (active == 0) break;
        int status;
        pid_t pid = reap_one(&status);
        if (pid < 0) { fprintf(stderr, "runner: %s: lost a child\n", c->name); return failures + active; }
        for (int i = 0; i < next; i++) {
            if (jobs[i].awaited != pid) continue;
            const struct step *prev = &c->steps[jobs[i].step - 1];
            if (prev->kind == CMD && !(WIFEXITED(status) && WEXITSTATUS(status) == (phase == TIMED ? c->expect : 0)))
                failures++;
            struct reaped *r = find_reaped(pid);
            if (m && r) { m->cpu_us += r->cpu_us; if (r->maxrss > m->rss_kib) m->rss_kib = r->maxrss; }
            jobs[i].awaited = 0;
            if (!advance(c, &jobs[i], phase)) active--;
            break;
        }
    }
    return failures;
}

static long now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

static void iterate(struct bcase *c, int ci, int iter, int record) {
    struct job jobs[MAX_JOBS];
    for (int i = 0; i < c->batch; i++) snprintf(jobs[i].id, sizeof jobs[i].id, "b%d-%d-%d-%d", getpid(), ci, iter, i);
    nreaped = 0;
    int failures = run_phase(c, jobs, c->batch, 1, BEFORE, NULL);
    struct measure m = { 0, 0 };
    long t0 = now_us();
    failures += run_phase(c, jobs, c->batch, c->parallel, TIMED, &m);
    long wall = now_us() - t0;
    failures += run_phase(c, jobs, c->batch, 1, AFTER, NULL);
    int status;
    while (waitpid(-1, &status, WNOHANG) > 0) {} /* late orphans */
    if (!record) return;
    c->wall_us[c->done] = wall;
    c->rss_kib[c->done] = m.rss_kib;
    c->cpu_us[c->done] = m.cpu_us;
    c->done++;
    c->failures += failures;
}

static int cmp_long(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static long median(long *v, int n) {
    qsort(v, n, sizeof *v, cmp_long);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void report(struct bcase *c) {
    long wmed = median(c->wall_us, c->done), wmin = c->wall_us[0];
    long rmed = median(c->rss_kib, c->done), rmax = c->rss_kib[c->done - 1], cmed = median(c->cpu_us, c->done);
    printf("%s\t%d\t%ld\t%ld\t%ld\t%ld\t%d\t%ld\n", c->name, c->done, wmed, wmin, rmed, rmax, c->failures, cmed);
    fflush(stdout);
}

int main(int argc, char **argv) {
    int warmup = 3, scale = 100, opt;
    const char *log = "/dev/null";
    while ((opt = getopt(argc, argv, "w:s:l:")) != -1) {
        if (opt == 'w') warmup = atoi(optarg);
        else if (opt == 's') scale = atoi(optarg);
        else if (opt == 'l') log = optarg;
        else { fprintf(stderr, "usage: runner [-w WARMUP] [-s SCALE%%] [-l LOG] CASEFILE\n"); return 2; }
    }
    if (optind != argc - 1) { fprintf(stderr, "usage: runner [-w WARMUP] [-s SCALE%%] [-l LOG] CASEFILE\n"); return 2; }
    FILE *f = fopen(argv[optind], "r");
    if (!f) die(argv[optind]);
    char line[4096];
    while (fgets(line, sizeof line, f)) parse_line(line);
    fclose(f);
    if ((null_fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) die("/dev/null");
    if ((log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0) die(log);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) die("PR_SET_CHILD_SUBREAPER");
    int rounds = warmup;
    for (int i = 0; i < ncases; i++) {
        struct bcase *c = &cases[i];
        c->runs = c->runs * scale / 100 > 0 ? c->runs * scale / 100 : 1;
        c->wall_us = calloc(c->runs, sizeof(long));
        c->rss_kib = calloc(c->runs, sizeof(long));
        c->cpu_us = calloc(c->runs, sizeof(long));
        if (warmup + c->runs > rounds) rounds = warmup + c->runs;
    }
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < ncases; i++)
            if (r < warmup || r - warmup < cases[i].runs) iterate(&cases[i], i, r, r >= warmup);
    for (int i = 0; i < ncases; i++) report(&cases[i]);
    return 0;
}
