/* rune_security.h: prctl/seccomp constants and id calls for RuneSecurity. Swift's Glibc module hides
 * <sys/prctl.h>, <linux/seccomp.h> and setresuid/setresgid (_GNU_SOURCE); values are checked in security.c. */
#ifndef RUNE_SECURITY_H
#define RUNE_SECURITY_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum {
    RUNE_PR_SET_KEEPCAPS = 8, RUNE_PR_SET_SECCOMP = 22, RUNE_PR_CAPBSET_READ = 23, RUNE_PR_CAPBSET_DROP = 24,
    RUNE_PR_SET_NO_NEW_PRIVS = 38, RUNE_PR_GET_NO_NEW_PRIVS = 39, RUNE_PR_CAP_AMBIENT = 47,
    RUNE_PR_CAP_AMBIENT_IS_SET = 1, RUNE_PR_CAP_AMBIENT_RAISE = 2, RUNE_PR_CAP_AMBIENT_CLEAR_ALL = 4,
};

enum {
    RUNE_SECCOMP_FILTER_FLAG_TSYNC = 1, RUNE_SECCOMP_FILTER_FLAG_LOG = 2, RUNE_SECCOMP_FILTER_FLAG_SPEC_ALLOW = 4,
    RUNE_SECCOMP_FILTER_FLAG_NEW_LISTENER = 8, RUNE_SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV = 32,
};

int rune_setresuid(uid_t r, uid_t e, uid_t s);
int rune_setresgid(gid_t r, gid_t e, gid_t s);
/* prlimit(2) on another process (pid 0: the caller), for limits set from outside a user namespace. */
int rune_prlimit(pid_t pid, int resource, uint64_t soft, uint64_t hard);
/* Loads a classic BPF program (len bytes of struct sock_filter) into the calling thread. With flags == 0 it uses
 * prctl(PR_SET_SECCOMP); otherwise seccomp(2), which returns the listener fd for FLAG_NEW_LISTENER. Returns -1 and errno on error. */
int rune_seccomp_load_bpf(unsigned int flags, const void *bpf, size_t len);

#endif
