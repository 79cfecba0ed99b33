/* skeleton_config.c: pal_init argument parsing, the call trace and the fail/crash switches. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skeleton_internal.h"

struct skeleton_config skeleton_cfg;
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;

void skeleton_reset_config(void)
{
    memset(&skeleton_cfg, 0, sizeof(skeleton_cfg));
}

static int copy_word(char *dst, size_t size, const char *src, size_t len)
{
    if (len == 0 || len >= size)
        return -EINVAL;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return 0;
}

/* fail=<function>:<errno>, errno a positive decimal number. */
static int parse_fail(const char *value, size_t len)
{
    const char *colon = memchr(value, ':', len);
    if (!colon || copy_word(skeleton_cfg.fail_fn, sizeof(skeleton_cfg.fail_fn), value, colon - value))
        return -EINVAL;
    char number[16];
    if (copy_word(number, sizeof(number), colon + 1, len - (colon + 1 - value)))
        return -EINVAL;
    char *end;
    long err = strtol(number, &end, 10);
    if (*end != '\0' || err <= 0 || err > 4095)
        return -EINVAL;
    skeleton_cfg.fail_errno = (int)err;
    return 0;
}

static int parse_word(const char *word, size_t len)
{
    if (len == 5 && !strncmp(word, "debug", 5)) {
        skeleton_cfg.debug = 1;
        return 0;
    }
    if (len == 8 && !strncmp(word, "greeting", 8)) {
        skeleton_cfg.greeting = 1;
        return 0;
    }
    /* An empty value (e.g. "crash=") is malformed: copy_word rejects it. */
    if (len >= 6 && !strncmp(word, "trace=", 6))
        return copy_word(skeleton_cfg.trace_path, sizeof(skeleton_cfg.trace_path), word + 6, len - 6);
    if (len >= 5 && !strncmp(word, "fail=", 5))
        return parse_fail(word + 5, len - 5);
    if (len >= 6 && !strncmp(word, "crash=", 6))
        return copy_word(skeleton_cfg.crash_fn, sizeof(skeleton_cfg.crash_fn), word + 6, len - 6);
    return 1; /* unknown words (no-epm, ...) are accepted and ignored, as upstream does */
}

int skeleton_parse_args(const char *args, const char *log_level)
{
    skeleton_reset_config();
    snprintf(skeleton_cfg.log_level, sizeof(skeleton_cfg.log_level), "%s", log_level ? log_level : "");
    for (const char *p = args ? args : ""; *p;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (len == 0)
            break;
        int rc = parse_word(p, len);
        if (rc < 0) {
            skeleton_reset_config();
            return rc;
        }
        if (rc > 0)
            skeleton_debug("ignoring unknown argument %.*s", (int)len, p);
        p += len;
    }
    return 0;
}

void skeleton_debug(const char *fmt, ...)
{
    if (!skeleton_cfg.debug)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n > (int)sizeof(line) - 2)
        n = sizeof(line) - 2;
    line[n++] = '\n';
    dprintf(STDERR_FILENO, "skeleton-pal: %.*s", n, line);
}

static void append_escaped(char *buf, size_t size, const char *s)
{
    size_t used = strlen(buf);
    for (; *s && used + 5 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            used += snprintf(buf + used, size - used, "\\%c", c);
        else if (c == '\n')
            used += snprintf(buf + used, size - used, "\\n");
        else if (c < 0x20 || c == 0x7f)
            used += snprintf(buf + used, size - used, "\\x%02x", c);
        else
            buf[used++] = (char)c, buf[used] = '\0';
    }
}

void skeleton_format_list(char *buf, size_t size, const char *const *list)
{
    snprintf(buf, size, "[");
    for (size_t i = 0; list && list[i]; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s\"", i ? ", " : "");
        append_escaped(buf, size, list[i]);
        used = strlen(buf);
        snprintf(buf + used, size - used, "\"");
    }
    size_t used = strlen(buf);
    snprintf(buf + used, size - used, "]");
}

static void write_trace(const char *line)
{
    if (!skeleton_cfg.trace_path[0])
        return;
    pthread_mutex_lock(&trace_lock);
    int fd = open(skeleton_cfg.trace_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        /* One write per line, so concurrent calls never interleave within a line. */
        ssize_t ignored = write(fd, line, strlen(line));
        (void)ignored;
        close(fd);
    } else {
        skeleton_debug("cannot open trace file %s: %s", skeleton_cfg.trace_path, strerror(errno));
    }
    pthread_mutex_unlock(&trace_lock);
}

static void crash_now(const char *fn)
{
    skeleton_debug("crashing in %s as asked", fn);
    /* The caller may block signals; make sure the fault really kills the process. */
    sigset_t segv;
    sigemptyset(&segv);
    sigaddset(&segv, SIGSEGV);
    pthread_sigmask(SIG_UNBLOCK, &segv, NULL);
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
    abort();
}

int skeleton_enter(const char *fn, const char *fmt, ...)
{
    char line[8192];
    int n = snprintf(line, sizeof(line), "%s ", fn);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
    va_end(ap);
    size_t len = strlen(line);
    line[len] = '\n';
    line[len + 1] = '\0';
    write_trace(line);
    if (skeleton_cfg.crash_fn[0] && !strcmp(skeleton_cfg.crash_fn, fn))
        crash_now(fn);
    if (skeleton_cfg.fail_fn[0] && !strcmp(skeleton_cfg.fail_fn, fn)) {
        skeleton_debug("%s fails with -%d as asked", fn, skeleton_cfg.fail_errno);
        return -skeleton_cfg.fail_errno;
    }
    return 0;
}
