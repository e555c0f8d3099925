// Page mappings for large tables (the rest of the module is header-only).

#define _GNU_SOURCE
#include <sys/mman.h>
#include "reclaim_intrinsics_memory.h"

void *reclaim_map_pages(size_t byteCount) {
    void *memory = mmap(NULL, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return memory == MAP_FAILED ? NULL : memory;
}

void *reclaim_remap_pages(void *address, size_t oldByteCount, size_t newByteCount) {
    void *memory = mremap(address, oldByteCount, newByteCount, MREMAP_MAYMOVE);
    return memory == MAP_FAILED ? NULL : memory;
}

void reclaim_unmap_pages(void *address, size_t byteCount) { munmap(address, byteCount); }
