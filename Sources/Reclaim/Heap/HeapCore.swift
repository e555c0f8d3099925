/// The mutable state of a heap that its hot paths touch, kept behind one
/// pointer the `Heap` object owns.
///
/// Why not stored properties: Swift checks exclusive access to a class's
/// `var`s at run time (`swift_beginAccess`), which cost more than the rest
/// of an object's allocation. Behind a pointer the state is plain memory.
///
/// Invariants: allocated and initialised by `Heap.init`, deinitialised and
/// freed by `Heap.deinit`; used only by the thread using the heap.
struct HeapCore {
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
    /// Weak references by referent, and their callbacks.
    var weakReferences = WeakReferenceTable()
    /// `Heap.finalize` helpers not yet called or detached.
    var objectFinalizers: [ObjectIdentifier: ObjectFinalizer] = [:]
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
    /// Free lists of small blocks, by size / 8 (see `FreeLists`).
    var freeLists = FreeLists()
    /// Set by `Heap.destroy()`.
    var isDestroyed = false
    /// The immortal singletons, set once while the heap is made.
    var none: RawRef?
    var trueObject: RawRef?
    var falseObject: RawRef?
    var emptyString: RawRef?
    var emptyTuple: RawRef?
    /// The immortal ints -5…256.
    var smallInts = GrowableBuffer<RawRef>()

    mutating func release() {
        freeLists.release()
        typeCounters.release()
        deferred.release()
        sizeClassCache.release()
        smallInts.release()
    }
}

/// A growable array of trivial values in manually managed memory: no
/// uniqueness checks, no reference counting. Freed explicitly by `release()`.
///
/// Invariants: `storage` holds `capacity` slots of which the first `count`
/// are initialised; `Element` is trivial (BitwiseCopyable), so slots need no
/// deinitialisation.
struct GrowableBuffer<Element: BitwiseCopyable> {
    private(set) var storage: UnsafeMutablePointer<Element>?
    private(set) var count = 0
    private(set) var capacity = 0

    init() {}

    @inline(__always)
    subscript(index: Int) -> Element {
        get {
            checkIndex(index)
            return storage![index]
        }
        set {
            checkIndex(index)
            storage![index] = newValue
        }
    }

    /// In debug builds, stops when `index` is not one of the first `count` slots.
    @inline(__always)
    func checkIndex(_ index: Int) {
        #if DEBUG
        precondition(index >= 0 && index < count, "GrowableBuffer: index \(index) is outside 0..<\(count)")
        #endif
    }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(to: max(16, capacity * 2)) }
        (storage! + count).initialize(to: element)
        count += 1
    }

    @inline(__always)
    mutating func removeLast() -> Element {
        count -= 1
        return storage![count]
    }

    mutating func popLast() -> Element? { count == 0 ? nil : removeLast() }

    /// Makes room for `minimum` elements in all, so appends up to it do not
    /// grow. Grows at least twofold, as appends do, so reserving a little
    /// more each time stays linear overall.
    mutating func reserveCapacity(_ minimum: Int) {
        if minimum > capacity { grow(to: max(minimum, capacity * 2)) }
    }

    /// Grows to `capacity` slots, new ones set to `filler`.
    mutating func resize(to newCapacity: Int, filling filler: Element) {
        if newCapacity > capacity { grow(to: newCapacity) }
        while count < newCapacity { append(filler) }
    }

    mutating func grow(to newCapacity: Int) {
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        if let storage {
            grown.moveInitialize(from: storage, count: count)
            storage.deallocate()
        }
        storage = grown
        capacity = newCapacity
    }

    /// Forgets every element, keeping the memory.
    mutating func removeAll() { count = 0 }

    /// Sets the count after elements were written straight into `storage`
    /// (the collector compacts a table in place); the first `newCount`
    /// slots must hold elements.
    mutating func setCount(_ newCount: Int) {
        precondition(newCount >= 0 && newCount <= capacity, "GrowableBuffer.setCount: \(newCount) is beyond the capacity \(capacity)")
        count = newCount
    }

    /// The elements as an array copy.
    var elements: [Element] { storage.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [] }

    mutating func release() {
        storage?.deallocate()
        storage = nil
        count = 0
        capacity = 0
    }
}

/// Per-size free lists of small blocks in front of the heap's arena, as
/// CPython keeps free lists for its common objects: a freed block of up to
/// `maximumSize` bytes is kept (up to `maximumCount` per size) and handed
/// out again by the next allocation of that size without a call into
/// jemalloc. `Heap.flushCache()` returns them all to the arena.
///
/// Invariants: a listed block is a block of this heap's arena of exactly
/// `index × 8` requested bytes, no longer part of any object; its first 8
/// bytes hold the next block of the list. Blocks here are not counted as
/// live (`Heap.liveBlockBytes`), but jemalloc counts them as allocated until flushed.
struct FreeLists {
    static let maximumSize = 256
    static let maximumCount = 1024
    static let classes = maximumSize / 8 + 1

    let heads = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: FreeLists.classes)
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: FreeLists.classes)

    init() {
        heads.initialize(repeating: nil, count: FreeLists.classes)
        counts.initialize(repeating: 0, count: FreeLists.classes)
    }

    /// A kept block of `rounded` bytes (a multiple of 8, at most `maximumSize`), if any.
    @inline(__always)
    func pop(_ rounded: Int) -> UnsafeMutableRawPointer? {
        let index = rounded >> 3
        guard let block = heads[index] else { return nil }
        heads[index] = block.load(as: UnsafeMutableRawPointer?.self)
        counts[index] -= 1
        return block
    }

    /// Keeps `block` of `rounded` bytes; false when the list is full.
    @inline(__always)
    func push(_ block: UnsafeMutableRawPointer, _ rounded: Int) -> Bool {
        let index = rounded >> 3
        guard counts[index] < FreeLists.maximumCount else { return false }
        block.storeBytes(of: heads[index], as: UnsafeMutableRawPointer?.self)
        heads[index] = block
        counts[index] += 1
        return true
    }

    /// Takes every kept block out, calling `body` with it and its size.
    func drain(_ body: (UnsafeMutableRawPointer, Int) -> Void) {
        for index in 1..<FreeLists.classes {
            while let block = pop(index << 3) { body(block, index << 3) }
        }
    }

    /// Forgets every kept block (their arena is gone).
    func forget() {
        heads.update(repeating: nil, count: FreeLists.classes)
        counts.update(repeating: 0, count: FreeLists.classes)
    }

    func release() {
        heads.deallocate()
        counts.deallocate()
    }
}
