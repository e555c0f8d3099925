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
    /// The weakrefs to each referent, oldest first.
    var byReferent: [RawRef: [RawRef]] = [:]
    /// The callback of each weakref that has one.
    var callbacks: [RawRef: WeakReferenceCallback] = [:]
}

extension RawRef {
    var weakReferent: RawRef? {
        get { payload.load(as: UnsafeMutableRawPointer?.self).map(RawRef.init(pointer:)) }
        nonmutating set { payload.storeBytes(of: newValue?.pointer, as: UnsafeMutableRawPointer?.self) }
    }
}

extension Heap {
    /// A weak reference to `object` (`weakref.ref(object, callback)`).
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when the object's type does
    ///   not support weak references (ints, strs, tuples… as in CPython).
    public func weakReference(to object: borrowing Ref, callback: WeakReferenceCallback? = nil) throws -> Ref {
        let referent = object.raw
        checkOwnership(referent, "Heap.weakReference")
        guard referent.type.supportsWeakReferences else {
            throw ObjectError.typeError("cannot create weak reference to '\(referent.type.name)' object")
        }
        let weak = try allocateObject(of: .weakReference, itemCount: 0, immortal: false)
        weak.weakReferent = referent
        core.pointee.weakReferences.byReferent[referent, default: []].append(weak)
        if let callback { core.pointee.weakReferences.callbacks[weak] = callback }
        referent.flags.insert(.hasWeakReferences)
        return Ref(adopting: weak, heap: self)
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
    func forgetWeakReference(_ weak: RawRef) {
        core.pointee.weakReferences.callbacks[weak] = nil
        guard let referent = weak.weakReferent else { return }
        weak.weakReferent = nil
        var list = core.pointee.weakReferences.byReferent[referent] ?? []
        list.removeAll { $0 == weak }
        if list.isEmpty {
            core.pointee.weakReferences.byReferent[referent] = nil
            referent.flags.remove(.hasWeakReferences)
        } else {
            core.pointee.weakReferences.byReferent[referent] = list
        }
    }

    /// Clears every weakref to `referent` and returns those whose callback
    /// should run (the weakref still alive, a callback present), newest
    /// first as CPython calls them.
    func clearWeakReferences(to referent: RawRef) -> [(RawRef, WeakReferenceCallback)] {
        guard let list = core.pointee.weakReferences.byReferent.removeValue(forKey: referent) else { return [] }
        referent.flags.remove(.hasWeakReferences)
        var pending: [(RawRef, WeakReferenceCallback)] = []
        for weak in list.reversed() {
            weak.weakReferent = nil
            if let callback = core.pointee.weakReferences.callbacks.removeValue(forKey: weak) {
                weak.retain()   // kept alive until its callback has run
                pending.append((weak, callback))
            }
        }
        return pending
    }

    /// Runs callbacks collected by ``clearWeakReferences(to:)``; errors go
    /// to the unraisable hook.
    func runWeakReferenceCallbacks(_ pending: [(RawRef, WeakReferenceCallback)]) {
        for (weak, callback) in pending {
            do {
                try withBorrowed(weak) { try callback($0) }
            } catch {
                unraisableHook(UnraisableError(error: error, context: "weakref callback"))
            }
            weak.release()
        }
    }
}

extension Ref {
    /// The referent of a weak reference, strongly referenced, or nil once
    /// it has died (calling a `weakref.ref`).
    public func referent() throws(ObjectError) -> Ref? {
        try requireKind(.weakReference, "referent")
        guard let target = raw.weakReferent else { return nil }
        return Ref(retaining: target, heap: heap)
    }
}
