// Unsafe code here: the heap's hot state and collector state behind
// pointers, and the raw blocks of the heap's arena.
// Invariants: `core`, `collectorState` and `weakReferenceTable` are allocated and initialised by
// `init` and deinitialised and freed by `deinit`, nowhere else; a block is
// freed with the byte count it was allocated with, into the heap it came from.

import Jemalloc

#if canImport(Glibc)
import Glibc
#endif

/// A managed heap: objects in blocks of a jemalloc arena of its own, freed by
/// reference counting with CPython's semantics.
///
/// Every block of the heap's objects — headers, inline payloads and the
/// out-of-line storage of lists, dicts and sets — comes from the heap's
/// arena through a thread cache created for it, so the arena's statistics
/// are the heap's real footprint (after ``flushCache()``), but for a list's
/// item block of a megabyte or more, which is a page mapping of its own so
/// that it grows without a copy (``mappedStorageBytes``).
///
/// A heap is used by one thread at a time; different heaps run on different
/// threads in parallel without sharing a lock on any hot path. The thread
/// that makes a heap owns it, and checked (debug) builds stop any use from
/// another thread with a message; ``relinquish()`` hands the heap over
/// (see `ThreadOwnership.swift`). Destroying a
/// heap (``destroy()``, or its deinitialisation) frees every object in it at
/// once, referenced or not, without running finalizers, and destroys its
/// arena; ``Ref``s still held afterwards do nothing when they go.
/// ``shutdown()`` runs the finalizers first.
///
/// Lifetime: the heap lives while Swift holds the `Heap` object. Its
/// objects and ``Ref``s do not keep it alive, so a runtime holds its heap
/// for as long as the program runs. (An armed ``ObjectFinalizer`` does: it
/// holds its heap until it runs or is detached, and the heap holds it.) A finalizer, weak-reference callback
/// or type closure should reach the heap through the object it is given
/// (`this.heap`), not capture it: types live for the rest of the process,
/// and a closure of one holding its heap strongly keeps the heap, and all
/// its memory, alive as long.
public final class Heap: @unchecked Sendable {
    /// The jemalloc arena the heap allocates from.
    public let arena: Arena
    let cache: ThreadCache
    let options: AllocationOptions
    /// This heap's identifier in object headers and its registration generation.
    @usableFromInline let identity: (id: UInt16, generation: UInt32)
    /// The hot mutable state (see `HeapCore`).
    let core: UnsafeMutablePointer<HeapCore>
    /// The collector's state (see `CollectorState`), allocated and freed with `core`.
    let collectorState: UnsafeMutablePointer<CollectorState>
    /// The weak references' side tables (see `WeakReferenceTable`), allocated and freed with `core`.
    let weakReferenceTable: UnsafeMutablePointer<WeakReferenceTable>
    /// The built-in types whose objects and storage the hot paths make and
    /// free, held here: read through their statics, each use would call
    /// the lazy initializer's `swift_once` (about 1% of an interpreter-like
    /// program's instructions).
    let intType = ObjectType.int, listType = ObjectType.list, dictType = ObjectType.dict
    /// Whether ``destroy()`` has run.
    public var isDestroyed: Bool { core.pointee.isDestroyed }

    /// Receives errors thrown by finalizers, which cannot propagate (CPython's
    /// `sys.unraisablehook`). The default prints them to stderr.
    public var unraisableHook: (UnraisableError) -> Void {
        get { core.pointee.unraisableHook }
        set { core.pointee.unraisableHook = newValue }
    }

    /// The heap's `None`, immortal (PEP 683): counting references to it
    /// is free, and it lives, in the heap's arena, as long as the heap.
    ///
    /// Every singleton is reached as an owned ``Ref`` like this one:
    /// `True` and `False` are ``bool(_:)``'s, `''` is `str("")`'s and `()`
    /// is ``tuple()``'s, as are the small ints -5…256 ``int(_:)``'s.
    public var none: Ref {
        requireAlive("Heap.none")
        return Ref(adopting: core.pointee.none!, heap: self)
    }
    static let smallIntRange = -5...256
    /// How many immortal small ints every heap holds (-5…256).
    public static let immortalSmallIntCount = smallIntRange.count

    /// Creates a heap with a new arena and thread cache.
    ///
    /// - Throws: ``HeapError`` when jemalloc cannot create them, when 65,535
    ///   heaps exist, or when its immortal objects cannot be made.
    public init() throws(HeapError) {
        guard let identity = HeapRegistry.reserve() else { throw HeapError.tooManyHeaps }
        do {
            arena = try Arena.create()
            cache = try ThreadCache.create()
            options = try AllocationOptions(arena: arena, cache: .explicit(cache))
        } catch {
            HeapRegistry.unregister(identity.id)
            throw HeapError.allocatorSetupFailed(String(describing: error))
        }
        self.identity = identity
        core = UnsafeMutablePointer<HeapCore>.allocate(capacity: 1)
        core.initialize(to: HeapCore())
        collectorState = UnsafeMutablePointer<CollectorState>.allocate(capacity: 1)
        collectorState.initialize(to: CollectorState())
        weakReferenceTable = UnsafeMutablePointer<WeakReferenceTable>.allocate(capacity: 1)
        weakReferenceTable.initialize(to: WeakReferenceTable())
        core.pointee.sizeClassCache.resize(to: Heap.sizeClassCacheLimit / 8 + 1, filling: 0)
        HeapRegistry.activate(identity.id, self)
        do {
            try createImmortals()
        } catch {
            destroy()
            throw .immortalsFailed(error)
        }
        StatisticsPublisher.startIfRequested()
        publishFigures()
    }

    deinit {
        if !isDestroyed { destroy() }
        core.deinitialize(count: 1)
        core.deallocate()
        collectorState.deinitialize(count: 1)
        collectorState.deallocate()
        weakReferenceTable.deinitialize(count: 1)
        weakReferenceTable.deallocate()
    }

    /// Frees every object of the heap at once and destroys its arena.
    /// Finalizers do not run. Idempotent.
    ///
    /// Not from user code the heap is running — a finalizer, a weak
    /// reference callback, the unraisable hook — while it destroys an
    /// object or collects: the object half destroyed would be freed under
    /// it. That stops the process with a message.
    public func destroy() {
        guard !isDestroyed else { return }
        if core.pointee.destructionDepth > 0 || collectorState.pointee.isCollecting || core.pointee.isShuttingDown {
            preconditionFailure("Heap.destroy: heap \(identity.id) is destroying an object, collecting or shutting down; "
                                + "destroy it once that is done, not from a finalizer or callback")
        }
        withdrawPublishedFigures()
        core.pointee.isDestroyed = true
        releaseClassTypes()
        HeapRegistry.unregister(identity.id)
        try? cache.destroy()
        try? arena.destroy()
        core.pointee.mappedStorage.unmapAll()
        core.pointee.freeLists.forget()
        #if DEBUG
        core.pointee.quarantine.forget()
        #endif
        collectorState.pointee.forgetTrackedObjects()
        collectorState.pointee.garbage.removeAll()   // freed with the arena
        core.pointee.deferred.removeAll()
        core.pointee.deferredCallbacks.removeAll()
        core.pointee.hasDeferredCallbacks = false
        for index in 0..<core.pointee.typeCounters.count { core.pointee.typeCounters[index] = TypeCounters() }
        core.pointee.tracedBytes = 0
    }

    /// Returns the blocks kept in the heap's free lists and thread cache to
    /// its arena, so the arena's statistics count exactly the live blocks.
    public func flushCache() throws(MallctlError) {
        requireAlive("Heap.flushCache")
        #if DEBUG
        core.pointee.quarantine.drain { block, byteCount in
            Allocator.deallocate(block, byteCount: byteCount, options: options)
        }
        #endif
        core.pointee.freeLists.drain { block, byteCount in
            Allocator.deallocate(block, byteCount: byteCount, options: options)
        }
        try cache.flush()
    }

    // MARK: Blocks

    static let sizeClassCacheLimit = 4096
    /// Larger requests fail at once (jemalloc's largest size class is below 2^63).
    static let maximumBlockSize = 1 << 56

    /// `count × size` in bytes for a `type` object; throws, naming the
    /// type, when the count is negative or the product overflows.
    @inline(__always)
    static func byteCount(_ count: Int, times size: Int, of type: ObjectType) throws(ObjectAllocationError) -> Int {
        guard count >= 0 else { throw ObjectAllocationError(typeName: type.name, reason: .negativeCount(count)) }
        let (product, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow else { throw ObjectAllocationError(typeName: type.name, reason: .tooLarge(byteCount: nil)) }
        return product
    }

    /// The size class jemalloc rounds `byteCount` up to in this heap.
    @inline(__always)
    func sizeClass(_ byteCount: Int) -> Int {
        if byteCount <= Heap.sizeClassCacheLimit {
            let slot = (byteCount + 7) >> 3
            let cached = core.pointee.sizeClassCache[slot]
            if cached != 0 { return cached }
            let size = Allocator.sizeClass(forByteCount: max(1, slot << 3), options: options) ?? byteCount
            core.pointee.sizeClassCache[slot] = size
            return size
        }
        return Allocator.sizeClass(forByteCount: byteCount, options: options) ?? byteCount
    }

    /// Allocates a block of the heap's arena, counted against `type`.
    ///
    /// Requests are rounded up to a multiple of 8 bytes, which never changes
    /// their size class.
    @inline(__always)
    func allocateBlock(byteCount: Int, for type: ObjectType) throws(ObjectAllocationError) -> UnsafeMutableRawPointer {
        guard byteCount <= Heap.maximumBlockSize else {
            throw ObjectAllocationError(typeName: type.name, reason: .tooLarge(byteCount: byteCount))
        }
        let rounded = (byteCount + 7) & ~7
        let block = try takeBlock(rounded, for: type)
        let size = sizeClass(rounded)
        counters(of: type).pointee.bytes += size
        countAllocatedBytes(size)
        return block
    }

    /// A block of `rounded` bytes (a multiple of 8): a kept one from the
    /// free lists when there is one, else a new one from the arena.
    @inline(__always)
    func takeBlock(_ rounded: Int, for type: ObjectType) throws(ObjectAllocationError) -> UnsafeMutableRawPointer {
        if rounded <= FreeLists.maximumSize, let kept = core.pointee.freeLists.pop(rounded) { return kept }
        do {
            return try Allocator.allocate(byteCount: rounded, options: options)
        } catch {
            throw ObjectAllocationError(typeName: type.name, reason: .outOfMemory(byteCount: rounded))
        }
    }

    /// Gives back a block of `rounded` bytes: kept in the free lists when
    /// they have room, else returned to the arena. In checked builds the
    /// block is poisoned first, so a stale reference is caught; `object`,
    /// when the block is an object's, keeps its type reference for the message.
    @inline(__always)
    func giveBack(_ block: UnsafeMutableRawPointer, _ rounded: Int, type: ObjectType, object: RawRef?) {
        #if DEBUG
        Heap.poison(block, byteCount: rounded)
        // A class with a class object may be freed before a stale reference
        // reads the name: such blocks name a stand-in.
        object?.storeTypeReference(type.hasClassObject ? .freedClassInstance : type)
        guard rounded <= Quarantine.maximumBlockSize else { return reuse(block, rounded) }
        guard let (oldest, size) = core.pointee.quarantine.admit(block, rounded) else { return }
        reuse(oldest, size)
        #else
        reuse(block, rounded)
        #endif
    }

    /// Puts a freed block of `rounded` bytes where allocation takes it
    /// again: the free lists when they have room, else the arena.
    @inline(__always)
    func reuse(_ block: UnsafeMutableRawPointer, _ rounded: Int) {
        if rounded > FreeLists.maximumSize || !core.pointee.freeLists.push(block, rounded) {
            Allocator.deallocate(block, byteCount: rounded, options: options)
        }
    }

    /// Frees a block allocated by ``allocateBlock(byteCount:for:)`` with the same byte count.
    @inline(__always)
    func freeBlock(_ block: UnsafeMutableRawPointer, byteCount: Int, for type: ObjectType, object: RawRef? = nil) {
        let rounded = (byteCount + 7) & ~7
        giveBack(block, rounded, type: type, object: object)
        let size = sizeClass(rounded)
        countersOfAllocated(type).pointee.bytes &-= size
        core.pointee.tracedBytes &-= size
    }

    /// Adds `size` bytes to the traced total and raises the peak with it.
    @inline(__always)
    func countAllocatedBytes(_ size: Int) {
        let traced = core.pointee.tracedBytes &+ size
        core.pointee.tracedBytes = traced
        if traced > core.pointee.peakTracedBytes { core.pointee.peakTracedBytes = traced }
    }

    @inline(__always)
    func counters(of type: ObjectType) -> UnsafeMutablePointer<TypeCounters> {
        let index = type.index
        if index >= core.pointee.typeCounters.count {
            core.pointee.typeCounters.resize(to: max(64, (index + 1) * 2), filling: TypeCounters())
        }
        return core.pointee.typeCounters.storage! + index
    }

    /// ``counters(of:)`` on the freeing side: `type` has counted an
    /// allocation in this heap, so its entry exists (the table only grows)
    /// and release builds skip the check.
    @inline(__always)
    func countersOfAllocated(_ type: ObjectType) -> UnsafeMutablePointer<TypeCounters> {
        let index = type.index
        #if DEBUG
        precondition(index < core.pointee.typeCounters.count,
                     "Heap: freeing a \(type.name) block the heap never counted an allocation of")
        #endif
        return core.pointee.typeCounters.storage.unsafelyUnwrapped + index
    }

    /// Live objects and bytes of the type with index `index`.
    func counters(atIndex index: Int) -> TypeCounters {
        index < core.pointee.typeCounters.count ? core.pointee.typeCounters[index] : TypeCounters()
    }

    static func poison(_ block: UnsafeMutableRawPointer, byteCount: Int) {
        memset(block, Int32(ObjectHeader.poisonByte), byteCount)
    }

    // MARK: Objects

    /// Allocates an object of `type` with `itemCount` items and a fresh
    /// header (reference count 1); the payload is zeroed.
    ///
    /// - Throws: ``ObjectAllocationError`` naming the type when `itemCount`
    ///   is negative (a fixed-size type ignores a positive one, as
    ///   CPython's `tp_alloc` does), when the size overflows, or when the
    ///   arena has no memory.
    public func allocateObject(of type: ObjectType, itemCount: Int = 0) throws(ObjectAllocationError) -> RawRef {
        guard itemCount >= 0 else { throw ObjectAllocationError(typeName: type.name, reason: .negativeCount(itemCount)) }
        precondition(!type.madeByConstructorOnly,
                     "Heap.allocateObject(of:): \(type.name) objects are made by their constructor (Heap.instance(of:), function, makeClass)")
        return try allocateObject(of: type, itemCount: itemCount, immortal: false)
    }

    @inline(__always)
    func allocateObject(of type: ObjectType, itemCount: Int, immortal: Bool) throws(ObjectAllocationError) -> RawRef {
        requireAlive(type)
        if type.isContainer && !immortal { collectIfDue() }
        if type.itemSize == 0 && !immortal {
            let object = try allocateFixedObject(of: type)
            if type.needsHeldCollection { collectorState.pointee.heldCollectionObjects &+= 1 }
            return object
        }
        let gc = type.isContainer ? ObjectHeader.gcWordSize : 0
        let items = try Heap.byteCount(itemCount, times: type.itemSize, of: type)
        guard items <= Heap.maximumBlockSize else {
            throw ObjectAllocationError(typeName: type.name, reason: .tooLarge(byteCount: items))
        }
        let payload = type.basicSize + items
        let byteCount = gc + ObjectHeader.size + payload
        let block = try allocateBlock(byteCount: byteCount, for: type)
        if type.needsHeldCollection && !immortal { collectorState.pointee.heldCollectionObjects &+= 1 }
        let object = RawRef.initialize(block: block, type: type, heapID: identity.id, immortal: immortal)
        if payload > 0 { object.zeroPayload(byteCount: payload) }
        if type.itemSize > 0 { object.itemCount = itemCount }
        counters(of: type).pointee.count += 1
        if type.isContainer {
            if immortal { object.gcWord = RawRef.untrackedGCWord } else { track(object) }
        }
        return object
    }

    /// The fast path of `allocateObject` for fixed-size types: sizes come
    /// precomputed from the type, small blocks from the free lists.
    @inline(__always)
    func allocateFixedObject(of type: ObjectType) throws(ObjectAllocationError) -> RawRef {
        let block = try takeBlock(type.fixedBlockSize, for: type)
        let counters = self.counters(of: type)
        counters.pointee.bytes &+= type.fixedRealSize
        counters.pointee.count &+= 1
        countAllocatedBytes(type.fixedRealSize)
        let object = RawRef.initialize(block: block, type: type, heapID: identity.id, immortal: false)
        object.zeroPayloadWords(type.basicSize)
        if type.isContainer { track(object) }
        return object
    }

    /// The bytes of an object's own block, as allocated.
    func objectBlockByteCount(_ object: RawRef, type: ObjectType) -> Int {
        if type.itemSize == 0 { return type.fixedBlockSize }
        let gc = object.flags.contains(.hasGCWord) ? ObjectHeader.gcWordSize : 0
        let items = type.itemSize > 0 ? object.itemCount : 0
        return gc + ObjectHeader.size + type.basicSize + type.itemSize * items
    }

    /// Adds a container to generation `generation`'s table.
    @inline(__always)
    func track(_ object: RawRef, generation: Int = 0) { collectorState.pointee.track(object, generation: generation) }

    /// Removes a container from its generation's table.
    @inline(__always)
    func untrack(_ object: RawRef) { collectorState.pointee.untrack(object) }

    /// Called before a container is allocated: counts it and runs the
    /// collection the thresholds call for.
    @inline(__always)
    func collectIfDue() {
        if collectorState.pointee.countAllocation() { collector.collectScheduledGeneration() }
    }

    // MARK: Checks

    /// Stops with a message naming the heap and `operation` when the heap
    /// has been destroyed: its arena and thread cache are gone, so nothing
    /// may be allocated, freed or collected in it any more.
    @inline(__always)
    func requireAlive(_ operation: @autoclosure () -> String) {
        if core.pointee.isDestroyed { reportDestroyed(operation()) }
        checkOwner(operation())
    }

    /// ``requireAlive(_:)`` for allocating an object of `type`.
    @inline(__always)
    func requireAlive(_ type: ObjectType) {
        if core.pointee.isDestroyed { reportDestroyed("Heap: allocating a \(type.name) object") }
        checkOwner("Heap: allocating a \(type.name) object")
    }

    func reportDestroyed(_ operation: String) -> Never {
        preconditionFailure("\(operation): heap \(identity.id) (arena \(arena.index)) has been destroyed")
    }

    /// Stops with a message when `object` belongs to another heap.
    @inline(__always)
    func checkOwnership(_ object: RawRef, _ operation: @autoclosure () -> String) {
        if object.heapID != identity.id {
            object.reportMisuse("\(operation()): the \(object.type.name) object belongs to another heap")
        }
    }
}
