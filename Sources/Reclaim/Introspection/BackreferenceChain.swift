extension Introspection {
    /// A shortest chain of references from a root to `object`, root first and
    /// `object` last (objgraph's `find_backref_chain`): the answer to "who
    /// keeps this alive?".
    ///
    /// The search walks referrers backwards from `object`, breadth first,
    /// through the containers the collector tracks (untracked containers
    /// hold only atomic values, as in CPython's `gc.get_referrers`).
    ///
    /// - Parameters:
    ///   - object: the object to explain.
    ///   - maxDepth: the longest chain, in references, to look for.
    ///   - isRoot: what counts as a root. By default, an object other than
    ///     `object` that has references from outside the heap's containers —
    ///     its reference count exceeds the references the tracked containers
    ///     hold to it — which is to say one that Swift code (a `Ref`, a
    ///     runtime's own table) keeps alive. A custom predicate is asked
    ///     about `object` too.
    /// - Returns: the chain, or `nil` when no root is within `maxDepth`.
    ///   The `RawRef`s are valid until the heap next changes.
    public func backreferenceChain(to object: borrowing Ref, maxDepth: Int = 20,
                                   isRoot: ((RawRef) -> Bool)? = nil) -> [RawRef]? {
        backreferenceChain(to: object.raw, maxDepth: maxDepth, isRoot: isRoot)
    }

    /// ``backreferenceChain(to:maxDepth:isRoot:)`` for the unsafe layer.
    public func backreferenceChain(to object: RawRef, maxDepth: Int = 20,
                                   isRoot: ((RawRef) -> Bool)? = nil) -> [RawRef]? {
        heap.checkOwnership(object, "Introspection.backreferenceChain(to:)")
        let graph = ReferrerGraph(containers: heap.collector.allTrackedObjects)
        let isRoot = isRoot ?? { candidate in candidate != object && graph.hasOutsideReferences(candidate) }
        if isRoot(object) { return [object] }
        // Breadth first from the object: `next[x]` is the object x refers to
        // on the way to `object`.
        var next: [RawRef: RawRef] = [object: object]
        var frontier = [object]
        for _ in 0..<max(0, maxDepth) {
            var following: [RawRef] = []
            for target in frontier {
                for referrer in graph.referrers(of: target) where next[referrer] == nil {
                    next[referrer] = target
                    if isRoot(referrer) {
                        var chain = [referrer]
                        while chain.last! != object { chain.append(next[chain.last!]!) }
                        return chain
                    }
                    following.append(referrer)
                }
            }
            if following.isEmpty { return nil }
            frontier = following
        }
        return nil
    }
}

/// Who refers to whom among a heap's tracked containers, built once by
/// traversing each of them.
struct ReferrerGraph {
    private var referrersByTarget: [RawRef: [RawRef]] = [:]

    init(containers: [RawRef]) {
        for container in containers {
            container.traverseReferents { referrersByTarget[$0, default: []].append(container) }
        }
    }

    /// The containers referring to `object`, once per reference.
    func referrers(of object: RawRef) -> [RawRef] { referrersByTarget[object] ?? [] }

    /// Whether `object` has more references than the containers hold:
    /// someone outside the heap's object graph keeps it alive.
    func hasOutsideReferences(_ object: RawRef) -> Bool {
        !object.isImmortal && Int(object.referenceCount) > referrers(of: object).count
    }
}
