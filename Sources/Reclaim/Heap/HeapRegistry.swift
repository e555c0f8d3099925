// Unsafe code here: the registry's C tables hold heaps unretained.
// Invariants: a slot holds a heap from `activate` until `unregister`, which
// `Heap.destroy` calls before the heap goes; see the type's comment.

import CReclaimRegistry

/// Heap identifiers, so an object header needs 2 bytes, not a pointer, to
/// say which heap owns it, and a ``Ref`` can tell that its heap is gone.
///
/// Unsafe core: two fixed C tables of 65,536 slots (`CReclaimRegistry`): the
/// heap (unretained) and a generation that changes whenever the slot is
/// given out or taken back. Slots are written under a lock when heaps are
/// created and destroyed, and read without one: a heap's slot only changes
/// while no object of that heap is in use.
@usableFromInline
enum HeapRegistry {
    static let lock = ProcessLock<[UInt16]>(Array((0..<UInt16.max).reversed()))

    /// Reserves a free identifier and gives its new generation.
    static func reserve() -> (id: UInt16, generation: UInt32)? {
        lock.withLock { free -> (UInt16, UInt32)? in
            guard let id = free.popLast() else { return nil }
            let generation = reclaim_heap_generation(id) &+ 1
            reclaim_set_heap_generation(id, generation)
            return (id, generation)
        }
    }

    /// Publishes `heap` under its reserved identifier.
    static func activate(_ id: UInt16, _ heap: Heap) {
        lock.withLock { _ in reclaim_set_heap_object(id, Unmanaged.passUnretained(heap).toOpaque()) }
    }

    /// Takes back `id`; references still holding its old generation see the heap as gone.
    static func unregister(_ id: UInt16) {
        lock.withLock { free in
            reclaim_set_heap_object(id, nil)
            reclaim_set_heap_generation(id, reclaim_heap_generation(id) &+ 1)
            free.append(id)
        }
    }

    /// The live heap with identifier `id`.
    @inline(__always)
    static func heap(id: UInt16) -> Heap {
        withHeap(id: id) { $0 }
    }

    /// Calls `body` with the live heap `id`, without retaining it.
    @inline(__always)
    static func withHeap<R>(id: UInt16, _ body: (Heap) -> R) -> R {
        guard let heap = reclaim_heap_object(id) else {
            preconditionFailure("Heap: object refers to heap \(id), which has been destroyed")
        }
        return Unmanaged<Heap>.fromOpaque(heap)._withUnsafeGuaranteedRef(body)
    }

    /// Whether the heap `id` of `generation` is still alive.
    @inlinable @inline(__always)
    static func isAlive(id: UInt16, generation: UInt32) -> Bool {
        reclaim_heap_generation(id) == generation
    }
}
