/// Weak references, as Python's `weakref.ref`: an object of type `weakref`
/// that refers to another without keeping it alive, and is cleared when
/// that object dies — by reference counting or by the collector — with an
/// optional callback.
///
/// Payload of a weakref: the referent's address (0 once cleared) and a
/// callable callback object, held (0 for none; `PayloadLayout.WeakReference`).
/// The heap keeps, beside the objects, each referent's weakrefs and each
/// weakref's callback — a Swift closure, or the call of the callback
/// object; a referent carries the `hasWeakReferences` flag so the
/// destruction path pays for the lookup only when there is one.
///
/// Weakrefs are tracked containers, which traverse their callback object,
/// so a cycle through a callback is collected, and the collector knows
/// when a weakref is itself part of the garbage: then its callback does
/// not run (CPython's `handle_weakrefs` rule). A callback object is let go
/// when the referent dies by reference counting, before it is called (as
/// CPython clears `wr_callback`); when the weakref is cleared or dies;
/// but not when the collector frees the referent, as in CPython.
extension ObjectType {
    /// `weakref`: a weak reference object (``WeakReferences/reference(to:callback:)-(_,WeakReferenceCallback?)`` makes them).
    public static let weakReference = weakReferenceType(
        name: "weakref", hash: ObjectType.identityHash, equals: ObjectType.identityEquals, call: nil)

    /// A type of weak reference objects: `weakref`, and the proxies'
    /// types, which differ in name, hash and call (`WeakProxy.swift`).
    static func weakReferenceType(name: String, hash: Hash?, equals: Equals?, call: Call?) -> ObjectType {
        ObjectType(
            name: name, kind: .weakReference, basicSize: PayloadLayout.WeakReference.size, itemSize: 0,
            traverse: { object, visit in
                if let callback = object.payload.reference(at: PayloadLayout.WeakReference.callbackObject) { visit(callback) }
            },
            clear: { object, heap in
                heap.weakReferenceTable.pointee.forget(object)
                _ = object.payload.takeReference(at: PayloadLayout.WeakReference.callbackObject)
            },
            dropReferences: { object, heap in
                heap.weakReferenceTable.pointee.forget(object)
                _ = object.payload.takeReference(at: PayloadLayout.WeakReference.callbackObject)
            },
            finalizer: nil, storageBlocks: nil, hash: hash, equals: equals,
            equalityFamily: name, attributeNames: [], supportsWeakReferences: false, call: call)
    }
}

/// What runs when a weak reference's referent dies: it receives the weakref.
public typealias WeakReferenceCallback = (_ weakReference: borrowing Ref) throws -> Void

/// The table's callback of every weakref made with a callback object: it
/// marks the weakref as one with a callback (for sharing, order and the
/// collector's rules), while `Heap.runWeakReferenceCallbacks` calls the
/// object itself. Called another way, it calls the object, which the
/// weakref keeps.
func callWeakReferenceCallbackObject(_ weak: borrowing Ref) throws {
    guard let callback = weak.raw.payload.reference(at: PayloadLayout.WeakReference.callbackObject) else { return }
    _ = try Ref(retaining: callback, heap: weak.heap).call(with: weak.copy())
}

extension RawRef {
    /// The referent while it is alive. A referent at count 0 is being
    /// destroyed, or waits for that in the trashcan's queue: it is dead
    /// already, as in CPython, though its weak references are not cleared
    /// yet, and handing it out would resurrect an object about to be freed.
    var liveReferent: RawRef? {
        guard let target = weakReferent, target.refcount > 0 else { return nil }
        return target
    }
}

extension Ref {
    /// The referent of a weak reference, strongly referenced, or nil once
    /// it has died (calling a `weakref.ref`).
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when this is not a `weakref`
    ///   (a proxy, as in CPython, is not called to get its referent).
    public func referent() throws(ObjectError) -> Ref? {
        try requireKind(.weakReference, "referent")
        if isWeakProxy { throw .typeError("referent: expected weakref, got \(raw.type.name)") }
        guard let target = raw.liveReferent else { return nil }
        return Ref(retaining: target, heap: heap)
    }
}
