/* host.c: a minimal PAL caller that exercises the skeleton PAL of every API version.
 * usage: host DIR   (DIR holds liberpal-skeleton-v{1,2,3}.so)
 * Each case runs in a forked child that dlopens the library afresh, so cases cannot leak state
 * into each other and a crash stays contained. Prints one line per case and "N passed, N failed". */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.h"

struct pal pal;
static char lib_dir[4096];

int fail_msg(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "    %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

static int load(int version)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/liberpal-skeleton-v%d.so", lib_dir, version);
    memset(&pal, 0, sizeof(pal));
    pal.version = version;
    pal.handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!pal.handle) {
        fprintf(stderr, "    dlopen %s: %s\n", path, dlerror());
        return -1;
    }
    pal.get_version = (pal_get_version_fn)dlsym(pal.handle, "pal_get_version");
    pal.init1 = (pal_init_v1_fn)dlsym(pal.handle, "pal_init");
    pal.init3 = (pal_init_v3_fn)dlsym(pal.handle, "pal_init");
    pal.exec1 = (pal_exec_v1_fn)dlsym(pal.handle, "pal_exec");
    pal.exec2 = (pal_exec_v2_fn)dlsym(pal.handle, "pal_exec");
    pal.create = (pal_create_process_fn)dlsym(pal.handle, "pal_create_process");
    pal.kill = (pal_kill_fn)dlsym(pal.handle, "pal_kill");
    pal.destroy = (pal_destroy_fn)dlsym(pal.handle, "pal_destroy");
    pal.report = (pal_get_local_report_fn)dlsym(pal.handle, "pal_get_local_report");
    pal.evidence = (pal_get_evidence_fn)dlsym(pal.handle, "pal_get_evidence");
    return 0;
}

int pal_init_args(const char *args)
{
    if (pal.version == 3) {
        pal_attr_v3_t attr = {.attr_v1 = {.args = args, .log_level = "info"}, .fd = -1, .addr = 0};
        return pal.init3(&attr);
    }
    pal_attr_v1_t attr = {.args = args, .log_level = "info"};
    return pal.init1(&attr);
}

int pal_run(const char *path, const char **argv, const char **env, int out_fd, int err_fd, int *exit_value)
{
    pal_stdio_fds fds = {.stdin = 0, .stdout = out_fd, .stderr = err_fd};
    if (pal.version == 1)
        return pal.exec1(path, argv, &fds, exit_value);
    int pid = 0;
    pal_create_process_args args = {.path = path, .argv = argv, .env = env, .stdio = &fds, .pid = &pid};
    int rc = pal.create(&args);
    if (rc)
        return rc;
    pal_exec_args exec_args = {.pid = pid, .exit_value = exit_value};
    return pal.exec2(&exec_args);
}

/* One payload with stdout and stderr captured through pipes. */
struct run_result run(const char **argv, const char **env)
{
    struct run_result r = {.exit_value = -1};
    int out[2], err[2];
    if (pipe(out) || pipe(err)) {
        r.rc = -999;
        return r;
    }
    r.rc = pal_run(argv[0], argv, env, out[1], err[1], &r.exit_value);
    close(out[1]);
    close(err[1]);
    if (r.rc == 0) { /* after a failure an unstarted payload may still hold the pipes until pal_destroy */
        read_all(out[0], r.out, sizeof(r.out));
        read_all(err[0], r.err, sizeof(r.err));
    }
    close(out[0]);
    close(err[0]);
    return r;
}

ssize_t read_all(int fd, char *buf, size_t size)
{
    size_t used = 0;
    for (;;) {
        ssize_t n = read(fd, buf + used, size - 1 - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        used += (size_t)n;
        if (used == size - 1)
            break;
    }
    buf[used] = '\0';
    return (ssize_t)used;
}

static int run_case(const struct test_case *tc, int version, int *passed, int *failed)
{
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        if (load(version))
            _exit(1);
        _exit(tc->fn() ? 1 : 0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!WIFEXITED(status))
        fprintf(stderr, "    host child died with signal %d\n", WTERMSIG(status));
    printf("%s v%d %s\n", ok ? "ok  " : "FAIL", version, tc->name);
    *(ok ? passed : failed) += 1;
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR-WITH-SKELETON-SOS\n", argv[0]);
        return 2;
    }
    snprintf(lib_dir, sizeof(lib_dir), "%s", argv[1]);
    signal(SIGPIPE, SIG_IGN);
    int passed = 0, failed = 0;
    for (int version = 1; version <= 3; version++)
        for (const struct test_case *tc = test_cases; tc->name; tc++)
            if (tc->min_version <= version && version <= tc->max_version)
                run_case(tc, version, &passed, &failed);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
