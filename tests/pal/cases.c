/* cases.c: what the skeleton PAL must do, per API version (each case runs in its own process). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.h"

#define GREETING "Enclave runtime skeleton initialization succeeded\n"
const char *no_env[] = {NULL};

int version_matches(void)
{
    CHECK(pal.get_version != NULL, "pal_get_version missing");
    CHECK_EQ(pal.get_version(), pal.version);
    return 0;
}

int exports_exactly_this_version(void)
{
    CHECK(pal.init1 && pal.exec1 && pal.destroy, "v1 symbols missing");
    CHECK((pal.create != NULL) == (pal.version >= 2), "pal_create_process presence wrong");
    CHECK((pal.kill != NULL) == (pal.version >= 2), "pal_kill presence wrong");
    CHECK((pal.report != NULL) == (pal.version == 3), "pal_get_local_report presence wrong");
    CHECK((pal.evidence != NULL) == (pal.version == 3), "pal_get_evidence presence wrong");
    return 0;
}

int init_rejects_null_and_double_init(void)
{
    if (pal.version == 3)
        CHECK_EQ(pal.init3(NULL), -EINVAL);
    else
        CHECK_EQ(pal.init1(NULL), -EINVAL);
    CHECK_EQ(pal_init_args("debug no-epm"), 0);
    CHECK_EQ(pal_init_args(""), -EEXIST);
    return 0;
}

int init_rejects_malformed_switches(void)
{
    CHECK_EQ(pal_init_args("fail=pal_init"), -EINVAL);
    CHECK_EQ(pal_init_args("fail=pal_init:abc"), -EINVAL);
    CHECK_EQ(pal_init_args("fail=:3"), -EINVAL);
    CHECK_EQ(pal_init_args("crash="), -EINVAL);
    CHECK_EQ(pal_init_args(NULL), 0);
    return 0;
}

int payload_output_and_exit_code(void)
{
    CHECK_EQ(pal_init_args(""), 0);
    struct run_result r = run((const char *[]){"/bin/sh", "-c", "echo hi; echo oops >&2; exit 3", NULL}, no_env);
    CHECK_EQ(r.rc, 0);
    CHECK_EQ(r.exit_value, 3);
    CHECK(!strcmp(r.out, "hi\n"), "stdout %s", r.out);
    CHECK(!strcmp(r.err, "oops\n"), "stderr %s", r.err);
    return 0;
}

int payload_arguments_pass_unchanged(void)
{
    CHECK_EQ(pal_init_args(""), 0);
    struct run_result r = run((const char *[]){"/usr/bin/printf", "[%s]", "two words", "it's \"q\"", "", "a\nb", NULL},
                              no_env);
    CHECK_EQ(r.exit_value, 0);
    CHECK(!strcmp(r.out, "[two words][it's \"q\"][][a\nb]"), "got %s", r.out);
    return 0;
}

int payload_signal_death_is_128_plus_signo(void)
{
    CHECK_EQ(pal_init_args(""), 0);
    struct run_result r = run((const char *[]){"/bin/sh", "-c", "kill -9 $$", NULL}, no_env);
    CHECK_EQ(r.rc, 0);
    CHECK_EQ(r.exit_value, 137);
    return 0;
}

int payload_builtins(void)
{
    CHECK_EQ(pal_init_args(""), 0);
    CHECK_EQ(run((const char *[]){"exit", "7", NULL}, no_env).exit_value, 7);
    CHECK_EQ(run((const char *[]){"/bin/exit", "300", NULL}, no_env).exit_value, 300 & 255);
    CHECK_EQ(run((const char *[]){"sleep", "0", NULL}, no_env).exit_value, 0);
    /* upstream's form: a program name, then wait_timeout N; nothing is executed */
    CHECK_EQ(run((const char *[]){"/nonexistent/sh", "wait_timeout", "0", NULL}, no_env).exit_value, 0);
    return 0;
}

int missing_program_exits_127(void)
{
    CHECK_EQ(pal_init_args(""), 0);
    struct run_result r = run((const char *[]){"/no/such/program", NULL}, no_env);
    CHECK_EQ(r.rc, 0);
    CHECK_EQ(r.exit_value, 127);
    CHECK(strstr(r.err, "/no/such/program") != NULL, "stderr %s", r.err);
    return 0;
}

int greeting_goes_to_payload_stderr(void)
{
    CHECK_EQ(pal_init_args("greeting"), 0);
    struct run_result r = run((const char *[]){"exit", "0", NULL}, no_env);
    CHECK_EQ(r.exit_value, 0);
    CHECK(!strcmp(r.err, GREETING), "stderr %s", r.err);
    CHECK(!strcmp(r.out, ""), "stdout %s", r.out);
    return 0;
}

int env_reaches_payload(void)
{
    CHECK_EQ(pal_init_args(""), 0);
    struct run_result r = run((const char *[]){"/bin/sh", "-c", "echo \"$FOO|$EMPTY|$(env | wc -l)\"", NULL},
                              (const char *[]){"FOO=bar baz", "EMPTY=", NULL});
    CHECK_EQ(r.exit_value, 0);
    CHECK(!strncmp(r.out, "bar baz||", 9), "got %s", r.out);
    return 0;
}

int payload_gets_signals_unblocked(void)
{
    CHECK_EQ(pal_init_args(""), 0);
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* as an init-runelet reading signals from a signalfd would */
    signal(SIGTERM, SIG_IGN);
    struct run_result r = run((const char *[]){"/bin/sh", "-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status", NULL},
                              no_env);
    CHECK_EQ(r.exit_value, 0);
    CHECK(strstr(r.out, "SigBlk:\t0000000000000000") != NULL, "payload inherited a blocked mask:\n%s", r.out);
    CHECK(strstr(r.out, "SigIgn:\t0000000000000000") != NULL, "payload inherited ignored signals:\n%s", r.out);
    return 0;
}
