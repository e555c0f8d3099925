// What freeing N (default a million) 48-byte blocks costs in jemalloc itself, in
// allocation order: through an explicit arena and thread cache (as a Reclaim
// heap frees), through the same arena with no thread cache, and through the
// default thread cache.
//
//   clang -O2 -o /tmp/jemalloc-free Benchmarks/jemalloc-free.c -ljemalloc && /tmp/jemalloc-free [N]
#include <jemalloc/jemalloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static double free_all(void **blocks, size_t n, int allocate_flags, int free_flags) {
    for (size_t i = 0; i < n; i++) {
        blocks[i] = mallocx(48, allocate_flags);
        if (!blocks[i]) exit(1);
        *(size_t *)blocks[i] = i;
    }
    double start = now();
    for (size_t i = 0; i < n; i++) sdallocx(blocks[i], 48, free_flags);
    return (now() - start) / n;
}

int main(int argc, char **argv) {
    const size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    if (n == 0) return 2;
    void **blocks = malloc(n * sizeof *blocks);
    unsigned arena, tcache;
    size_t size = sizeof(unsigned);
    if (!blocks || mallctl("arenas.create", &arena, &size, NULL, 0) || mallctl("tcache.create", &tcache, &size, NULL, 0))
        return 1;
    const int own = MALLOCX_ARENA(arena) | MALLOCX_TCACHE(tcache);
    for (int round = 0; round < 3; round++) {
        double explicit_cache = free_all(blocks, n, own, own);
        double no_cache = free_all(blocks, n, own, MALLOCX_ARENA(arena) | MALLOCX_TCACHE_NONE);
        double default_cache = free_all(blocks, n, 0, 0);
        printf("arena+tcache %.1f  arena, no tcache %.1f  default %.1f  ns/free\n",
               explicit_cache, no_cache, default_cache);
    }
    return 0;
}
