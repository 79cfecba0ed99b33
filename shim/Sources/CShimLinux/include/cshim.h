#ifndef CSHIM_H
#define CSHIM_H
#include <sys/types.h>
#include <stdint.h>

/* posix_spawn with explicit fd wiring: child fd i (0 <= i < nfds) becomes fds[i] (-1: /dev/null).
 * Resets the signal mask and dispositions, optionally starts a new process group.
 * Returns 0 and sets *pid, or an errno value. */
int cshim_spawn(const char *path, char *const argv[], char *const envp[], const int *fds, int nfds,
                int new_pgroup, const char *cwd, pid_t *pid);

int cshim_set_subreaper(void);
/* Blocks SIGCHLD, SIGTERM, SIGINT and SIGPIPE in the calling thread (call before any thread exists). */
int cshim_block_signals(void);
/* Waits for one of the blocked signals; returns its number or -1. */
int cshim_wait_signal(void);

int cshim_send_fd(int sock, int fd);
/* Receives one fd sent with SCM_RIGHTS; returns it or -1. */
int cshim_recv_fd(int sock);

int cshim_set_winsize(int fd, uint16_t width, uint16_t height);
int cshim_eventfd(void);
int cshim_mount(const char *source, const char *target, const char *type, unsigned long flags, const char *data);
int cshim_umount(const char *target, int detach);
int cshim_set_oom_score_adj_plus_one(void);
int cshim_pipe(int fds[2]);
int cshim_tempfile(char *template_path);
int cshim_accept(int fd);
#endif
