/* cases_v2.c: kill, destroy, trace, fail, crash and the v3 report calls; the test table. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.h"

int version_matches(void), exports_exactly_this_version(void), init_rejects_null_and_double_init(void),
    init_rejects_malformed_switches(void), payload_output_and_exit_code(void), payload_arguments_pass_unchanged(void),
    payload_signal_death_is_128_plus_signo(void), payload_builtins(void), missing_program_exits_127(void),
    greeting_goes_to_payload_stderr(void), env_reaches_payload(void), payload_gets_signals_unblocked(void);

static int create(const char **argv, int *pid)
{
    static pal_stdio_fds fds = {0, 1, 2};
    pal_create_process_args args = {.path = argv[0], .argv = argv, .env = no_env, .stdio = &fds, .pid = pid};
    return pal.create(&args);
}

struct waiter {
    pthread_t thread;
    int pid, rc, exit_value;
};

static void *exec_thread(void *arg)
{
    struct waiter *w = arg;
    pal_exec_args args = {.pid = w->pid, .exit_value = &w->exit_value};
    w->rc = pal.exec2(&args);
    return NULL;
}

/* pal_exec blocks, so it runs on its own thread while the main thread calls pal_kill, as in rune. */
static void start_waiter(struct waiter *w, int pid)
{
    *w = (struct waiter){.pid = pid, .exit_value = -1};
    pthread_create(&w->thread, NULL, exec_thread, w);
}

static int kill_one_process(void)
{
    CHECK_EQ(pal_init_args(""), 0);
    int pid = 0;
    CHECK_EQ(create((const char *[]){"sleep", "1000", NULL}, &pid), 0);
    CHECK(pid > 0, "pid %d", pid);
    struct waiter w;
    start_waiter(&w, pid);
    CHECK_EQ(pal.kill(pid, SIGTERM), 0);
    pthread_join(w.thread, NULL);
    CHECK_EQ(w.rc, 0);
    CHECK_EQ(w.exit_value, 128 + SIGTERM);
    return 0;
}

static int kill_all_and_current(void)
{
    CHECK_EQ(pal_init_args(""), 0);
    int a = 0, b = 0, c = 0;
    CHECK_EQ(create((const char *[]){"sleep", "1000", NULL}, &a), 0);
    CHECK_EQ(create((const char *[]){"sleep", "1000", NULL}, &b), 0);
    CHECK(a != b, "pids not distinct");
    struct waiter wa, wb, wc;
    start_waiter(&wa, a);
    start_waiter(&wb, b);
    CHECK_EQ(pal.kill(PAL_KILL_ALL, SIGKILL), 0);
    pthread_join(wa.thread, NULL);
    pthread_join(wb.thread, NULL);
    CHECK_EQ(wa.exit_value, 137);
    CHECK_EQ(wb.exit_value, 137);
    CHECK_EQ(create((const char *[]){"sleep", "1000", NULL}, &c), 0);
    start_waiter(&wc, c);
    CHECK_EQ(pal.kill(PAL_KILL_CURRENT, SIGUSR1), 0);
    pthread_join(wc.thread, NULL);
    CHECK_EQ(wc.exit_value, 128 + SIGUSR1);
    return 0;
}

static int kill_and_exec_reject_bad_input(void)
{
    CHECK_EQ(pal_init_args(""), 0);
    CHECK_EQ(pal.kill(42, SIGTERM), -ESRCH);
    int pid = 0, exit_value = 0;
    CHECK_EQ(create((const char *[]){"exit", "5", NULL}, &pid), 0);
    CHECK_EQ(pal.kill(pid, 100000), -EINVAL);
    pal_exec_args unknown = {.pid = 99, .exit_value = &exit_value};
    CHECK_EQ(pal.exec2(&unknown), -ESRCH);
    pal_exec_args no_out = {.pid = pid, .exit_value = NULL};
    CHECK_EQ(pal.exec2(&no_out), -EINVAL);
    pal_exec_args ok = {.pid = pid, .exit_value = &exit_value};
    CHECK_EQ(pal.exec2(&ok), 0);
    CHECK_EQ(exit_value, 5);
    CHECK_EQ(pal.exec2(&ok), -ESRCH); /* already reaped */
    pal_create_process_args empty = {0};
    CHECK_EQ(pal.create(&empty), -EINVAL);
    CHECK_EQ(pal.create(NULL), -EINVAL);
    return 0;
}

static int destroy_leaves_no_process(void)
{
    CHECK_EQ(pal_init_args(""), 0);
    int pid = 0;
    CHECK_EQ(create((const char *[]){"sleep", "1000", NULL}, &pid), 0);
    CHECK_EQ(pal.destroy(), 0);
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD, "a payload process outlived pal_destroy");
    return 0;
}

static int read_file(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
    return 0;
}

static int trace_records_each_call(void)
{
    char path[] = "/tmp/skeleton-trace-XXXXXX", args[128], trace[8192];
    close(mkstemp(path));
    snprintf(args, sizeof(args), "trace=%s", path);
    CHECK_EQ(pal_init_args(args), 0);
    struct run_result r = run((const char *[]){"/bin/echo", "a b", "q\"", NULL}, no_env);
    CHECK_EQ(r.exit_value, 0);
    CHECK_EQ(pal.destroy(), 0);
    CHECK_EQ(read_file(path, trace, sizeof(trace)), 0);
    unlink(path);
    char want[4096];
    if (pal.version == 1)
        snprintf(want, sizeof(want), "pal_init version=1 args=[\"%s\"] log_level=\"info\" fd=-1 addr=0\n"
                 "pal_exec path=\"/bin/echo\" argv=[\"/bin/echo\", \"a b\", \"q\\\"\"] env=[\"PATH=", args);
    else
        snprintf(want, sizeof(want), "pal_init version=%d args=[\"%s\"] log_level=\"info\" fd=-1 addr=0\n"
                 "pal_create_process path=\"/bin/echo\" argv=[\"/bin/echo\", \"a b\", \"q\\\"\"] env=[] stdio=0,",
                 pal.version, args);
    CHECK(!strncmp(trace, want, strlen(want)), "trace:\n%s\nwant prefix:\n%s", trace, want);
    CHECK(strstr(trace, pal.version == 1 ? "\npal_destroy " : "\npal_exec pid=1\npal_destroy ") != NULL,
          "trace:\n%s", trace);
    return 0;
}

static const char *const api_names[] = {"pal_init", "pal_create_process", "pal_exec", "pal_kill", "pal_destroy",
                                       "pal_get_local_report", "pal_get_evidence", NULL};

static int has_function(const char *name)
{
    if (pal.version == 1)
        return !strcmp(name, "pal_init") || !strcmp(name, "pal_exec") || !strcmp(name, "pal_destroy");
    return pal.version == 3 || !strstr(name, "_get_");
}

/* Calls one API function the ordinary way (after pal_init) and returns what it returned. */
static int call_function(const char *name)
{
    int pid = 0, len = PAL_SGX_REPORT_SIZE;
    char buf[PAL_SGX_TARGETINFO_SIZE] = {0};
    if (!strcmp(name, "pal_destroy"))
        return pal.destroy();
    if (!strcmp(name, "pal_kill"))
        return pal.kill(PAL_KILL_ALL, SIGTERM);
    if (!strcmp(name, "pal_create_process"))
        return create((const char *[]){"exit", "0", NULL}, &pid);
    if (!strcmp(name, "pal_exec"))
        return run((const char *[]){"exit", "0", NULL}, no_env).rc;
    if (!strcmp(name, "pal_get_local_report"))
        return pal.report(buf, sizeof(buf), buf, &len);
    return pal.evidence("n", 1, buf, &len);
}

/* In a child process: pal_init(args), then (unless the switch targets pal_init) call `name`. */
static int status_of(const char *args, const char *name, int *rc_out)
{
    int pipe_fds[2];
    if (pipe(pipe_fds))
        return -1;
    pid_t child = fork();
    if (child == 0) {
        int rc = pal_init_args(args);
        if (rc == 0 && strcmp(name, "pal_init"))
            rc = call_function(name);
        ssize_t ignored = write(pipe_fds[1], &rc, sizeof(rc));
        (void)ignored;
        _exit(0);
    }
    close(pipe_fds[1]);
    if (read(pipe_fds[0], rc_out, sizeof(*rc_out)) != sizeof(*rc_out))
        *rc_out = 1;
    close(pipe_fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    return status;
}

/* Every function can be told to fail with a chosen errno; the failure comes back unchanged. */
static int fail_switch_per_function(void)
{
    for (int i = 0; api_names[i]; i++) {
        if (!has_function(api_names[i]))
            continue;
        char args[96];
        snprintf(args, sizeof(args), "fail=%s:%d", api_names[i], 10 + i);
        int rc = 0, status = status_of(args, api_names[i], &rc);
        CHECK(WIFEXITED(status), "%s: child died", api_names[i]);
        CHECK(rc == -(10 + i), "%s returned %d, want %d", api_names[i], rc, -(10 + i));
        status = status_of("", api_names[i], &rc);
        CHECK(rc == 0, "%s without the switch returned %d", api_names[i], rc);
    }
    return 0;
}

/* crash=<function> raises SIGSEGV inside that function, even with SIGSEGV blocked by the caller. */
static int crash_switch_per_function(void)
{
    sigset_t segv;
    sigemptyset(&segv);
    sigaddset(&segv, SIGSEGV);
    pthread_sigmask(SIG_BLOCK, &segv, NULL);
    for (int i = 0; api_names[i]; i++) {
        if (!has_function(api_names[i]))
            continue;
        char args[96];
        snprintf(args, sizeof(args), "crash=%s", api_names[i]);
        int rc = 0, status = status_of(args, api_names[i], &rc);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "%s: status %#x, want SIGSEGV", api_names[i], status);
    }
    return 0;
}

static int local_report_checks_sizes_and_is_deterministic(void)
{
    CHECK_EQ(pal_init_args(""), 0);
    unsigned char ti[PAL_SGX_TARGETINFO_SIZE], ti2[PAL_SGX_TARGETINFO_SIZE], r1[512], r2[512], r3[512];
    for (int i = 0; i < PAL_SGX_TARGETINFO_SIZE; i++)
        ti[i] = ti2[i] = (unsigned char)(i * 7);
    ti2[511] ^= 1;
    int len = 431;
    CHECK_EQ(pal.report(ti, PAL_SGX_TARGETINFO_SIZE, r1, &len), -EINVAL);
    CHECK_EQ(len, PAL_SGX_REPORT_SIZE);
    len = 512;
    CHECK_EQ(pal.report(ti, 511, r1, &len), -EINVAL);
    CHECK_EQ(pal.report(NULL, PAL_SGX_TARGETINFO_SIZE, r1, &len), -EINVAL);
    CHECK_EQ(pal.report(ti, PAL_SGX_TARGETINFO_SIZE, r1, NULL), -EINVAL);
    CHECK_EQ(pal.report(ti, PAL_SGX_TARGETINFO_SIZE, r1, &len), 0);
    CHECK_EQ(len, PAL_SGX_REPORT_SIZE);
    len = 512;
    CHECK_EQ(pal.report(ti, PAL_SGX_TARGETINFO_SIZE, r2, &len), 0);
    CHECK(!memcmp(r1, r2, PAL_SGX_REPORT_SIZE), "same TARGETINFO, different reports");
    CHECK_EQ(pal.report(ti2, PAL_SGX_TARGETINFO_SIZE, r3, &len), 0);
    CHECK(memcmp(r1, r3, PAL_SGX_REPORT_SIZE), "different TARGETINFO, same report");
    CHECK(!memcmp(r1, "SKELETON-FAKE-REPORT", 20), "report is not marked fake");
    return 0;
}

static int evidence_is_marked_fake_and_binds_report_data(void)
{
    CHECK_EQ(pal_init_args(""), 0);
    char evidence[1024];
    int len = 4;
    const unsigned char nonce[3] = {0xde, 0xad, 0x01};
    CHECK_EQ(pal.evidence(nonce, 3, evidence, &len), -EINVAL);
    CHECK(len > 4, "needed size not reported");
    len = sizeof(evidence) - 1;
    CHECK_EQ(pal.evidence(nonce, 3, evidence, &len), 0);
    evidence[len] = '\0';
    CHECK(strstr(evidence, "\"reportData\":\"dead01\"") != NULL, "evidence %s", evidence);
    CHECK(strstr(evidence, "\"fake\":true") != NULL, "evidence %s", evidence);
    char big[65] = {0};
    len = sizeof(evidence);
    CHECK_EQ(pal.evidence(big, 65, evidence, &len), -EINVAL);
    return 0;
}

const struct test_case test_cases[] = {
    {"pal_get_version returns the built version", 1, 3, version_matches},
    {"exports exactly the symbols of its version", 1, 3, exports_exactly_this_version},
    {"pal_init rejects NULL and a second init", 1, 3, init_rejects_null_and_double_init},
    {"pal_init rejects malformed fail=/crash=", 1, 3, init_rejects_malformed_switches},
    {"payload output and exit code", 1, 3, payload_output_and_exit_code},
    {"payload arguments pass unchanged", 1, 3, payload_arguments_pass_unchanged},
    {"signal death is 128+signo", 1, 3, payload_signal_death_is_128_plus_signo},
    {"builtins exit/sleep/wait_timeout", 1, 3, payload_builtins},
    {"missing program exits 127", 1, 3, missing_program_exits_127},
    {"greeting goes to the payload's stderr", 1, 3, greeting_goes_to_payload_stderr},
    {"env reaches the payload", 2, 3, env_reaches_payload},
    {"payload starts with signals unblocked", 1, 3, payload_gets_signals_unblocked},
    {"pal_kill reaches one process", 2, 3, kill_one_process},
    {"pal_kill -1 and 0", 2, 3, kill_all_and_current},
    {"pal_kill/pal_exec/pal_create_process reject bad input", 2, 3, kill_and_exec_reject_bad_input},
    {"pal_destroy leaves no process", 2, 3, destroy_leaves_no_process},
    {"trace records each call", 1, 3, trace_records_each_call},
    {"fail=<fn>:<errno> per function", 1, 3, fail_switch_per_function},
    {"crash=<fn> per function", 1, 3, crash_switch_per_function},
    {"local report: sizes, determinism, marker", 3, 3, local_report_checks_sizes_and_is_deterministic},
    {"evidence: fake marker and report data", 3, 3, evidence_is_marked_fake_and_binds_report_data},
    {NULL, 0, 0, NULL},
};
