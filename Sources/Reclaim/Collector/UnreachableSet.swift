/// The unreachable candidates of a collection, and three subsets of them.
struct UnreachableSet {
    var objects: [RawRef] = []
    /// Those with weak references to clear (phase 5).
    var withWeakReferences: [RawRef] = []
    /// Those that are weak references themselves (phase 5).
    var weakReferences: [RawRef] = []
    /// Those whose finalizer has not run yet (phase 6).
    var toFinalize: [RawRef] = []
}
