/* argv.c: hands Swift's CommandLine the argument vector that glibc passes to constructors.
 * The Swift runtime's own provider (CommandLine.cpp in the static libswiftCore.a) finds argv from a global
 * constructor that parses /proc/self/maps with stdio and sscanf at the start of every process, the
 * container's init included. Defining the symbol here keeps that archive member out of the static link. */
#include <stddef.h>

static char **captured_argv;
static int captured_argc;

__attribute__((constructor)) static void rune_capture_argv(int argc, char **argv, char **envp) {
    (void)envp;
    captured_argc = argc;
    captured_argv = argv;
}

/* Called by the stdlib (Swift calling convention) for CommandLine.unsafeArgv and CommandLine.arguments. */
__attribute__((swiftcall, visibility("hidden"))) char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen) {
    static char *empty[] = { NULL };
    if (!captured_argv) { *outArgLen = 0; return empty; }
    *outArgLen = captured_argc;
    return captured_argv;
}
