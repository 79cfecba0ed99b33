/* files PATH...: prints each file's first line, or "error PATH: reason"; exits with the failure count. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    int failures = 0;
    for (int i = 1; i < argc; i++) {
        char line[256] = {0};
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            printf("error %s: %s\n", argv[i], strerror(errno));
            failures++;
            continue;
        }
        if (fgets(line, sizeof line, f)) printf("read %s: %s", argv[i], line);
        fclose(f);
    }
    return failures;
}
