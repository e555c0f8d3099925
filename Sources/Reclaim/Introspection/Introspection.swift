/// Looking into a heap: the size of an object, alone or with all it
/// reaches (`sys.getsizeof`, pympler's `asizeof`); live objects and bytes
/// per type; growth between two calls and the most common types
/// (objgraph's); snapshots to compare; and the chain of references that
/// keeps an object alive. Reached as ``Heap/introspection``; a handle, so
/// copies look at the same heap.
///
/// Nothing here changes the heap, except that ``growth(limit:)`` keeps its
/// baseline and ``snapshot(label:)`` flushes the heap's caches first.
public struct Introspection: Sendable {
    /// The heap looked into.
    let heap: Heap
}

extension Heap {
    /// Sizes, per-type statistics, growth, snapshots and backreferences of the heap.
    public var introspection: Introspection { Introspection(heap: self) }
}
