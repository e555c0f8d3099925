#ifndef RECLAIM_PRELOAD_H
#define RECLAIM_PRELOAD_H

// libReclaimPreload.so is loaded into programs run by `memstat run`, after
// libjemalloc.so.2 in LD_PRELOAD. When RECLAIM_MEMSTAT_DIR is set it points
// jemalloc's `malloc_message` at a writer that stores every JSON statistics
// report in RECLAIM_MEMSTAT_DIR/<pid>.json, each preceded by a line
// "@<CLOCK_MONOTONIC nanoseconds>". jemalloc's own warnings (text outside a
// report) still go to stderr. The program's stdout and stderr are not touched.

/// The environment variable naming the directory reports are written to.
#define RECLAIM_MEMSTAT_DIR_ENV "RECLAIM_MEMSTAT_DIR"

#endif
