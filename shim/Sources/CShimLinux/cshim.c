#define _GNU_SOURCE
#include "cshim.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

int cshim_spawn(const char *path, char *const argv[], char *const envp[], const int *fds, int nfds,
                int new_pgroup, const char *cwd, pid_t *pid) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int moved[64];
    int rc, i;
    if (nfds > 64) return EINVAL;
    /* Move every source fd above the target range first, so dup2(3,3)-style no-ops cannot keep
     * FD_CLOEXEC and one mapping cannot clobber the source of another. */
    for (i = 0; i < nfds; i++) {
        moved[i] = -1;
        if (fds[i] >= 0) {
            moved[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, nfds + 3);
            if (moved[i] < 0) { rc = errno; goto close_moved; }
        }
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    for (i = 0; i < nfds; i++) {
        if (moved[i] >= 0) posix_spawn_file_actions_adddup2(&fa, moved[i], i);
        else posix_spawn_file_actions_addopen(&fa, i, "/dev/null", O_RDWR, 0);
    }
    if (cwd) posix_spawn_file_actions_addchdir_np(&fa, cwd);
    sigset_t empty, all;
    sigemptyset(&empty);
    sigemptyset(&all);
    sigaddset(&all, SIGCHLD); sigaddset(&all, SIGTERM); sigaddset(&all, SIGINT); sigaddset(&all, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setsigdefault(&attr, &all);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (new_pgroup) { flags |= POSIX_SPAWN_SETPGROUP; posix_spawnattr_setpgroup(&attr, 0); }
    posix_spawnattr_setflags(&attr, flags);
    rc = posix_spawn(pid, path, &fa, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
close_moved:
    for (i = 0; i < nfds; i++) if (moved[i] >= 0) close(moved[i]);
    return rc;
}

int cshim_set_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

static sigset_t shim_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD); sigaddset(&set, SIGTERM); sigaddset(&set, SIGINT); sigaddset(&set, SIGPIPE);
    return set;
}

int cshim_block_signals(void) {
    sigset_t set = shim_signals();
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int cshim_wait_signal(void) {
    sigset_t set = shim_signals();
    siginfo_t info;
    for (;;) {
        int s = sigwaitinfo(&set, &info);
        if (s >= 0) return s;
        if (errno != EINTR) return -1;
    }
}

int cshim_send_fd(int sock, int fd) {
    char byte = 0;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

int cshim_recv_fd(int sock) {
    char buf[4096];
    struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int) * 4)]; } u;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
    ssize_t n;
    do { n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); } while (n < 0 && errno == EINTR);
    if (n < 0) return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int fd;
            memcpy(&fd, CMSG_DATA(c), sizeof(int));
            return fd;
        }
    }
    errno = EBADMSG;
    return -1;
}

int cshim_set_winsize(int fd, uint16_t width, uint16_t height) {
    struct winsize ws = { .ws_row = height, .ws_col = width };
    return ioctl(fd, TIOCSWINSZ, &ws);
}

int cshim_eventfd(void) { return eventfd(0, EFD_CLOEXEC); }

int cshim_mount(const char *source, const char *target, const char *type, unsigned long flags, const char *data) {
    return mount(source, target, type, flags, data);
}

int cshim_umount(const char *target, int detach) { return umount2(target, detach ? MNT_DETACH : 0); }

int cshim_set_oom_score_adj_plus_one(void) {
    /* Make the serving shim slightly more killable than containerd, as containerd's own shims do. */
    FILE *f = fopen("/proc/self/oom_score_adj", "r");
    int v = 0;
    if (!f) return -1;
    if (fscanf(f, "%d", &v) != 1) v = 0;
    fclose(f);
    if (v >= 1000) return 0;
    f = fopen("/proc/self/oom_score_adj", "w");
    if (!f) return -1;
    fprintf(f, "%d", v + 1);
    return fclose(f);
}

int cshim_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int cshim_tempfile(char *template_path) { return mkostemp(template_path, O_CLOEXEC); }

int cshim_accept(int fd) { return accept4(fd, NULL, NULL, SOCK_CLOEXEC); }
