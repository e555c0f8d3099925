#if canImport(Glibc)
import Glibc
#endif

/// The mutable state of a heap that its hot paths touch, kept behind one
/// pointer the `Heap` object owns.
///
/// Why not stored properties: Swift checks exclusive access to a class's
/// `var`s at run time (`swift_beginAccess`), which cost more than the rest
/// of an object's allocation. Behind a pointer the state is plain memory.
///
/// Invariants: allocated and initialised by `Heap.init`, deinitialised and
/// freed by `Heap.deinit` (which frees the buffers it owns); used only by
/// the thread using the heap.
struct HeapCore: ~Copyable {
    /// Live objects and bytes per type index.
    var typeCounters = GrowableBuffer<TypeCounters>()
    /// Bytes of all live blocks (the sum of the type counters' bytes), and
    /// the most it has been since the heap was made or the peak was reset.
    var tracedBytes = 0
    var peakTracedBytes = 0
    /// The heap's slot in the published-statistics segment, if any.
    var publishedSlot = PublishedSlot.unclaimed
    /// Live objects per type index at the last `Heap.growth()` call.
    var growthBaseline: [Int: Int] = [:]
    /// Nesting of destructions in progress, and those deferred (the trashcan).
    var destructionDepth = 0
    var deferred = GrowableBuffer<RawRef>()
    /// Callbacks of queued weak references, let go by the outermost
    /// destruction, and whether there are any (read on every destruction).
    var deferredCallbacks: [WeakReferenceCallback] = []
    var hasDeferredCallbacks = false
    /// Size class of requests up to `Heap.sizeClassCacheLimit` bytes, by size / 8 (0: unknown yet).
    var sizeClassCache = GrowableBuffer<Int>()
    /// Where finalizer errors go (`Heap.unraisableHook`).
    var unraisableHook: (UnraisableError) -> Void = UnraisableError.printToStandardError
    /// Storage blocks of a megabyte or more, mapped outside the arena (see `MappedStorage`).
    var mappedStorage = MappedStorage()
    /// Free lists of small blocks, by size / 8 (see `FreeLists`).
    var freeLists = FreeLists()
    #if DEBUG
    /// The latest freed blocks, held back from reuse (see `Quarantine`).
    var quarantine = Quarantine()
    #endif
    /// Set by `Heap.destroy()`.
    var isDestroyed = false
    /// Whether `shutdown()` is running (its finalizers must not destroy the heap).
    var isShuttingDown = false
    /// The thread using the heap, in checked builds (see `ThreadOwnership.swift`).
    var owner: pthread_t?
    /// The immortal singletons, set once while the heap is made.
    var none: RawRef?
    var trueObject: RawRef?
    var falseObject: RawRef?
    var emptyString: RawRef?
    var emptyTuple: RawRef?
    /// The immortal ints -5…256.
    var smallInts = GrowableBuffer<RawRef>()
}
