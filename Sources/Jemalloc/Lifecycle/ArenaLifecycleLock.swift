import Synchronization

/// Serialises arena creation, reset and destruction with full statistics
/// dumps in this process.
///
/// `malloc_stats_print` walks every arena and aborts the process (jemalloc's
/// internal `xmallctlbymib` failure) when an arena disappears under it, so
/// ``StatsDump`` and ``Arena`` take this lock around those operations. Code
/// that destroys arenas through ``Mallctl`` by name bypasses it.
let arenaLifecycleLock = Mutex(())
