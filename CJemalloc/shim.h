#ifndef RECLAIM_CJEMALLOC_SHIM_H
#define RECLAIM_CJEMALLOC_SHIM_H

// Debian's libjemalloc-dev installs jemalloc with an empty symbol prefix, so
// its entry points are the plain `malloc`, `mallocx`, `mallctl`, ... names.
// Linking this module therefore replaces the C library's malloc for the whole
// process, the Swift runtime included.
#include <jemalloc/jemalloc.h>

// The MALLOCX_* flag macros are function-like and cannot be imported by Swift;
// these inline functions give Swift the same encodings.
static inline int cjemalloc_mallocx_lg_align(unsigned lg) { return MALLOCX_LG_ALIGN(lg); }
static inline int cjemalloc_mallocx_zero(void) { return MALLOCX_ZERO; }
static inline int cjemalloc_mallocx_tcache(unsigned tc) { return MALLOCX_TCACHE(tc); }
static inline int cjemalloc_mallocx_tcache_none(void) { return MALLOCX_TCACHE_NONE; }
static inline int cjemalloc_mallocx_arena(unsigned a) { return MALLOCX_ARENA(a); }
static inline unsigned cjemalloc_arenas_all(void) { return MALLCTL_ARENAS_ALL; }
static inline unsigned cjemalloc_arenas_destroyed(void) { return MALLCTL_ARENAS_DESTROYED; }

#endif
