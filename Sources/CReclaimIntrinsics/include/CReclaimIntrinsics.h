#ifndef RECLAIM_INTRINSICS_H
#define RECLAIM_INTRINSICS_H

// Compiler intrinsics Swift does not expose, as static inline functions
// that inline into the Swift code calling them.

// Asks the CPU to bring the cache line holding `address` in, for writing
// soon. A hint only: never faults, whatever the address.
static inline void reclaim_prefetch_for_write(const void *address) { __builtin_prefetch(address, 1, 3); }

#include "reclaim_intrinsics_memory.h"

#endif
