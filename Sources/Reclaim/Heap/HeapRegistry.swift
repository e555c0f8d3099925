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

    /// Gives `heap` a free identifier and its generation.
    static func register(_ heap: Heap) -> (id: UInt16, generation: UInt32)? {
        lock.withLock { free -> (UInt16, UInt32)? in
            guard let id = free.popLast() else { return nil }
            slots[Int(id)].generation &+= 1
            slots[Int(id)].heap = Unmanaged.passUnretained(heap)
            return (id, slots[Int(id)].generation)
        }
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

    /// Whether the heap `id` of `generation` is still alive.
    @inlinable @inline(__always)
    static func isAlive(id: UInt16, generation: UInt32) -> Bool {
        slots[Int(id)].generation == generation
    }
}
