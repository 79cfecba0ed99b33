/* Uses the rune_enclave host module.
 *   seal POLICY FILE TEXT   seal TEXT (policy 1 = MRENCLAVE, 2 = MRSIGNER) into FILE
 *   unseal FILE             print the unsealed text; exit 1 when the enclave may not unseal it
 *   report HEX FILE         write evidence over the bytes HEX to FILE
 * VARIANT makes a build with different bytes (a different enclave from the same source). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef VARIANT
#define VARIANT 1
#endif
#define IMPORT(name) __attribute__((import_module("rune_enclave"), import_name(name)))
IMPORT("seal") int rune_seal(int policy, const void *in, int in_len, void *out, int out_cap);
IMPORT("unseal") int rune_unseal(const void *in, int in_len, void *out, int out_cap);
IMPORT("report") int rune_report(const void *data, int data_len, void *out, int out_cap);

static unsigned char buf[4096], out[4096];

static int save(const char *path, const void *data, int len) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != (size_t)len) { perror(path); return 2; }
    return fclose(f) == 0 ? 0 : 2;
}

int main(int argc, char **argv) {
    printf("enclave variant %d\n", VARIANT);
    if (argc == 5 && !strcmp(argv[1], "seal")) {
        int n = rune_seal(atoi(argv[2]), argv[4], strlen(argv[4]), out, sizeof out);
        if (n < 0) { printf("seal failed %d\n", n); return 1; }
        return save(argv[3], out, n);
    }
    if (argc == 3 && !strcmp(argv[1], "unseal")) {
        FILE *f = fopen(argv[2], "rb");
        if (!f) { perror(argv[2]); return 2; }
        int len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        int n = rune_unseal(buf, len, out, sizeof out - 1);
        if (n < 0) { printf("unseal failed %d\n", n); return 1; }
        out[n] = 0;
        printf("unsealed [%s]\n", out);
        return 0;
    }
    if (argc == 4 && !strcmp(argv[1], "report")) {
        int len = 0;
        for (; argv[2][2 * len] && len < 64; len++) sscanf(argv[2] + 2 * len, "%2hhx", &buf[len]);
        int n = rune_report(buf, len, out, sizeof out);
        if (n < 0) { printf("report failed %d\n", n); return 1; }
        return save(argv[3], out, n);
    }
    fprintf(stderr, "usage: enclave seal|unseal|report ...\n");
    return 2;
}
