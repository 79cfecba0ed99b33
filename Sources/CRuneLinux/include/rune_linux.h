/* rune_linux.h: syscalls and constants Swift's Glibc module hides (it is built without _GNU_SOURCE),
 * variadic calls Swift cannot import, and the SCM_RIGHTS helpers. Values are checked with _Static_assert in syscalls.c. */
#ifndef RUNE_LINUX_H
#define RUNE_LINUX_H
#include <stdint.h>
#include <sys/types.h>

enum {
    RUNE_CLONE_NEWNS = 0x00020000, RUNE_CLONE_NEWCGROUP = 0x02000000, RUNE_CLONE_NEWUTS = 0x04000000,
    RUNE_CLONE_NEWIPC = 0x08000000, RUNE_CLONE_NEWUSER = 0x10000000, RUNE_CLONE_NEWPID = 0x20000000,
    RUNE_CLONE_NEWNET = 0x40000000, RUNE_CLONE_NEWTIME = 0x00000080,
};

#define RUNE_O_PATH 010000000

/* nsexec stage seen by Swift main: 0 = ordinary command, 2 = container init / exec process. */
int rune_nsexec_get_stage(void);
/* fd of the init pipe in stage 2; -1 otherwise. */
int rune_nsexec_get_pipe(void);
/* Stage 2's pid as rune sees it (stage 1 forked it); 0 otherwise. */
int32_t rune_nsexec_get_host_pid(void);

int rune_pipe2(int fds[2], int flags);
/* unlockpt + ptsname_r on a pty master. */
int rune_pty_slave_name(int master, char *buf, size_t len);

int rune_setns(int fd, int nstype);
int rune_unshare(int flags);
int rune_pivot_root(const char *new_root, const char *put_old);
int rune_sethostname(const char *name, size_t len);
int rune_setdomainname(const char *name, size_t len);
int rune_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5);
int rune_ioctl_int(int fd, unsigned long request, int *arg);
int rune_ioctl_ptr(int fd, unsigned long request, void *arg);
int rune_memfd_create(const char *name, unsigned int flags);
/* The process's argc and argv as glibc hands them to ELF constructors (argv.c). */
int rune_argc(void);
char **rune_argv(void);
int rune_pidfd_open(pid_t pid);
int rune_pidfd_send_signal(int pidfd, int sig);
int rune_capset(uint32_t eff[2], uint32_t prm[2], uint32_t inh[2]);
int rune_capget(uint32_t eff[2], uint32_t prm[2], uint32_t inh[2]);
int rune_openat2_in_root(int dirfd, const char *path, int flags, unsigned mode);
/* The most fds one frame carries: a v1 `tasks` file per hierarchy (hostCgroups) fits. */
#define RUNE_MAX_FDS 32
int rune_send_fds(int sock, const void *data, size_t len, const int *fds, int nfds);
ssize_t rune_recv_fds(int sock, void *data, size_t len, int *fds, int maxfds, int *nfds);
int rune_setgroups(size_t n, const gid_t *groups);
int rune_personality(unsigned long persona);
int rune_close_range_cloexec(unsigned int first);
int rune_wifexited(int status);
int rune_wexitstatus(int status);
int rune_wifsignaled(int status);
int rune_wtermsig(int status);

#endif
#include "rune_security.h"
