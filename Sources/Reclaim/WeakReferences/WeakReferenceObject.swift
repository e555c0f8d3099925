/// Weak references, as Python's `weakref.ref`: an object of type `weakref`
/// that refers to another without keeping it alive, and is cleared when
/// that object dies — by reference counting or by the collector — with an
/// optional callback.
///
/// Payload of a weakref: the referent's address (0 once cleared;
/// `PayloadLayout.WeakReference`). The heap keeps, beside the objects, each referent's weakrefs and each
/// weakref's callback; a referent carries the `hasWeakReferences` flag so
/// the destruction path pays for the lookup only when there is one.
///
/// Weakrefs are tracked containers (with nothing to traverse) so that the
/// collector knows when a weakref is itself part of the garbage: then its
/// callback does not run (CPython's `handle_weakrefs` rule).
extension ObjectType {
    /// `weakref`: a weak reference object (``WeakReferences/reference(to:callback:)`` makes them).
    public static let weakReference = ObjectType(
        name: "weakref", kind: .weakReference, basicSize: PayloadLayout.WeakReference.size, itemSize: 0,
        traverse: { _, _ in }, clear: { object, heap in heap.weakReferenceTable.pointee.forget(object) },
        dropReferences: { object, heap in heap.weakReferenceTable.pointee.forget(object) },
        finalizer: nil, storageBlocks: nil,
        hash: ObjectType.identityHash, equals: ObjectType.identityEquals,
        equalityFamily: "weakref", attributeNames: [], supportsWeakReferences: false)
}

/// What runs when a weak reference's referent dies: it receives the weakref.
public typealias WeakReferenceCallback = (_ weakReference: borrowing Ref) throws -> Void

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
    public func referent() throws(ObjectError) -> Ref? {
        try requireKind(.weakReference, "referent")
        guard let target = raw.liveReferent else { return nil }
        return Ref(retaining: target, heap: heap)
    }
}
