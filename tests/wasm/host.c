/* host.c: a tiny stand-in for rune's init-runelet, to test libpal-wasm.so end to end.
 * usage: host [--seed FILE] [--chroot DIR] [--env K=V]... [--timing] LIB "ARGS" COMMAND ...
 *   run PATH [ARGV...]            create + exec one process; exits with its exit value
 *   concurrent N PATH [ARGV...]   N processes exec'd at once on N threads; prints "pid P exit E"
 *   kill SIG PATH [ARGV...]       exec, wait for the guest's first stdout line, pal_kill(pid, SIG)
 *   evidence HEX OUT              pal_get_evidence over HEX bytes, written to OUT
 *   report OUT                    pal_get_local_report for an all-zero TARGETINFO, written to OUT
 *   init                          pal_init only
 * Like the init-runelet: dlopen before chroot, the seed fd opened before chroot and passed in
 * RUNE_SIM_PLATFORM_FD, pal_init after chroot. PAL failures exit 3 after printing the return code;
 * a seed fd still open after pal_init exits 5. */
#define _GNU_SOURCE
#define PAL_IMPLEMENTS_VERSION 3
#include "pal.h"
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
    pal_init_v3_fn init; pal_create_process_fn create; pal_exec_v2_fn exec; pal_kill_fn kill;
    pal_destroy_fn destroy; pal_get_local_report_fn report; pal_get_evidence_fn evidence;
} pal;
static const char *envv[64];
static int envc;
static int seed_fd = -1;

static void *must_sym(void *lib, const char *name) {
    void *sym = dlsym(lib, name);
    if (!sym) { fprintf(stderr, "host: missing symbol %s\n", name); exit(4); }
    return sym;
}

static void check(const char *step, int ret) {
    if (ret != 0) { fprintf(stderr, "host: %s returned %d\n", step, ret); exit(3); }
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int create(const char *path, char **argv, int out_fd) {
    pal_stdio_fds fds = { .stdin = 0, .stdout = out_fd, .stderr = 2 };
    int pid = 0;
    pal_create_process_args args = { path, (const char **)argv, envv, &fds, &pid };
    check("pal_create_process", pal.create(&args));
    return pid;
}

static int exec_pid(int pid) {
    int exit_value = -1;
    pal_exec_args args = { pid, &exit_value };
    check("pal_exec", pal.exec(&args));
    return exit_value;
}

static void *exec_thread(void *arg) {
    int *slot = arg;
    slot[1] = exec_pid(slot[0]);
    return NULL;
}

static int cmd_concurrent(int n, char **argv) {
    pthread_t threads[16];
    int slots[16][2];
    if (n < 1 || n > 16) { fprintf(stderr, "host: 1..16 processes\n"); return 2; }
    for (int i = 0; i < n; i++) slots[i][0] = create(argv[0], argv, 1);
    for (int i = 0; i < n; i++) pthread_create(&threads[i], NULL, exec_thread, slots[i]);
    for (int i = 0; i < n; i++) {
        pthread_join(threads[i], NULL);
        printf("pid %d exit %d\n", slots[i][0], slots[i][1]);
    }
    return 0;
}

/* The guest announces that it runs by writing a line; only then is it killed (no sleeps). */
static int cmd_kill(int sig, char **argv) {
    int pipefd[2];
    char buf[256];
    if (pipe(pipefd) != 0) { perror("pipe"); return 2; }
    int slot[2] = { create(argv[0], argv, pipefd[1]), -1 };
    pthread_t thread;
    pthread_create(&thread, NULL, exec_thread, slot);
    ssize_t n = read(pipefd[0], buf, sizeof buf - 1);
    if (n <= 0) { fprintf(stderr, "host: guest wrote nothing\n"); return 2; }
    check("pal_kill", pal.kill(slot[0], sig));
    pthread_join(thread, NULL);
    printf("killed exit %d\n", slot[1]);
    return 0;
}

static int write_file(const char *path, const void *data, int len) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != (size_t)len) { perror(path); return 2; }
    fclose(f);
    return 0;
}

static int cmd_evidence(const char *hex, const char *out) {
    unsigned char data[128], buf[1024];
    int len = 0, cap = sizeof buf;
    for (; hex[2 * len] && hex[2 * len + 1] && len < 128; len++) sscanf(hex + 2 * len, "%2hhx", &data[len]);
    check("pal_get_evidence", pal.evidence(data, len, buf, &cap));
    return write_file(out, buf, cap);
}

static int cmd_report(const char *out) {
    unsigned char target[PAL_SGX_TARGETINFO_SIZE] = {0}, buf[PAL_SGX_REPORT_SIZE];
    int cap = sizeof buf;
    check("pal_get_local_report", pal.report(target, sizeof target, buf, &cap));
    return write_file(out, buf, cap);
}

int main(int argc, char **argv) {
    const char *root = NULL;
    int timing = 0, i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (!strcmp(argv[i], "--timing")) { timing = 1; continue; }
        if (i + 1 >= argc) { fprintf(stderr, "host: %s needs a value\n", argv[i]); return 2; }
        if (!strcmp(argv[i], "--chroot")) root = argv[++i];
        else if (!strcmp(argv[i], "--env") && envc < 63) envv[envc++] = argv[++i];
        else if (!strcmp(argv[i], "--seed")) {
            int fd = open(argv[++i], O_RDONLY);
            char text[16];
            if (fd < 0) { perror(argv[i]); return 2; }
            seed_fd = fd;
            snprintf(text, sizeof text, "%d", fd);
            setenv("RUNE_SIM_PLATFORM_FD", text, 1);
        } else { fprintf(stderr, "host: unknown option %s\n", argv[i]); return 2; }
    }
    if (argc - i < 3) { fprintf(stderr, "usage: host [options] LIB ARGS COMMAND ...\n"); return 2; }
    double t0 = now_ms();
    void *lib = dlopen(argv[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) { fprintf(stderr, "host: %s\n", dlerror()); return 4; }
    double t1 = now_ms();
    if (((pal_get_version_fn)must_sym(lib, "pal_get_version"))() != 3) { fprintf(stderr, "host: not v3\n"); return 4; }
    pal.init = must_sym(lib, "pal_init"); pal.create = must_sym(lib, "pal_create_process");
    pal.exec = must_sym(lib, "pal_exec"); pal.kill = must_sym(lib, "pal_kill");
    pal.destroy = must_sym(lib, "pal_destroy"); pal.report = must_sym(lib, "pal_get_local_report");
    pal.evidence = must_sym(lib, "pal_get_evidence");
    if (root && (chroot(root) != 0 || chdir("/") != 0)) { perror(root); return 2; }
    pal_attr_v3_t attr = { { argv[i + 1], "info" }, -1, 0 };
    double t2 = now_ms();
    check("pal_init", pal.init(&attr));
    double t3 = now_ms();
    /* Contract: pal_init consumes (closes) the seed fd, so it cannot leak into the container's PID 1. */
    if (seed_fd >= 0 && fcntl(seed_fd, F_GETFD) != -1) { fprintf(stderr, "host: seed fd still open after pal_init\n"); return 5; }
    char *cmd = argv[i + 2], **rest = argv + i + 3;
    int status = 0;
    if (!strcmp(cmd, "run") && *rest) status = exec_pid(create(rest[0], rest, 1));
    else if (!strcmp(cmd, "concurrent") && rest[0] && rest[1]) status = cmd_concurrent(atoi(rest[0]), rest + 1);
    else if (!strcmp(cmd, "kill") && rest[0] && rest[1]) status = cmd_kill(atoi(rest[0]), rest + 1);
    else if (!strcmp(cmd, "evidence") && rest[0] && rest[1]) status = cmd_evidence(rest[0], rest[1]);
    else if (!strcmp(cmd, "report") && rest[0]) status = cmd_report(rest[0]);
    else if (strcmp(cmd, "init") != 0) { fprintf(stderr, "host: bad command %s\n", cmd); return 2; }
    double t4 = now_ms();
    check("pal_destroy", pal.destroy());
    if (timing)
        fprintf(stderr, "timing: dlopen %.2f ms, pal_init %.2f ms, command %.2f ms\n", t1 - t0, t3 - t2, t4 - t3);
    return status;
}
