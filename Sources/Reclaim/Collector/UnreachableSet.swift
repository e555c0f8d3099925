/// The unreachable candidates of a collection, and four subsets of them.
struct UnreachableSet {
    var objects: [RawRef] = []
    /// Those with weak references to clear (phase 5).
    var withWeakReferences: [RawRef] = []
    /// Those that are weak references themselves (phase 5).
    var weakReferences: [RawRef] = []
    /// Those whose finalizer has not run yet (phase 6).
    var toFinalize: [RawRef] = []
    /// Those whose type has no `clear` (set aside before phase 5).
    var uncollectable: [RawRef] = []

    /// Takes `removed` out of the set and of every subset.
    mutating func remove(_ removed: Set<RawRef>) {
        objects.removeAll { removed.contains($0) }
        withWeakReferences.removeAll { removed.contains($0) }
        weakReferences.removeAll { removed.contains($0) }
        toFinalize.removeAll { removed.contains($0) }
        uncollectable.removeAll { removed.contains($0) }
    }
}
