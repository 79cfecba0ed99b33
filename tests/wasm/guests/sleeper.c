/* sleeper [short]: announces "ready", then sleeps in poll_oneoff: an hour (only pal_kill ends it
 * early), or 20 ms with "short" (the sleep must still complete normally). */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    printf("ready\n");
    fflush(stdout);
    if (argc > 1) usleep(20000); else sleep(3600);
    printf("woke up\n");
    return 0;
}
