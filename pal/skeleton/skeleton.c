/* skeleton.c: the PAL API entry points of the skeleton test PAL, for API version PAL_IMPLEMENTS_VERSION.
 * No TEE: payloads run as child processes of the caller (see skeleton_proc.c). Every call is traced
 * and can be made to fail or crash through pal_init's args (see skeleton_config.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "skeleton_internal.h"

static int initialized;

int pal_get_version(void)
{
    return PAL_IMPLEMENTS_VERSION; /* called before pal_init, so never traced */
}

static int init_common(const pal_attr_v1_t *attr, int fd, unsigned long long addr)
{
    if (!attr)
        return -EINVAL;
    char args[4096];
    skeleton_format_list(args, sizeof(args), (const char *const[]){attr->args ? attr->args : "", NULL});
    if (initialized) /* keep the first configuration; trace with it */
        return skeleton_enter("pal_init", "version=%d args=%s again", PAL_IMPLEMENTS_VERSION, args) ?: -EEXIST;
    int rc = skeleton_parse_args(attr->args, attr->log_level);
    if (rc)
        return rc; /* malformed fail=/crash=/trace= */
    rc = skeleton_enter("pal_init", "version=%d args=%s log_level=\"%s\" fd=%d addr=%llu", PAL_IMPLEMENTS_VERSION,
                        args, skeleton_cfg.log_level, fd, addr);
    if (rc)
        return rc;
    initialized = 1;
    skeleton_debug("initialized (API v%d)", PAL_IMPLEMENTS_VERSION);
    return 0;
}

#if PAL_IMPLEMENTS_VERSION >= 3
int pal_init(pal_attr_v3_t *attr)
{
    return attr ? init_common(&attr->attr_v1, attr->fd, (unsigned long long)attr->addr) : -EINVAL;
}
#else
int pal_init(pal_attr_v1_t *attr)
{
    return init_common(attr, -1, 0);
}
#endif

static int create_common(const char *fn, const char *path, const char *const *argv, const char *const *env,
                         const pal_stdio_fds *stdio, int *pid)
{
    static char argv_text[8192], env_text[8192]; /* callers are serialised (pal-api.md §8); keep stacks small */
    skeleton_format_list(argv_text, sizeof(argv_text), argv);
    skeleton_format_list(env_text, sizeof(env_text), env);
    int rc = skeleton_enter(fn, "path=\"%s\" argv=%s env=%s stdio=%d,%d,%d", path ? path : "(null)", argv_text,
                            env_text, stdio ? stdio->stdin : -1, stdio ? stdio->stdout : -1,
                            stdio ? stdio->stderr : -1);
    if (rc)
        return rc;
    if (!initialized)
        return -EINVAL;
    if (!path || !argv || !argv[0] || !stdio || !pid)
        return -EINVAL;
    return skeleton_proc_create(path, argv, env ? env : (const char *const[]){NULL}, stdio, pid);
}

#if PAL_IMPLEMENTS_VERSION == 1
/* v1 has no environment in pal_exec; give the payload a plain PATH rather than the runelet's env. */
static const char *const v1_env[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL};

int pal_exec(const char *path, const char *argv[], pal_stdio_fds *stdio, int *exit_code)
{
    int pid = 0;
    int rc = create_common("pal_exec", path, argv, v1_env, stdio, exit_code ? &pid : NULL);
    return rc ? rc : skeleton_proc_exec(pid, exit_code); /* v1 runs the program synchronously */
}
#else
int pal_create_process(pal_create_process_args *args)
{
    if (!args) {
        int rc = skeleton_enter("pal_create_process", "args=NULL");
        return rc ? rc : -EINVAL;
    }
    return create_common("pal_create_process", args->path, args->argv, args->env, args->stdio, args->pid);
}

int pal_exec(pal_exec_args *args)
{
    int rc = skeleton_enter("pal_exec", "pid=%d", args ? args->pid : -1);
    if (rc)
        return rc;
    if (!initialized || !args || !args->exit_value)
        return -EINVAL;
    return skeleton_proc_exec(args->pid, args->exit_value);
}

int pal_kill(int pid, int sig)
{
    int rc = skeleton_enter("pal_kill", "pid=%d sig=%d", pid, sig);
    if (rc)
        return rc;
    return initialized ? skeleton_proc_kill(pid, sig) : -EINVAL;
}
#endif

int pal_destroy(void)
{
    int rc = skeleton_enter("pal_destroy", "initialized=%d", initialized);
    if (rc)
        return rc;
    skeleton_proc_destroy_all();
    initialized = 0;
    skeleton_debug("destroyed");
    return 0;
}
