/* host.h: shared pieces of the skeleton PAL test host. */
#ifndef PAL_TEST_HOST_H
#define PAL_TEST_HOST_H
#include <stddef.h>
#include <sys/types.h>

#include "pal.h"

struct pal {
    int version;
    void *handle;
    pal_get_version_fn get_version;
    pal_init_v1_fn init1;
    pal_init_v3_fn init3;
    pal_exec_v1_fn exec1;
    pal_exec_v2_fn exec2;
    pal_create_process_fn create;
    pal_kill_fn kill;
    pal_destroy_fn destroy;
    pal_get_local_report_fn report;
    pal_get_evidence_fn evidence;
};

struct test_case {
    const char *name;
    int min_version, max_version;
    int (*fn)(void); /* 0 = pass */
};

extern struct pal pal;
extern const struct test_case test_cases[];

int fail_msg(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define CHECK(cond, ...) do { if (!(cond)) return fail_msg(__FILE__, __LINE__, __VA_ARGS__); } while (0)
#define CHECK_EQ(got, want) CHECK((got) == (want), "%s == %d, want %d", #got, (int)(got), (int)(want))

int pal_init_args(const char *args);
/* create+exec (v2/v3) or exec (v1) of one payload with stdout/stderr on the given fds. */
int pal_run(const char *path, const char **argv, const char **env, int out_fd, int err_fd, int *exit_value);
ssize_t read_all(int fd, char *buf, size_t size);

struct run_result {
    int rc, exit_value;
    char out[4096], err[4096];
};
/* One payload through pal_run with stdout and stderr captured through pipes. */
struct run_result run(const char **argv, const char **env);
extern const char *no_env[];

#endif
