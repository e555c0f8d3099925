#ifndef RECLAIM_INTRINSICS_MEMORY_H
#define RECLAIM_INTRINSICS_MEMORY_H

#include <stddef.h>

// Large growable tables in pages of their own, so that growing one moves
// its pages instead of copying them (Linux's mremap). Each returns NULL
// when the kernel refuses.

// `byteCount` bytes of zeroed, private, anonymous memory.
void *reclaim_map_pages(size_t byteCount);
// The mapping at `address` of `oldByteCount` bytes, grown to `newByteCount`;
// it may move. The contents are kept.
void *reclaim_remap_pages(void *address, size_t oldByteCount, size_t newByteCount);
// Returns the mapping to the kernel.
void reclaim_unmap_pages(void *address, size_t byteCount);

#endif
