import Synchronization

/// Heap identifiers, so an object header needs 2 bytes, not a pointer, to
/// say which heap owns it, and a ``Ref`` can tell that its heap is gone.
///
/// Unsafe core: a fixed table of 65,536 slots, each the heap (unretained)
/// and a generation that changes whenever the slot is given out or taken
/// back. Slots are written under a lock when heaps are created and
/// destroyed, and read without one: a heap's slot only changes while no
/// object of that heap is in use.
@usableFromInline
enum HeapRegistry {
    @usableFromInline
    struct Slot {
        @usableFromInline var heap: Unmanaged<Heap>?
        @usableFromInline var generation: UInt32
    }

    static let capacity = 1 << 16
    @usableFromInline nonisolated(unsafe) static let slots: UnsafeMutablePointer<Slot> = {
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: capacity)
        slots.initialize(repeating: Slot(heap: nil, generation: 0), count: capacity)
        return slots
    }()
    static let lock = Mutex<[UInt16]>(Array((0..<UInt16.max).reversed()))

    /// Reserves a free identifier and gives its new generation.
    static func reserve() -> (id: UInt16, generation: UInt32)? {
        lock.withLock { free -> (UInt16, UInt32)? in
            guard let id = free.popLast() else { return nil }
            slots[Int(id)].generation &+= 1
            return (id, slots[Int(id)].generation)
        }
    }

    /// Publishes `heap` under its reserved identifier.
    static func activate(_ id: UInt16, _ heap: Heap) {
        lock.withLock { _ in slots[Int(id)].heap = Unmanaged.passUnretained(heap) }
    }

    /// Takes back `id`; references still holding its old generation see the heap as gone.
    static func unregister(_ id: UInt16) {
        lock.withLock { free in
            slots[Int(id)].heap = nil
            slots[Int(id)].generation &+= 1
            free.append(id)
        }
    }

    /// The live heap with identifier `id`.
    @inline(__always)
    static func heap(id: UInt16) -> Heap {
        guard let heap = slots[Int(id)].heap else {
            preconditionFailure("Heap: object refers to heap \(id), which has been destroyed")
        }
        return heap.takeUnretainedValue()
    }

    /// Calls `body` with the live heap `id`, without retaining it.
    @inline(__always)
    static func withHeap<R>(id: UInt16, _ body: (Heap) -> R) -> R {
        guard let heap = slots[Int(id)].heap else {
            preconditionFailure("Heap: object refers to heap \(id), which has been destroyed")
        }
        return heap._withUnsafeGuaranteedRef(body)
    }

    /// Whether the heap `id` of `generation` is still alive.
    @inlinable @inline(__always)
    static func isAlive(id: UInt16, generation: UInt32) -> Bool {
        slots[Int(id)].generation == generation
    }
}
