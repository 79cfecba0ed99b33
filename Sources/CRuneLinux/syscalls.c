/* syscalls.c: thin C entry points for calls Swift's Glibc module hides or cannot import (variadic). */
#define _GNU_SOURCE
#include "rune_linux.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

_Static_assert(RUNE_CLONE_NEWNS == CLONE_NEWNS, "CLONE_NEWNS");
_Static_assert(RUNE_CLONE_NEWCGROUP == CLONE_NEWCGROUP, "CLONE_NEWCGROUP");
_Static_assert(RUNE_CLONE_NEWUTS == CLONE_NEWUTS, "CLONE_NEWUTS");
_Static_assert(RUNE_CLONE_NEWIPC == CLONE_NEWIPC, "CLONE_NEWIPC");
_Static_assert(RUNE_CLONE_NEWUSER == CLONE_NEWUSER, "CLONE_NEWUSER");
_Static_assert(RUNE_CLONE_NEWPID == CLONE_NEWPID, "CLONE_NEWPID");
_Static_assert(RUNE_CLONE_NEWNET == CLONE_NEWNET, "CLONE_NEWNET");

int rune_setns(int fd, int nstype) { return setns(fd, nstype); }
int rune_unshare(int flags) { return unshare(flags); }
int rune_pivot_root(const char *new_root, const char *put_old) { return (int)syscall(SYS_pivot_root, new_root, put_old); }
int rune_sethostname(const char *name, size_t len) { return sethostname(name, len); }
int rune_setdomainname(const char *name, size_t len) { return setdomainname(name, len); }
int rune_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5) {
    return prctl(option, a2, a3, a4, a5);
}
int rune_ioctl_int(int fd, unsigned long request, int *arg) { return ioctl(fd, request, arg); }
int rune_ioctl_ptr(int fd, unsigned long request, void *arg) { return ioctl(fd, request, arg); }
int rune_memfd_create(const char *name, unsigned int flags) { return (int)syscall(SYS_memfd_create, name, flags); }
int rune_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }
int rune_pidfd_send_signal(int pidfd, int sig) { return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0); }
int rune_setgroups(size_t n, const gid_t *groups) { return setgroups(n, groups); }
int rune_personality(unsigned long persona) { return personality(persona); }
int rune_close_range_cloexec(unsigned int first) { return (int)syscall(SYS_close_range, first, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */); }
int rune_wifexited(int status) { return WIFEXITED(status); }
int rune_wexitstatus(int status) { return WEXITSTATUS(status); }
int rune_wifsignaled(int status) { return WIFSIGNALED(status); }
int rune_wtermsig(int status) { return WTERMSIG(status); }

static int capcall(int set, uint32_t eff[2], uint32_t prm[2], uint32_t inh[2]) {
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (set) {
        for (int i = 0; i < 2; i++) { data[i].effective = eff[i]; data[i].permitted = prm[i]; data[i].inheritable = inh[i]; }
        return (int)syscall(SYS_capset, &hdr, data);
    }
    int rc = (int)syscall(SYS_capget, &hdr, data);
    for (int i = 0; i < 2; i++) { eff[i] = data[i].effective; prm[i] = data[i].permitted; inh[i] = data[i].inheritable; }
    return rc;
}
int rune_capset(uint32_t eff[2], uint32_t prm[2], uint32_t inh[2]) { return capcall(1, eff, prm, inh); }
int rune_capget(uint32_t eff[2], uint32_t prm[2], uint32_t inh[2]) { return capcall(0, eff, prm, inh); }

/* Opens path beneath dirfd with every symlink resolved as if dirfd were "/", so nothing escapes it. */
int rune_openat2_in_root(int dirfd, const char *path, int flags, unsigned mode) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)flags;
    how.mode = mode;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

int rune_send_fds(int sock, const void *data, size_t len, const int *fds, int nfds) {
    char cbuf[CMSG_SPACE(sizeof(int) * RUNE_MAX_FDS)];
    struct iovec iov = {(void *)data, len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (nfds < 0 || nfds > RUNE_MAX_FDS) { errno = EINVAL; return -1; }
    if (nfds > 0) {
        memset(cbuf, 0, sizeof cbuf);
        msg.msg_control = cbuf;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
    }
    ssize_t n;
    do { n = sendmsg(sock, &msg, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    return n < 0 ? -1 : (int)n;
}

ssize_t rune_recv_fds(int sock, void *data, size_t len, int *fds, int maxfds, int *nfds) {
    char cbuf[CMSG_SPACE(sizeof(int) * RUNE_MAX_FDS)];
    struct iovec iov = {data, len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    *nfds = 0;
    ssize_t n;
    do { n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); } while (n < 0 && errno == EINTR);
    if (n < 0) return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *in = (int *)CMSG_DATA(c);
        for (int i = 0; i < count; i++) {
            if (*nfds < maxfds) fds[(*nfds)++] = in[i];
            else close(in[i]);
        }
    }
    if (msg.msg_flags & MSG_CTRUNC) { errno = EMSGSIZE; return -1; }
    return n;
}

_Static_assert(RUNE_O_PATH == O_PATH, "O_PATH");
int rune_pipe2(int fds[2], int flags) { return pipe2(fds, flags); }
int rune_pty_slave_name(int master, char *buf, size_t len) {
    if (unlockpt(master) < 0) return -1;
    int rc = ptsname_r(master, buf, len);
    if (rc != 0) { errno = rc; return -1; }
    return 0;
}
