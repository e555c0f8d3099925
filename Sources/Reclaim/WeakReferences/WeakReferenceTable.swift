/// The heap's side tables for weak references: each referent's weakrefs,
/// each weakref's callback, and the `weakref.finalize` helpers still armed.
/// The heap allocates it once, behind a pointer of its own
/// (`Heap.weakReferenceTable`), and frees it when it is deinitialised; it
/// cannot be copied.
///
/// Invariants: a referent is a key of `byReferent` exactly when it has the
/// `hasWeakReferences` flag, and its list is never empty; every weakref in a
/// list refers to that referent (its payload), and has a callback in
/// `callbacks` only if it was made with one.
struct WeakReferenceTable: ~Copyable {
    /// The weakrefs to each referent, in CPython's order: the shared
    /// `weakref` without a callback first (if any), then the shared proxy
    /// without one (if any), then those with callbacks, newest first — the
    /// order `getweakrefs` lists them and callbacks run.
    private(set) var byReferent: [RawRef: [RawRef]] = [:]
    /// The callback of each weakref that has one.
    private var callbacks: [RawRef: WeakReferenceCallback] = [:]
    /// `weakref.finalize` helpers not yet called or detached.
    var objectFinalizers: [ObjectIdentifier: ObjectFinalizer] = [:]
    /// The creation index the next `ObjectFinalizer` gets.
    var nextFinalizerIndex = 0

    /// Whether no object has weak references.
    var isEmpty: Bool { byReferent.isEmpty }

    /// How many weak references refer to `referent`.
    func count(of referent: RawRef) -> Int { byReferent[referent]?.count ?? 0 }

    /// The weak references to `referent`, in CPython's order.
    func references(to referent: RawRef) -> [RawRef] { byReferent[referent] ?? [] }

    /// The weak reference of `type` (`weakref` or a proxy type) without a
    /// callback to `referent`, if one lives: it is among the first two of
    /// the referent's list.
    func sharedReference(to referent: RawRef, type: ObjectType = .weakReference) -> RawRef? {
        guard referent.flags.contains(.hasWeakReferences), let list = byReferent[referent] else { return nil }
        return list.prefix(2).first { $0.refcount > 0 && callbacks[$0] == nil && $0.type === type }
    }

    /// Lists a new weak reference `weak` to `referent`: a shared `weakref`
    /// first, a shared proxy after it, one with a callback after the shared
    /// ones, before older ones.
    mutating func add(_ weak: RawRef, to referent: RawRef, callback: WeakReferenceCallback?) {
        weak.weakReferent = referent
        let list = byReferent[referent] ?? []
        let shared = list.prefix(2).prefix { callbacks[$0] == nil }.count
        if let callback {
            callbacks[weak] = callback
            byReferent[referent, default: []].insert(weak, at: shared)
        } else if weak.type === ObjectType.weakReference {
            byReferent[referent, default: []].insert(weak, at: 0)
        } else {
            let afterReference = list.first.map { callbacks[$0] == nil && $0.type === ObjectType.weakReference } ?? false
            byReferent[referent, default: []].insert(weak, at: afterReference ? 1 : 0)
        }
        referent.flags.insert(.hasWeakReferences)
    }

    /// A weakref dies: it leaves its referent's list and its callback goes.
    /// Returns its callback, if it had one, for a caller that must decide
    /// when the closure (and what it captured) goes.
    @discardableResult
    mutating func forget(_ weak: RawRef) -> WeakReferenceCallback? {
        let callback = callbacks.removeValue(forKey: weak)
        guard let referent = weak.weakReferent else { return callback }
        weak.weakReferent = nil
        var list = byReferent[referent] ?? []
        list.removeAll { $0 == weak }
        if list.isEmpty {
            byReferent[referent] = nil
            referent.flags.remove(.hasWeakReferences)
        } else {
            byReferent[referent] = list
        }
        return callback
    }

    /// Clears every weakref to `referent` and returns those whose callback
    /// should run (the weakref still alive, a callback present), newest
    /// first as CPython calls them; each is retained until its callback has run.
    mutating func clear(referent: RawRef) -> [(RawRef, WeakReferenceCallback)] {
        guard let list = byReferent.removeValue(forKey: referent) else { return [] }
        referent.flags.remove(.hasWeakReferences)
        var pending: [(RawRef, WeakReferenceCallback)] = []
        for weak in list {
            weak.weakReferent = nil
            // A weak reference at count 0 is being destroyed itself: cleared,
            // its callback is not run (as CPython's PyObject_ClearWeakRefs).
            guard weak.refcount > 0 else { continue }
            if let callback = callbacks.removeValue(forKey: weak) {
                weak.retain()   // kept alive until its callback has run
                pending.append((weak, callback))
            }
        }
        return pending
    }
}

extension Heap {
    /// Runs callbacks collected by `WeakReferenceTable.clear(referent:)`; errors go
    /// to the unraisable hook. Returns how many of the weak references were
    /// freed when their callback was done with them (CPython's collector
    /// counts those among what it collected).
    ///
    /// A callback object is called with the weakref. When the referent died
    /// by reference counting, the weakref lets go of it first, as CPython's
    /// `PyObject_ClearWeakRefs` does; when the collector found the
    /// referent unreachable (`byCollector`), the weakref keeps it until the
    /// weakref itself dies, as CPython's `handle_weakrefs` does.
    @discardableResult
    func runWeakReferenceCallbacks(_ pending: [(RawRef, WeakReferenceCallback)], byCollector: Bool = false) -> Int {
        var freed = 0
        for (weak, callback) in pending {
            do {
                let payload = weak.payload, field = PayloadLayout.WeakReference.callbackObject
                if let object = payload.reference(at: field) {
                    let function = byCollector ? Ref(retaining: object, heap: self) : payload.takeReference(at: field)!
                    try withBorrowed(weak) { _ = try function.call(with: $0.copy()) }
                } else {
                    try withBorrowed(weak) { try callback($0) }
                }
            } catch {
                unraisableHook(UnraisableError(error: error, context: "weakref callback"))
            }
            if weak.refcount == 1 { freed += 1 }
            weak.release()
        }
        return freed
    }
}

