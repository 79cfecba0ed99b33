/* pal.h: Enclave Runtime PAL API v1-v3 (C ABI shared by rune and PAL authors).
 * LP64, natural alignment, never packed. One .so implements one version:
 * define PAL_IMPLEMENTS_VERSION (1, 2 or 3) before including to get the prototypes. */
#ifndef RUNE_PAL_H
#define RUNE_PAL_H
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

#define PAL_API_VERSION_MIN 1
#define PAL_API_VERSION_MAX 3
#define PAL_KILL_ALL      (-1)
#define PAL_KILL_CURRENT  0
#define PAL_SGX_TARGETINFO_SIZE 512
#define PAL_SGX_REPORT_SIZE     432
#define PAL_EXPORT __attribute__((visibility("default")))

typedef struct pal_attr_v1 {
    const char *args;        /* runtime-specific, space separated */
    const char *log_level;   /* trace|debug|info|warning|error|fatal|panic|off */
} pal_attr_v1_t;

typedef struct pal_attr_v3 {
    pal_attr_v1_t attr_v1;
    int fd;                  /* pre-built enclave fd, -1 if none */
    uint64_t addr;           /* its base address, 0 if none */
} pal_attr_v3_t;

typedef struct pal_stdio_fds {
    int stdin, stdout, stderr;
} pal_stdio_fds;

typedef struct pal_create_process_args {
    const char *path;
    const char **argv;       /* NULL-terminated */
    const char **env;        /* NULL-terminated KEY=VALUE */
    const pal_stdio_fds *stdio;
    int *pid;                /* out: PAL-local id > 0 */
} pal_create_process_args;

typedef struct pal_exec_args {
    int pid;
    int *exit_value;         /* out: 0..255; 128+signo if killed */
} pal_exec_args;

_Static_assert(sizeof(pal_attr_v1_t) == 16, "pal_attr_v1_t layout");
_Static_assert(offsetof(pal_attr_v3_t, fd) == 16 && offsetof(pal_attr_v3_t, addr) == 24
               && sizeof(pal_attr_v3_t) == 32, "pal_attr_v3_t layout");
_Static_assert(sizeof(pal_stdio_fds) == 12, "pal_stdio_fds layout");
_Static_assert(offsetof(pal_create_process_args, stdio) == 24 && offsetof(pal_create_process_args, pid) == 32
               && sizeof(pal_create_process_args) == 40, "pal_create_process_args layout");
_Static_assert(offsetof(pal_exec_args, exit_value) == 8 && sizeof(pal_exec_args) == 16, "pal_exec_args layout");

typedef int (*pal_get_version_fn)(void);
typedef int (*pal_init_v1_fn)(pal_attr_v1_t *attr);
typedef int (*pal_init_v3_fn)(pal_attr_v3_t *attr);
typedef int (*pal_exec_v1_fn)(const char *path, const char *argv[], pal_stdio_fds *stdio, int *exit_code);
typedef int (*pal_create_process_fn)(pal_create_process_args *args);
typedef int (*pal_exec_v2_fn)(pal_exec_args *args);
typedef int (*pal_kill_fn)(int pid, int sig);
typedef int (*pal_destroy_fn)(void);
typedef int (*pal_get_local_report_fn)(void *targetinfo, int targetinfo_len, void *report, int *report_len);

/* Optional extension (rune, beyond v3): evidence over caller-supplied report data (a nonce).
 * Found with dlsym; rune attest falls back to pal_get_local_report when absent.
 * *evidence_len: capacity in, bytes written out. Returns 0 or -errno (-EINVAL + needed size if too small). */
typedef int (*pal_get_evidence_fn)(const void *report_data, int report_data_len, void *evidence, int *evidence_len);

#ifdef PAL_IMPLEMENTS_VERSION
PAL_EXPORT int pal_get_version(void);
PAL_EXPORT int pal_destroy(void);
#if PAL_IMPLEMENTS_VERSION == 1
PAL_EXPORT int pal_init(pal_attr_v1_t *attr);
PAL_EXPORT int pal_exec(const char *path, const char *argv[], pal_stdio_fds *stdio, int *exit_code);
#else
#if PAL_IMPLEMENTS_VERSION == 2
PAL_EXPORT int pal_init(pal_attr_v1_t *attr);
#else
PAL_EXPORT int pal_init(pal_attr_v3_t *attr);
PAL_EXPORT int pal_get_local_report(void *targetinfo, int targetinfo_len, void *report, int *report_len);
PAL_EXPORT int pal_get_evidence(const void *report_data, int report_data_len, void *evidence, int *evidence_len);
#endif
PAL_EXPORT int pal_create_process(pal_create_process_args *args);
PAL_EXPORT int pal_exec(pal_exec_args *args);
PAL_EXPORT int pal_kill(int pid, int sig);
#endif
#endif /* PAL_IMPLEMENTS_VERSION */

#ifdef __cplusplus
}
#endif
#endif /* RUNE_PAL_H */
