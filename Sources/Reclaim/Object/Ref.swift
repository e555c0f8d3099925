/// An owned strong reference to a managed object: the safe way to hold one.
///
/// `Ref` is noncopyable. It releases its reference when it goes out of scope
/// (so `del x` is the end of `x`'s scope, or `_ = consume x`), copies only
/// through ``copy()``, and is borrowed — without touching the count — by
/// every accessor. It costs one pointer and a heap token; releasing checks
/// that the heap still exists, so a `Ref` that outlives ``Heap/destroy()``
/// does nothing when it goes.
@frozen
public struct Ref: ~Copyable, @unchecked Sendable {
    /// The object, for the unsafe layer.
    public let raw: RawRef
    @usableFromInline let heapID: UInt16
    @usableFromInline let heapGeneration: UInt32

    /// Takes over one reference the caller owns.
    @inlinable
    public init(adopting raw: RawRef, heap: Heap) {
        self.raw = raw
        self.heapID = heap.identity.id
        self.heapGeneration = heap.identity.generation
    }

    /// Adds a reference to `raw` and owns it.
    @inlinable
    public init(retaining raw: RawRef, heap: Heap) {
        raw.retain()
        self.init(adopting: raw, heap: heap)
    }

    @inlinable @inline(__always)
    deinit {
        if HeapRegistry.isAlive(id: heapID, generation: heapGeneration) { raw.release() }
    }

    /// A second owned reference to the same object (`y = x` in Python).
    @inlinable
    public func copy() -> Ref {
        raw.retain()
        return Ref(raw: raw, heapID: heapID, heapGeneration: heapGeneration)
    }

    @inlinable
    init(raw: RawRef, heapID: UInt16, heapGeneration: UInt32) {
        self.raw = raw
        self.heapID = heapID
        self.heapGeneration = heapGeneration
    }

    /// Gives up ownership without releasing: the caller now owns the reference.
    @inlinable
    public consuming func takeRaw() -> RawRef {
        let raw = self.raw
        discard self
        return raw
    }

    /// The heap that owns the object.
    public var heap: Heap { HeapRegistry.heap(id: heapID) }

    /// An owned reference to `raw`, an object of the same heap, taking
    /// over one reference the caller holds (no `Heap` needed).
    @inline(__always)
    func sibling(adopting raw: RawRef) -> Ref {
        Ref(raw: raw, heapID: heapID, heapGeneration: heapGeneration)
    }

    /// Calls `body` with the heap that owns the object, without retaining
    /// the `Heap`: ``heap`` returns a strong reference, an atomic increment
    /// and decrement around every call of the safe layer's hot operations.
    ///
    /// Only for a `body` that runs no code of the program's: no finalizer,
    /// callback, or class's `__hash__` or `__eq__`. Such code could drop the
    /// last strong reference to the `Heap` and free it under `body`; an
    /// operation that may run it goes through ``heap``, which holds the
    /// heap for the call.
    @inline(__always)
    func withOwningHeap<Value>(_ body: (Heap) -> Value) -> Value {
        HeapRegistry.withHeap(id: heapID, body)
    }

    /// The object's type.
    public var type: ObjectType { raw.type }
    /// The object's reference count (`UInt32.max` when immortal).
    public var referenceCount: UInt32 { raw.referenceCount }
    /// Whether both refer to the same object (Python's `is`).
    public func isIdentical(to other: borrowing Ref) -> Bool { raw == other.raw }
}
