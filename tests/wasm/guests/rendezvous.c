/* rendezvous DIR N: claims a slot file DIR/slot.K (first free K) and waits until all N slots exist.
 * Each process can finish only while the others run at the same time, so it proves concurrency.
 * The wait is bounded by a try count (not a clock) so that a broken PAL fails instead of hanging. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) return 2;
    int n = atoi(argv[2]), me = -1;
    char path[256];
    for (int k = 0; k < n && me < 0; k++) {
        snprintf(path, sizeof path, "%s/slot.%d", argv[1], k);
        int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd >= 0) { close(fd); me = k; }
    }
    if (me < 0) { printf("no free slot\n"); return 3; }
    for (long tries = 0; tries < 20000000L; tries++) {
        int present = 0;
        for (int k = 0; k < n; k++) {
            snprintf(path, sizeof path, "%s/slot.%d", argv[1], k);
            present += access(path, F_OK) == 0;
        }
        if (present == n) { printf("slot %d met all %d\n", me, n); return 0; }
    }
    printf("slot %d waited alone\n", me);
    return 1;
}
