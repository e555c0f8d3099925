/// The heap's side tables for weak references.
struct WeakReferenceTable {
    /// The weakrefs to each referent, in CPython's order: the shared one
    /// without a callback first (if any), then those with callbacks, newest
    /// first — the order `getweakrefs` lists them and callbacks run.
    var byReferent: [RawRef: [RawRef]] = [:]
    /// The callback of each weakref that has one.
    var callbacks: [RawRef: WeakReferenceCallback] = [:]
}

extension Heap {
    /// The weak reference without a callback to `referent`, if one lives:
    /// it is first in the referent's list.
    func sharedWeakReference(to referent: RawRef) -> RawRef? {
        guard referent.flags.contains(.hasWeakReferences),
              let first = core.pointee.weakReferences.byReferent[referent]?.first,
              first.refcount > 0, core.pointee.weakReferences.callbacks[first] == nil else { return nil }
        return first
    }

    /// A weakref dies: it leaves its referent's list and its callback goes.
    /// Returns its callback, if it had one, for a caller that must decide
    /// when the closure (and what it captured) goes.
    @discardableResult
    func forgetWeakReference(_ weak: RawRef) -> WeakReferenceCallback? {
        let callback = core.pointee.weakReferences.callbacks.removeValue(forKey: weak)
        guard let referent = weak.weakReferent else { return callback }
        weak.weakReferent = nil
        var list = core.pointee.weakReferences.byReferent[referent] ?? []
        list.removeAll { $0 == weak }
        if list.isEmpty {
            core.pointee.weakReferences.byReferent[referent] = nil
            referent.flags.remove(.hasWeakReferences)
        } else {
            core.pointee.weakReferences.byReferent[referent] = list
        }
        return callback
    }

    /// Clears every weakref to `referent` and returns those whose callback
    /// should run (the weakref still alive, a callback present), newest
    /// first as CPython calls them.
    func clearWeakReferences(to referent: RawRef) -> [(RawRef, WeakReferenceCallback)] {
        guard let list = core.pointee.weakReferences.byReferent.removeValue(forKey: referent) else { return [] }
        referent.flags.remove(.hasWeakReferences)
        var pending: [(RawRef, WeakReferenceCallback)] = []
        for weak in list {
            weak.weakReferent = nil
            // A weak reference at count 0 is being destroyed itself: cleared,
            // its callback is not run (as CPython's PyObject_ClearWeakRefs).
            guard weak.refcount > 0 else { continue }
            if let callback = core.pointee.weakReferences.callbacks.removeValue(forKey: weak) {
                weak.retain()   // kept alive until its callback has run
                pending.append((weak, callback))
            }
        }
        return pending
    }

    /// Runs callbacks collected by ``clearWeakReferences(to:)``; errors go
    /// to the unraisable hook. Returns how many of the weak references were
    /// freed when their callback was done with them (CPython's collector
    /// counts those among what it collected).
    @discardableResult
    func runWeakReferenceCallbacks(_ pending: [(RawRef, WeakReferenceCallback)]) -> Int {
        var freed = 0
        for (weak, callback) in pending {
            do {
                try withBorrowed(weak) { try callback($0) }
            } catch {
                unraisableHook(UnraisableError(error: error, context: "weakref callback"))
            }
            if weak.refcount == 1 { freed += 1 }
            weak.release()
        }
        return freed
    }
}

