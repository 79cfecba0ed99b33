/* skeleton_internal.h: shared state of the skeleton test PAL (no SGX; payloads are child processes).
 * One source set is compiled three times with -DPAL_IMPLEMENTS_VERSION=1, 2 or 3. */
#ifndef SKELETON_INTERNAL_H
#define SKELETON_INTERNAL_H

#include <limits.h>
#include <sys/types.h>

#include "pal.h"

#ifndef PAL_IMPLEMENTS_VERSION
#error "build with -DPAL_IMPLEMENTS_VERSION=1, 2 or 3"
#endif

#define SKELETON_GREETING "Enclave runtime skeleton initialization succeeded\n"
#define SKELETON_FN_MAX 32

/* Parsed from pal_init's space-separated args: debug, greeting, trace=PATH, fail=FN:ERRNO, crash=FN. */
struct skeleton_config {
    int debug;
    int greeting;
    char trace_path[PATH_MAX];
    char fail_fn[SKELETON_FN_MAX];
    int fail_errno;
    char crash_fn[SKELETON_FN_MAX];
    char log_level[16];
};

extern struct skeleton_config skeleton_cfg;

/* skeleton_config.c */
int skeleton_parse_args(const char *args, const char *log_level);
void skeleton_reset_config(void);
/* Trace one call (printf-style), then crash or fail on request.
 * Returns 0 to go on, or the -errno that the API function must return. */
int skeleton_enter(const char *fn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void skeleton_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Appends `"a", "b"` for a NULL-terminated list, C-escaped, into buf. */
void skeleton_format_list(char *buf, size_t size, const char *const *list);

/* skeleton_proc.c */
int skeleton_proc_create(const char *path, const char *const *argv, const char *const *env,
                         const pal_stdio_fds *stdio, int *pal_pid);
int skeleton_proc_exec(int pal_pid, int *exit_value);
int skeleton_proc_kill(int pal_pid, int sig);
void skeleton_proc_destroy_all(void);

#endif
