/* A 64-bit LCG step with an xorshift, run N times (default 10^8): the compute benchmark, compiled
 * natively and to wasm. The xorshift keeps the compiler from folding the loop into a closed form. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 100000000ULL, x = 1;
    for (uint64_t i = 0; i < n; i++) x = (x ^ (x >> 29)) * 6364136223846793005ULL + 1442695040888963407ULL;
    printf("%llu\n", (unsigned long long)x);
    return 0;
}
