/// Weak references, as Python's `weakref.ref`: an object of type `weakref`
/// that refers to another without keeping it alive, and is cleared when
/// that object dies — by reference counting or by the collector — with an
/// optional callback.
///
/// Payload of a weakref: the referent's address (0 once cleared). The
/// heap keeps, beside the objects, each referent's weakrefs and each
/// weakref's callback; a referent carries the `hasWeakReferences` flag so
/// the destruction path pays for the lookup only when there is one.
///
/// Weakrefs are tracked containers (with nothing to traverse) so that the
/// collector knows when a weakref is itself part of the garbage: then its
/// callback does not run (CPython's `handle_weakrefs` rule).
extension ObjectType {
    public static let weakReference = ObjectType(
        name: "weakref", kind: .weakReference, basicSize: 8, itemSize: 0,
        traverse: { _, _ in }, clear: { object, heap in heap.forgetWeakReference(object) },
        dropReferences: { object, heap in heap.forgetWeakReference(object) },
        finalizer: nil, storageBlocks: nil,
        hash: { Hashing.integer(Int(bitPattern: $0.pointer) >> 4) }, equals: { $0 == $1 },
        equalityFamily: "weakref", attributeNames: [], supportsWeakReferences: false)
}

/// What runs when a weak reference's referent dies: it receives the weakref.
public typealias WeakReferenceCallback = (_ weakReference: borrowing Ref) throws -> Void

/// The heap's side tables for weak references.
struct WeakReferenceTable {
    /// The weakrefs to each referent, in CPython's order: the shared one
    /// without a callback first (if any), then those with callbacks, newest
    /// first — the order `getweakrefs` lists them and callbacks run.
    var byReferent: [RawRef: [RawRef]] = [:]
    /// The callback of each weakref that has one.
    var callbacks: [RawRef: WeakReferenceCallback] = [:]
}

extension RawRef {
    var weakReferent: RawRef? {
        get { payload.load(as: UnsafeMutableRawPointer?.self).map(RawRef.init(pointer:)) }
        nonmutating set { payload.storeBytes(of: newValue?.pointer, as: UnsafeMutableRawPointer?.self) }
    }

    /// The referent while it is alive. A referent at count 0 is being
    /// destroyed, or waits for that in the trashcan's queue: it is dead
    /// already, as in CPython, though its weak references are not cleared
    /// yet, and handing it out would resurrect an object about to be freed.
    var liveReferent: RawRef? {
        guard let target = weakReferent, target.refcount > 0 else { return nil }
        return target
    }
}

extension Heap {
    /// A weak reference to `object` (`weakref.ref(object, callback)`).
    ///
    /// As in CPython, a weak reference without a callback is shared: while
    /// one lives, every call without a callback returns it again, so
    /// `ref(o) is ref(o)` and it counts once in ``weakReferenceCount(of:)``.
    /// Each call with a callback makes a new one.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when the object's type does
    ///   not support weak references (ints, strs, tuples… as in CPython).
    public func weakReference(to object: borrowing Ref, callback: WeakReferenceCallback? = nil) throws -> Ref {
        let referent = object.raw
        requireAlive("Heap.weakReference")
        checkOwnership(referent, "Heap.weakReference")
        guard referent.type.supportsWeakReferences else {
            throw ObjectError.typeError("cannot create weak reference to '\(referent.type.name)' object")
        }
        if callback == nil, let shared = sharedWeakReference(to: referent) {
            return Ref(retaining: shared, heap: self)
        }
        // Allocating may run a collection, which may free weak references
        // to `referent` (not `referent` itself: the caller holds it), so
        // its list is read only afterwards.
        let weak = try allocateObject(of: .weakReference, itemCount: 0, immortal: false)
        weak.weakReferent = referent
        if let callback {
            core.pointee.weakReferences.callbacks[weak] = callback
            let list = core.pointee.weakReferences.byReferent[referent] ?? []
            let afterShared = sharedWeakReference(to: referent) == nil ? 0 : 1
            core.pointee.weakReferences.byReferent[referent, default: []].insert(weak, at: min(afterShared, list.count))
        } else {
            core.pointee.weakReferences.byReferent[referent, default: []].insert(weak, at: 0)
        }
        referent.flags.insert(.hasWeakReferences)
        return Ref(adopting: weak, heap: self)
    }

    /// The weak reference without a callback to `referent`, if one lives:
    /// it is first in the referent's list.
    func sharedWeakReference(to referent: RawRef) -> RawRef? {
        guard referent.flags.contains(.hasWeakReferences),
              let first = core.pointee.weakReferences.byReferent[referent]?.first,
              first.refcount > 0, core.pointee.weakReferences.callbacks[first] == nil else { return nil }
        return first
    }

    /// How many weak references refer to `object` (`weakref.getweakrefcount`).
    public func weakReferenceCount(of object: borrowing Ref) -> Int {
        core.pointee.weakReferences.byReferent[object.raw]?.count ?? 0
    }

    /// The weak references to `object` (`weakref.getweakrefs`).
    public func weakReferences(to object: borrowing Ref) -> [RawRef] {
        core.pointee.weakReferences.byReferent[object.raw] ?? []
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

extension Ref {
    /// The referent of a weak reference, strongly referenced, or nil once
    /// it has died (calling a `weakref.ref`).
    public func referent() throws(ObjectError) -> Ref? {
        try requireKind(.weakReference, "referent")
        guard let target = raw.liveReferent else { return nil }
        return Ref(retaining: target, heap: heap)
    }
}
