import CReclaimIntrinsics

/// A growable array of trivial values in manually managed memory: no
/// uniqueness checks, no reference counting, no copy-on-write. It owns its
/// memory: it cannot be copied (`~Copyable`), and its storage is freed when
/// it goes (`deinit`).
///
/// A buffer of a megabyte or more lives in pages of its own
/// (`reclaim_map_pages`), which growing moves instead of copying
/// (`mremap`): the collector's table of a 10-million-object old generation
/// is 80 MB, and copying it when it doubles would stop the program for
/// about 100 ms in the middle of a young collection.
///
/// Invariants: `storage` holds `capacity` slots of which the first `count`
/// are initialised; `Element` is trivial (BitwiseCopyable), so slots need no
/// deinitialisation; `isMapped` says whether `storage` is a page mapping of
/// `capacity × stride` bytes (freed by unmapping) or an allocation (freed by
/// `deallocate`). Subscripts check the index against `count` in debug
/// builds.
struct GrowableBuffer<Element: BitwiseCopyable>: ~Copyable {
    private(set) var storage: UnsafeMutablePointer<Element>?
    private(set) var count = 0
    private(set) var capacity = 0
    private var isMapped = false

    /// The size from which storage is mapped pages.
    static var mappingThreshold: Int { 1 << 20 }

    init() {}

    deinit { GrowableBuffer.free(storage, capacity: capacity, isMapped: isMapped) }

    private static func free(_ storage: UnsafeMutablePointer<Element>?, capacity: Int, isMapped: Bool) {
        guard let storage else { return }
        if isMapped {
            reclaim_unmap_pages(storage, capacity * MemoryLayout<Element>.stride)
        } else {
            storage.deallocate()
        }
    }

    /// The element at `index`, one of the first `count`. A valid index
    /// means the storage exists (count > 0), so release builds read it
    /// unchecked; debug builds check the index.
    @inline(__always)
    subscript(index: Int) -> Element {
        get {
            checkIndex(index)
            return storage.unsafelyUnwrapped[index]
        }
        set {
            checkIndex(index)
            storage.unsafelyUnwrapped[index] = newValue
        }
    }

    /// In debug builds, stops when `index` is not one of the first `count` slots.
    @inline(__always)
    func checkIndex(_ index: Int) { checkIndex(index, below: count) }

    /// In debug builds, stops when `index` is outside `0..<end`.
    @inline(__always)
    func checkIndex(_ index: Int, below end: Int) {
        #if DEBUG
        precondition(index >= 0 && index < end, "GrowableBuffer: index \(index) is outside 0..<\(end)")
        #endif
    }

    var isEmpty: Bool { count == 0 }

    /// Appends `element`, growing when full. After the growth there is
    /// storage with room (count < capacity), and count stays below
    /// capacity, so the store and the increment need no checks.
    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(to: max(16, capacity * 2)) }
        checkIndex(count, below: capacity)
        (storage.unsafelyUnwrapped + count).initialize(to: element)
        count &+= 1
    }

    /// Removes and returns the last element; the buffer must not be empty
    /// (checked in debug builds), so there is storage and count stays ≥ 0.
    @inline(__always)
    mutating func removeLast() -> Element {
        checkIndex(count - 1)
        count &-= 1
        return storage.unsafelyUnwrapped[count]
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
        let stride = MemoryLayout<Element>.stride
        let newBytes = newCapacity * stride
        if newBytes >= GrowableBuffer.mappingThreshold {
            if isMapped, let storage {
                if let moved = reclaim_remap_pages(storage, capacity * stride, newBytes) {
                    self.storage = moved.assumingMemoryBound(to: Element.self)
                    capacity = newCapacity
                    return
                }
            } else if let mapped = reclaim_map_pages(newBytes) {
                let grown = mapped.bindMemory(to: Element.self, capacity: newCapacity)
                if let storage {
                    grown.moveInitialize(from: storage, count: count)
                    storage.deallocate()
                }
                storage = grown
                capacity = newCapacity
                isMapped = true
                return
            }
            // The kernel refused: grow by copying, as smaller buffers do.
        }
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        if let storage {
            grown.moveInitialize(from: storage, count: count)
            GrowableBuffer.free(storage, capacity: capacity, isMapped: isMapped)
        }
        storage = grown
        capacity = newCapacity
        isMapped = false
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
}
