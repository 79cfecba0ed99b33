/* security.c: id-switching and seccomp-loading entry points for RuneSecurity (see rune_security.h). */
#define _GNU_SOURCE
#include "rune_security.h"
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

_Static_assert(RUNE_PR_SET_KEEPCAPS == PR_SET_KEEPCAPS, "PR_SET_KEEPCAPS");
_Static_assert(RUNE_PR_SET_SECCOMP == PR_SET_SECCOMP, "PR_SET_SECCOMP");
_Static_assert(RUNE_PR_CAPBSET_READ == PR_CAPBSET_READ, "PR_CAPBSET_READ");
_Static_assert(RUNE_PR_CAPBSET_DROP == PR_CAPBSET_DROP, "PR_CAPBSET_DROP");
_Static_assert(RUNE_PR_SET_NO_NEW_PRIVS == PR_SET_NO_NEW_PRIVS, "PR_SET_NO_NEW_PRIVS");
_Static_assert(RUNE_PR_GET_NO_NEW_PRIVS == PR_GET_NO_NEW_PRIVS, "PR_GET_NO_NEW_PRIVS");
_Static_assert(RUNE_PR_CAP_AMBIENT == PR_CAP_AMBIENT, "PR_CAP_AMBIENT");
_Static_assert(RUNE_PR_CAP_AMBIENT_IS_SET == PR_CAP_AMBIENT_IS_SET, "PR_CAP_AMBIENT_IS_SET");
_Static_assert(RUNE_PR_CAP_AMBIENT_RAISE == PR_CAP_AMBIENT_RAISE, "PR_CAP_AMBIENT_RAISE");
_Static_assert(RUNE_PR_CAP_AMBIENT_CLEAR_ALL == PR_CAP_AMBIENT_CLEAR_ALL, "PR_CAP_AMBIENT_CLEAR_ALL");
_Static_assert(RUNE_SECCOMP_FILTER_FLAG_TSYNC == SECCOMP_FILTER_FLAG_TSYNC, "TSYNC");
_Static_assert(RUNE_SECCOMP_FILTER_FLAG_LOG == SECCOMP_FILTER_FLAG_LOG, "LOG");
_Static_assert(RUNE_SECCOMP_FILTER_FLAG_SPEC_ALLOW == SECCOMP_FILTER_FLAG_SPEC_ALLOW, "SPEC_ALLOW");
_Static_assert(RUNE_SECCOMP_FILTER_FLAG_NEW_LISTENER == SECCOMP_FILTER_FLAG_NEW_LISTENER, "NEW_LISTENER");
_Static_assert(RUNE_SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV == (1UL << 5), "WAIT_KILLABLE_RECV");

/* glibc's wrappers apply the change to every thread (setxid broadcast), as the init needs. */
int rune_setresuid(uid_t r, uid_t e, uid_t s) { return setresuid(r, e, s); }
int rune_setresgid(gid_t r, gid_t e, gid_t s) { return setresgid(r, e, s); }

int rune_prlimit(pid_t pid, int resource, uint64_t soft, uint64_t hard) {
    struct rlimit limit = {soft, hard};
    return prlimit(pid, (__rlimit_resource_t)resource, &limit, NULL);
}

int rune_seccomp_load_bpf(unsigned int flags, const void *bpf, size_t len) {
    if (len == 0 || len % sizeof(struct sock_filter) != 0 || len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
        errno = EINVAL;
        return -1;
    }
    struct sock_fprog prog = {(unsigned short)(len / sizeof(struct sock_filter)), (struct sock_filter *)bpf};
    if (flags == 0) return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}
