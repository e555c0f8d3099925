// Unsafe code here: a RawRef is an object's address.
// Invariants: see ObjectLayout.swift; header fields are read through it.

/// An unsafe, unowned reference to a managed object: the address of its
/// header. The layer for hot loops and for runtimes that embed a heap.
///
/// Nothing here counts references for you: ``retain()`` and ``release()``
/// are explicit, and a `RawRef` whose object was freed dangles. Checked
/// (debug) builds verify the header on every retain and release and stop
/// with a message naming the type and the operation; release builds do not.
/// Prefer ``Ref``, which releases itself.
@frozen
public struct RawRef: Hashable, @unchecked Sendable, BitwiseCopyable, CustomStringConvertible {
    /// The address of the object's header.
    public let pointer: UnsafeMutableRawPointer

    /// Wraps an object address (for runtimes that store references themselves).
    @inlinable
    public init(pointer: UnsafeMutableRawPointer) { self.pointer = pointer }

    /// Adds one strong reference. Immortal objects are left unchanged.
    @inlinable @inline(__always)
    public func retain() {
        #if DEBUG
        checkLive("retain")
        #endif
        let count = refcount
        if count != .max { refcount = count &+ 1 }
    }

    /// Drops one strong reference; the last one destroys the object at once
    /// (finalizer, then its references, then its memory). Immortal objects
    /// are left unchanged.
    @inlinable @inline(__always)
    public func release() {
        #if DEBUG
        checkLive("release")
        #endif
        let count = refcount
        if count == 1 {
            releaseLastReference()
        } else if count != .max {
            refcount = count &- 1
        }
    }

    /// The object's current reference count (`sys.getrefcount` without the
    /// argument's own reference); `UInt32.max` for immortal objects.
    @inlinable
    public var referenceCount: UInt32 { refcount }

    /// Whether the object is immortal (never freed, counting is free).
    @inlinable
    public var isImmortal: Bool { referenceCount == .max }

    /// The object's type.
    public var type: ObjectType { typeReference.takeUnretainedValue() }

    /// The heap that owns the object.
    public var heap: Heap { HeapRegistry.heap(id: heapID) }

    /// As Python's default `repr`: `<list object at 0x…>`.
    public var description: String { "<\(type.name) object at \(pointer)>" }

    /// Stops the process if the header is not that of a live object.
    @usableFromInline
    func checkLive(_ operation: StaticString) {
        if !hasLiveMagic { reportFreed(operation) }
        HeapRegistry.withHeap(id: heapID) { $0.checkOwner("\(type.name).\(operation)") }
        if flags.contains(.destroying) && refcount == 0 {
            reportMisuse("\(type.name).\(operation): the object is being destroyed (its reference count is already 0); "
                         + "this \(operation) would take the count below zero")
        }
    }

    @usableFromInline
    func reportFreed(_ operation: StaticString) -> Never {
        // Freeing poisons all but the type reference, so the type can still be named.
        reportMisuse("\(type.name).\(operation): the object at \(pointer) was already freed (use after free or over-release)")
    }

    @usableFromInline
    func reportMisuse(_ message: String) -> Never {
        preconditionFailure(message)
    }
}
