// What one pass over N (default a million) 48-byte blocks costs on this
// machine: the floor under each collector phase, which touches every
// candidate's header.
//
//   clang -O2 -o /tmp/memory-passes Benchmarks/memory-passes.c && /tmp/memory-passes [N]
//
// Prints ns per block for: a read of each block; a read-modify-write of
// each; and a read-modify-write of each plus of its two children in a
// breadth-first binary tree (blocks 2i+1 and 2i+2), the pattern of the
// subtraction and mark phases on the gc suite's tree.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv) {
    const size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000, size = 48;
    if (n < 3) return 2;
    char *blocks = malloc(n * size);
    if (!blocks) return 1;
    memset(blocks, 1, n * size);
    unsigned long sum = 0;
    for (int round = 0; round < 3; round++) {
        double t0 = now();
        for (size_t i = 0; i < n; i++) sum += *(unsigned long *)(blocks + i * size);
        double t1 = now();
        for (size_t i = 0; i < n; i++) (*(unsigned long *)(blocks + i * size))++;
        double t2 = now();
        for (size_t i = 0; i < n; i++) {
            (*(unsigned long *)(blocks + i * size))++;
            (*(unsigned long *)(blocks + ((2 * i + 1) % n) * size))--;
            (*(unsigned long *)(blocks + ((2 * i + 2) % n) * size))--;
        }
        double t3 = now();
        printf("read %.1f  read-modify-write %.1f  with two children %.1f  ns/block\n",
               (t1 - t0) / n, (t2 - t1) / n, (t3 - t2) / n);
    }
    return sum == 42;   // keeps the reads
}
