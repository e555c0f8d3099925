/// An array of owned references: it holds one reference to each element,
/// released when the element is removed or the array goes — the way to
/// keep a varying number of objects from Swift, which an `Array` of the
/// noncopyable ``Ref`` cannot.
///
/// `removeAll()` releases the elements, which may run finalizers, while the
/// array is being changed, so such code must not use the same array
/// (Swift's exclusivity check stops it): move the elements out first
/// (`swap` with an empty array) when it might. `remove(at:)` and
/// `popLast()` hand the reference to the caller and release nothing.
///
/// Elements may belong to different heaps. As with a ``Ref``, an element
/// whose heap has been destroyed is let go without a release. What the
/// array holds counts as a reference from outside for the collector: its
/// elements, and what they reach, stay alive.
public struct RefArray: ~Copyable, @unchecked Sendable {
    /// One element: its object and the heap token a `Ref` keeps.
    struct Element {
        let raw: RawRef
        let heapID: UInt16
        let heapGeneration: UInt32

        var ref: Ref { Ref(raw: raw, heapID: heapID, heapGeneration: heapGeneration) }
        var isHeapAlive: Bool { HeapRegistry.isAlive(id: heapID, generation: heapGeneration) }
    }

    private var elements: [Element] = []

    /// An empty array.
    public init() {}

    deinit {
        for element in elements where element.isHeapAlive { element.raw.release() }
    }

    /// The number of elements.
    public var count: Int { elements.count }

    /// Whether there are no elements.
    public var isEmpty: Bool { elements.isEmpty }

    /// Adds `element` at the end; the array takes over its reference.
    public mutating func append(_ element: consuming Ref) {
        let heapID = element.heapID, heapGeneration = element.heapGeneration
        elements.append(Element(raw: element.takeRaw(), heapID: heapID, heapGeneration: heapGeneration))
    }

    /// Removes and returns the last element, owned; nil when empty.
    public mutating func popLast() -> Ref? {
        guard let element = elements.popLast() else { return nil }
        return element.ref
    }

    /// Removes and returns element `index`, owned.
    public mutating func remove(at index: Int) -> Ref {
        checkIndex(index, "remove(at:)")
        return elements.remove(at: index).ref
    }

    /// Releases every element.
    public mutating func removeAll() {
        let removed = elements
        elements = []
        for element in removed where element.isHeapAlive { element.raw.release() }
    }

    /// A new owned reference to element `index`.
    public func element(at index: Int) -> Ref {
        checkIndex(index, "element(at:)")
        let element = elements[index]
        if element.isHeapAlive { element.raw.retain() }
        return element.ref
    }

    /// Lends element `index` to `body`, borrowed, without changing its count.
    public func withElement<R: ~Copyable, E: Error>(at index: Int, _ body: (borrowing Ref) throws(E) -> R) throws(E) -> R {
        checkIndex(index, "withElement(at:_:)")
        let element = elements[index]
        precondition(element.isHeapAlive, "RefArray.withElement(at:_:): element \(index)'s heap has been destroyed")
        return try withBorrowed(element.raw, heap: HeapRegistry.heap(id: element.heapID), body)
    }

    /// Element `index`, for the unsafe layer: valid while the array holds it.
    public func raw(at index: Int) -> RawRef {
        checkIndex(index, "raw(at:)")
        return elements[index].raw
    }

    func checkIndex(_ index: Int, _ operation: String) {
        precondition(index >= 0 && index < elements.count,
                     "RefArray.\(operation): index \(index) is outside 0..<\(elements.count)")
    }
}
