/* skeleton_proc.c: payload processes. pal_create_process forks a child that waits on a pipe;
 * pal_exec releases it and waits for it. The caller is multi-threaded, so between fork and
 * execve the child uses only async-signal-safe calls, on data prepared before fork. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "skeleton_internal.h"

#define MAX_PROCS 128

struct proc {
    int used;
    int released;      /* pal_exec has let it run */
    pid_t host_pid;
    int start_fd;      /* write end: one byte releases the child; close without writing cancels it */
};

static struct proc procs[MAX_PROCS];
static int last_pal_pid; /* "current" process for pal_kill(0, sig) */
static pthread_mutex_t procs_lock = PTHREAD_MUTEX_INITIALIZER;

static void write_all(int fd, const char *s)
{
    size_t len = strlen(s);
    while (len > 0) {
        ssize_t n = write(fd, s, len);
        if (n <= 0 && errno != EINTR)
            return;
        if (n > 0)
            s += n, len -= (size_t)n;
    }
}

/* Builtin payloads, as upstream: "wait_timeout N" and our "sleep N" / "exit N", either as argv[0]
 * or after a leading program name (upstream CI runs `sh wait_timeout 6000`). */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int builtin_index(const char *const *argv)
{
    static const char *const names[] = {"wait_timeout", "sleep", "exit"};
    for (int at = 0; at < 2 && argv[at] && argv[at + 1]; at++)
        for (int i = 0; i < 3; i++)
            if (!strcmp(base_name(argv[at]), names[i]))
                return at;
    return -1;
}

static int parse_number(const char *s)
{
    int value = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        value = value * 10 + (*s - '0');
    return value;
}

/* Runs in the forked child: only async-signal-safe calls from here on. */
static void child_main(const int start_pipe[2], const char *path, char *const *argv, char *const *env,
                       const int fds[3], const sigset_t *empty, int greeting)
{
    /* Drop every release pipe's write end, ours and those of siblings (builtins never exec, so
     * O_CLOEXEC would not close them): closing one must reach its own child as EOF. */
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].used && procs[i].start_fd >= 0)
            close(procs[i].start_fd);
    close(start_pipe[1]);
    int start_fd = start_pipe[0];
    char go;
    ssize_t n;
    while ((n = read(start_fd, &go, 1)) < 0 && errno == EINTR)
        ;
    if (n != 1)
        _exit(128 + SIGKILL); /* cancelled before pal_exec */
    close(start_fd);
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction dfl = {.sa_handler = SIG_DFL};
        sigaction(sig, &dfl, NULL); /* fails harmlessly for SIGKILL/SIGSTOP and invalid numbers */
    }
    sigprocmask(SIG_SETMASK, empty, NULL); /* the runelet blocks signals it forwards; the payload must not */
    for (int i = 0; i < 3; i++)
        if (fds[i] != i && dup2(fds[i], i) < 0)
            _exit(126);
    if (greeting)
        write_all(STDERR_FILENO, SKELETON_GREETING);
    int at = builtin_index((const char *const *)argv);
    if (at >= 0) {
        int number = parse_number(argv[at + 1]);
        if (!strcmp(base_name(argv[at]), "exit"))
            _exit(number & 255);
        struct timespec ts = {.tv_sec = number};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    execve(path, argv, env);
    int err = errno;
    write_all(STDERR_FILENO, "skeleton-pal: cannot execute ");
    write_all(STDERR_FILENO, path);
    write_all(STDERR_FILENO, err == ENOENT ? ": no such file or directory\n" : ": exec failed\n");
    _exit(err == ENOENT ? 127 : 126);
}

static void free_list(char **list)
{
    for (size_t i = 0; list && list[i]; i++)
        free(list[i]);
    free(list);
}

static char **copy_list(const char *const *list)
{
    size_t count = 0;
    while (list && list[count])
        count++;
    char **copy = calloc(count + 1, sizeof(char *));
    for (size_t i = 0; copy && i < count; i++) {
        if (!(copy[i] = strdup(list[i]))) {
            free_list(copy);
            return NULL;
        }
    }
    return copy;
}

static int free_slot(void)
{
    for (int i = 0; i < MAX_PROCS; i++)
        if (!procs[i].used)
            return i;
    return -1;
}

int skeleton_proc_create(const char *path, const char *const *argv, const char *const *env,
                         const pal_stdio_fds *stdio, int *pal_pid)
{
    char **argv_copy = copy_list(argv), **env_copy = copy_list(env);
    char *path_copy = strdup(path);
    int pipe_fds[2] = {-1, -1}, rc = 0;
    int fds[3] = {stdio->stdin, stdio->stdout, stdio->stderr};
    sigset_t empty;
    sigemptyset(&empty);
    pthread_mutex_lock(&procs_lock);
    int slot = free_slot();
    if (!argv_copy || !env_copy || !path_copy)
        rc = -ENOMEM;
    else if (slot < 0)
        rc = -EAGAIN;
    else if (pipe2(pipe_fds, O_CLOEXEC) < 0)
        rc = -errno;
    pid_t pid = rc ? -1 : fork();
    if (pid == 0)
        child_main(pipe_fds, path_copy, argv_copy, env_copy, fds, &empty, skeleton_cfg.greeting);
    if (!rc && pid < 0)
        rc = -errno;
    if (!rc) {
        procs[slot] = (struct proc){.used = 1, .host_pid = pid, .start_fd = pipe_fds[1]};
        *pal_pid = slot + 1;
        last_pal_pid = slot + 1;
        skeleton_debug("process %d is host pid %d: %s", slot + 1, (int)pid, path);
    } else if (pipe_fds[1] >= 0) {
        close(pipe_fds[1]);
    }
    if (pipe_fds[0] >= 0)
        close(pipe_fds[0]);
    pthread_mutex_unlock(&procs_lock);
    free_list(argv_copy);
    free_list(env_copy);
    free(path_copy);
    return rc;
}

static struct proc *lookup(int pal_pid)
{
    if (pal_pid < 1 || pal_pid > MAX_PROCS || !procs[pal_pid - 1].used)
        return NULL;
    return &procs[pal_pid - 1];
}

int skeleton_proc_exec(int pal_pid, int *exit_value)
{
    pthread_mutex_lock(&procs_lock);
    struct proc *p = lookup(pal_pid);
    if (!p || p->released) {
        pthread_mutex_unlock(&procs_lock);
        return p ? -EBUSY : -ESRCH;
    }
    p->released = 1;
    pid_t host_pid = p->host_pid;
    ssize_t ignored = write(p->start_fd, "g", 1);
    (void)ignored;
    close(p->start_fd);
    p->start_fd = -1;
    pthread_mutex_unlock(&procs_lock);

    int status, rc = 0; /* wait without the lock: pal_kill must work meanwhile */
    pid_t got;
    while ((got = waitpid(host_pid, &status, 0)) < 0 && errno == EINTR)
        ;
    if (got < 0)
        rc = -errno; /* ECHILD: someone else reaped it */
    else
        *exit_value = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    pthread_mutex_lock(&procs_lock);
    procs[pal_pid - 1] = (struct proc){0};
    pthread_mutex_unlock(&procs_lock);
    return rc;
}

int skeleton_proc_kill(int pal_pid, int sig)
{
    int rc = 0, found = 0;
    pthread_mutex_lock(&procs_lock);
    if (pal_pid == PAL_KILL_CURRENT)
        pal_pid = last_pal_pid;
    for (int i = 0; i < MAX_PROCS; i++) {
        if (!procs[i].used || (pal_pid != PAL_KILL_ALL && i != pal_pid - 1))
            continue;
        found = 1;
        if (kill(procs[i].host_pid, sig) < 0 && errno != ESRCH)
            rc = -errno; /* ESRCH: already exited, waiting to be reaped by pal_exec */
    }
    pthread_mutex_unlock(&procs_lock);
    if (!found && pal_pid != PAL_KILL_ALL)
        return -ESRCH;
    if (!found && (sig < 0 || sig >= NSIG))
        return -EINVAL;
    return rc;
}

/* pal_destroy: nothing may outlive the instance. Released children are reaped by their pal_exec. */
void skeleton_proc_destroy_all(void)
{
    pthread_mutex_lock(&procs_lock);
    for (int i = 0; i < MAX_PROCS; i++) {
        if (!procs[i].used)
            continue;
        kill(procs[i].host_pid, SIGKILL);
        if (!procs[i].released) {
            close(procs[i].start_fd);
            waitpid(procs[i].host_pid, NULL, 0);
            procs[i] = (struct proc){0};
        }
    }
    last_pal_pid = 0;
    pthread_mutex_unlock(&procs_lock);
}
