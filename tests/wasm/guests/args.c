/* Echoes argv and the T_* environment variables in brackets (so spaces are visible);
 * exits with the number given by EXIT_WITH, else 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
    for (int i = 0; i < argc; i++) printf("argv[%d]=[%s]\n", i, argv[i]);
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "T_", 2) == 0) printf("env [%s]\n", *e);
    const char *code = getenv("EXIT_WITH");
    return code ? atoi(code) : 0;
}
