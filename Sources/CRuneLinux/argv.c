/* argv.c: the argument vector that glibc passes to ELF constructors, for rune's CLI (rune_argc/rune_argv)
 * and for Swift's CommandLine. The CLI reads it from here because CommandLine's lazy set-up is stdlib code
 * that would stay resident in every rune process for that alone (docs/performance.md, "Link order"). The
 * Swift runtime's own provider (CommandLine.cpp in the static libswiftCore.a) finds argv from a global
 * constructor that parses /proc/self/maps with stdio and sscanf at the start of every process, the
 * container's init included; defining its symbol here keeps that archive member out of the static link. */
#include "rune_linux.h"
#include <stddef.h>

static char **captured_argv;
static int captured_argc;

__attribute__((constructor)) static void rune_capture_argv(int argc, char **argv, char **envp) {
    (void)envp;
    captured_argc = argc;
    captured_argv = argv;
}

int rune_argc(void) { return captured_argc; }
char **rune_argv(void) { return captured_argv; }

/* Called by the stdlib (Swift calling convention) for CommandLine.unsafeArgv and CommandLine.arguments. */
__attribute__((swiftcall, visibility("hidden"))) char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen) {
    static char *empty[] = { NULL };
    if (!captured_argv) { *outArgLen = 0; return empty; }
    *outArgLen = captured_argc;
    return captured_argv;
}
