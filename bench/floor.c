/* floor.c: the kernel work of one container `run` of the bench bundle, with no runtime around it.
 *   floor ROOTFS NAME [PROGRAM ARG...]   (root; runs /bin/true, or PROGRAM, in ROOTFS; returns its exit code)
 * It makes what the default `runc spec` bundle asks for, the cheapest way this host allows: a cgroup
 * in every v1 hierarchy and in the cgroup2 mount (cpuset copied from the parent, the device rules),
 * one clone3 into new pid, network, ipc, uts and mount namespaces (and straight into the cgroup2
 * directory), the child moving itself into the v1 cgroups, the rootfs and its mounts (proc, /dev
 * tmpfs, devpts, shm, mqueue, read-only sysfs and cgroup bind mounts), the default device nodes and
 * /dev links, masked and read-only paths, pivot_root, a read-only root, hostname, the rlimit, the three
 * capabilities and no_new_privs; then exec, wait and the cgroups removed. No config parsing, no state,
 * no re-exec, no error reporting beyond a message and exit code 125: bench/run.sh measures it next to
 * the runtimes as the floor of what any runtime can reach here (docs/performance.md).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_HIER 32
static char hier[MAX_HIER][256];   /* v1 hierarchy directories under /sys/fs/cgroup */
static int nhier;
static char unified[256];          /* the cgroup2 mount, if any */

static void die(const char *what, const char *path) {
    fprintf(stderr, "floor: %s %s: %s\n", what, path ? path : "", strerror(errno));
    _exit(125);
}

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text, strlen(text)) < 0) die("write", path);
    close(fd);
}

static void copy_file(const char *from, const char *to) {
    char buf[256];
    int fd = open(from, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (n < 0) die("read", from);
    close(fd);
    buf[n] = 0;
    write_file(to, buf);
}

/* The cgroup mounts under /sys/fs/cgroup, from mountinfo (field 5 is the mount point). */
static void find_hierarchies(void) {
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char line[1024];
    if (!f) die("open", "/proc/self/mountinfo");
    while (fgets(line, sizeof line, f)) {
        char point[256], *dash = strstr(line, " - ");
        if (!dash || sscanf(line, "%*s %*s %*s %*s %255s", point) != 1) continue;
        if (strncmp(point, "/sys/fs/cgroup/", 15) != 0) continue;
        if (strncmp(dash, " - cgroup2 ", 11) == 0) snprintf(unified, sizeof unified, "%s", point);
        else if (strncmp(dash, " - cgroup ", 10) == 0 && nhier < MAX_HIER) snprintf(hier[nhier++], 256, "%s", point);
    }
    fclose(f);
}

static const char *allowed_devices[] = {
    "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:8 rwm", "c 1:7 rwm", "c 5:0 rwm", "c 1:5 rwm", "c 1:9 rwm",
    "c 5:1 rwm", "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm",
};

static void make_cgroups(const char *name) {
    char path[512], from[512];
    for (int i = 0; i < nhier; i++) {
        snprintf(path, sizeof path, "%s/%.100s", hier[i], name);
        if (mkdir(path, 0755) < 0) die("mkdir", path);
        if (strstr(hier[i], "cpuset")) {
            snprintf(from, sizeof from, "%s/cpuset.cpus", hier[i]);
            snprintf(path, sizeof path, "%s/%.100s/cpuset.cpus", hier[i], name);
            copy_file(from, path);
            snprintf(from, sizeof from, "%s/cpuset.mems", hier[i]);
            snprintf(path, sizeof path, "%s/%.100s/cpuset.mems", hier[i], name);
            copy_file(from, path);
        }
        if (strstr(hier[i], "devices")) {
            snprintf(path, sizeof path, "%s/%.100s/devices.deny", hier[i], name);
            write_file(path, "a");
            snprintf(path, sizeof path, "%s/%.100s/devices.allow", hier[i], name);
            for (size_t r = 0; r < sizeof allowed_devices / sizeof *allowed_devices; r++) write_file(path, allowed_devices[r]);
        }
    }
    if (unified[0]) {
        snprintf(path, sizeof path, "%s/%.100s", unified, name);
        if (mkdir(path, 0755) < 0) die("mkdir", path);
    }
}

static void remove_cgroups(const char *name) {
    char path[512];
    for (int i = 0; i < nhier; i++) {
        snprintf(path, sizeof path, "%s/%.100s", hier[i], name);
        rmdir(path);
    }
    if (unified[0]) {
        snprintf(path, sizeof path, "%s/%.100s", unified, name);
        rmdir(path);
    }
}

static void mnt(const char *src, const char *dst, const char *type, unsigned long flags, const char *data) {
    if (mount(src, dst, type, flags, data) < 0) die("mount", dst);
}

static void cgroup_mounts(const char *name) {
    char dst[512], src[512];
    mnt("tmpfs", "sys/fs/cgroup", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755");
    for (int i = 0; i < nhier; i++) {
        const char *base = hier[i] + 15;
        snprintf(dst, sizeof dst, "sys/fs/cgroup/%s", base);
        snprintf(src, sizeof src, "%.255s/%.100s", hier[i], name);
        mkdir(dst, 0755);
        mnt(src, dst, NULL, MS_BIND | MS_REC, NULL);
        mnt(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
        const char *comma = strchr(base, ',');   /* cpu,cpuacct: links cpu and cpuacct to it */
        if (comma) {
            char one[128];
            snprintf(one, sizeof one, "sys/fs/cgroup/%.*s", (int)(comma - base), base);
            symlink(base, one);
            snprintf(one, sizeof one, "sys/fs/cgroup/%s", comma + 1);
            symlink(base, one);
        }
    }
}

static void rootfs_mounts(const char *name) {
    mnt("proc", "proc", "proc", 0, NULL);
    mnt("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
    mkdir("dev/pts", 0755);
    mnt("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5");
    mkdir("dev/shm", 0755);
    mnt("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=1777,size=65536k");
    mkdir("dev/mqueue", 0755);
    mnt("mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
    mnt("sysfs", "sys", "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, NULL);
    cgroup_mounts(name);
    static const struct { const char *path; unsigned major, minor; } nodes[] = {
        {"dev/null", 1, 3}, {"dev/zero", 1, 5}, {"dev/full", 1, 7}, {"dev/random", 1, 8}, {"dev/urandom", 1, 9}, {"dev/tty", 5, 0},
    };
    for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++) {
        if (mknod(nodes[i].path, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor)) < 0) die("mknod", nodes[i].path);
        chmod(nodes[i].path, 0666);
    }
    symlink("/proc/self/fd", "dev/fd");
    symlink("/proc/self/fd/0", "dev/stdin");
    symlink("/proc/self/fd/1", "dev/stdout");
    symlink("/proc/self/fd/2", "dev/stderr");
    symlink("pts/ptmx", "dev/ptmx");
    symlink("/proc/kcore", "dev/core");
}

static void protect_paths(void) {
    static const char *masked[] = {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                                   "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"};
    static const char *readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
    struct stat st;
    for (size_t i = 0; i < sizeof masked / sizeof *masked; i++) {
        if (stat(masked[i], &st) < 0) continue;
        if (S_ISDIR(st.st_mode)) mnt("tmpfs", masked[i], "tmpfs", MS_RDONLY, NULL);
        else mnt("/dev/null", masked[i], NULL, MS_BIND, NULL);
    }
    for (size_t i = 0; i < sizeof readonly / sizeof *readonly; i++) {
        if (stat(readonly[i], &st) < 0) continue;
        mnt(readonly[i], readonly[i], NULL, MS_BIND | MS_REC, NULL);
        mnt(NULL, readonly[i], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
    }
}

static void drop_privileges(void) {
    const uint64_t keep = (1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE);
    for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
        if (!(keep & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) die("prctl", "PR_CAPBSET_DROP");
    struct __user_cap_header_struct head = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2] = {{(uint32_t)keep, (uint32_t)keep, (uint32_t)keep}, {0, 0, 0}};
    if (syscall(SYS_capset, &head, data) < 0) die("capset", NULL);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die("prctl", "PR_SET_NO_NEW_PRIVS");
}

static int child_main(const char *rootfs, const char *name, char **program) {
    char path[512];
    for (int i = 0; i < nhier; i++) {   /* a single-threaded task moving itself skips the migration lock */
        snprintf(path, sizeof path, "%s/%.100s/tasks", hier[i], name);
        write_file(path, "0");
    }
    mnt(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL);
    mnt(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL);
    if (chdir(rootfs) < 0) die("chdir", rootfs);
    rootfs_mounts(name);
    int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (oldroot < 0 || syscall(SYS_pivot_root, ".", ".") < 0) die("pivot_root", rootfs);
    if (fchdir(oldroot) < 0) die("fchdir", "old root");
    mnt(NULL, ".", NULL, MS_REC | MS_SLAVE, NULL);
    if (umount2(".", MNT_DETACH) < 0) die("umount", "old root");
    if (chdir("/") < 0) die("chdir", "/");
    close(oldroot);
    protect_paths();
    mnt(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
    if (sethostname("runc", 4) < 0) die("sethostname", NULL);
    struct rlimit nofile = {1024, 1024};
    if (setrlimit(RLIMIT_NOFILE, &nofile) < 0) die("setrlimit", NULL);
    drop_privileges();
    char *true_argv[] = {"true", NULL}, *envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL};
    char **argv = program[0] ? program : true_argv;
    const char *file = program[0] ? program[0] : "/bin/true";
    execve(file, argv, envp);
    die("exec", file);
    return 125;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: floor ROOTFS NAME [PROGRAM ARG...]\n");
        return 2;
    }
    find_hierarchies();
    make_cgroups(argv[2]);
    struct clone_args args = {.flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS,
                              .exit_signal = SIGCHLD};
    int dirfd = -1;
    if (unified[0]) {
        char path[512];
        snprintf(path, sizeof path, "%s/%.100s", unified, argv[2]);
        dirfd = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (dirfd < 0) die("open", path);
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)dirfd;
    }
    pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) die("clone3", NULL);
    if (pid == 0) _exit(child_main(argv[1], argv[2], argv + 3));
    if (dirfd >= 0) close(dirfd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    remove_cgroups(argv[2]);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
