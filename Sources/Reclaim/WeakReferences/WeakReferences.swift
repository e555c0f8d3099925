/// A heap's weak references, the `weakref` module's surface: making them
/// (``reference(to:callback:)-(_,WeakReferenceCallback?)``, with a callable
/// callback ``reference(to:callback:)-(_,Ref)``, proxies ``proxy(to:)``), counting and listing those to an object,
/// and ``finalize(_:_:)``. Reached as ``Heap/weakReferences``; a handle,
/// so copies are the same heap's.
public struct WeakReferences: Sendable {
    /// The heap whose objects the references refer to.
    let heap: Heap

    /// A weak reference to `object` (`weakref.ref(object, callback)`).
    ///
    /// As in CPython, a weak reference without a callback is shared: while
    /// one lives, every call without a callback returns it again, so
    /// `ref(o) is ref(o)` and it counts once in ``count(of:)``.
    /// Each call with a callback makes a new one.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when the object's type does
    ///   not support weak references (ints, strs, tuples… as in CPython);
    ///   ``ObjectError/memoryError(_:)`` when the weak reference cannot be allocated.
    public func reference(to object: borrowing Ref, callback: WeakReferenceCallback? = nil) throws(ObjectError) -> Ref {
        try makeReference(.weakReference, to: object, callback: callback, "WeakReferences.reference(to:callback:)")
    }

    /// A new weak reference object of `type` to `object`, or the shared one
    /// of that type when there is no callback.
    func makeReference(_ type: ObjectType, to object: borrowing Ref, callback: WeakReferenceCallback?,
                       _ operation: String) throws(ObjectError) -> Ref {
        let referent = object.raw
        heap.requireAlive(operation)
        heap.checkOwnership(referent, operation)
        guard referent.type.supportsWeakReferences else {
            throw .typeError("cannot create weak reference to '\(referent.type.name)' object")
        }
        if callback == nil, let shared = heap.weakReferenceTable.pointee.sharedReference(to: referent, type: type) {
            return Ref(retaining: shared, heap: heap)
        }
        // Allocating may run a collection, which may free weak references
        // to `referent` (not `referent` itself: the caller holds it), so
        // its list is read only afterwards.
        let weak: RawRef
        do {
            weak = try heap.allocateObject(of: type, itemCount: 0, immortal: false)
        } catch {
            throw .memoryError(error)
        }
        // That collection's finalizers or callbacks may have made the
        // shared one meanwhile: it is the one to return, as CPython's
        // `PyWeakref_NewRef` looks again after allocating.
        if callback == nil, let shared = heap.weakReferenceTable.pointee.sharedReference(to: referent, type: type) {
            weak.release()
            return Ref(retaining: shared, heap: heap)
        }
        heap.weakReferenceTable.pointee.add(weak, to: referent, callback: callback)
        return Ref(adopting: weak, heap: heap)
    }

    /// A new weak reference of `type` to `object` whose callback is the
    /// callable `callback`, held by the weak reference.
    func makeReference(_ type: ObjectType, to object: borrowing Ref, callbackObject callback: borrowing Ref,
                       _ operation: String) throws(ObjectError) -> Ref {
        heap.checkOwnership(callback.raw, operation)
        guard callback.isCallable else {
            throw .typeError("a weak reference callback must be callable, not '\(callback.raw.type.name)'")
        }
        let weak = try makeReference(type, to: object, callback: callWeakReferenceCallbackObject, operation)
        weak.raw.payload.initializeReference(at: PayloadLayout.WeakReference.callbackObject, to: callback.copy())
        return weak
    }

    /// A weak reference to `object` whose callback is `callback`, a
    /// callable heap object (a ``Heap/function(_:capturing:_:)``, or an
    /// object of any type with a ``ObjectType/call``), called with the
    /// weakref when `object` dies — `weakref.ref(object, callback)` with
    /// the callback an ordinary object. The weakref holds `callback`, and
    /// the collector traverses it there: a cycle through the callback is
    /// collected. Each call makes a new weak reference.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when `callback` is not
    ///   callable or the object's type does not support weak references;
    ///   ``ObjectError/memoryError(_:)`` when the weak reference cannot be allocated.
    public func reference(to object: borrowing Ref, callback: borrowing Ref) throws(ObjectError) -> Ref {
        try makeReference(.weakReference, to: object, callbackObject: callback, "WeakReferences.reference(to:callback:)")
    }

    /// How many weak references refer to `object` (`weakref.getweakrefcount`).
    public func count(of object: borrowing Ref) -> Int {
        heap.weakReferenceTable.pointee.count(of: object.raw)
    }

    /// The weak references to `object` (`weakref.getweakrefs`).
    public func references(to object: borrowing Ref) -> [RawRef] {
        heap.weakReferenceTable.pointee.references(to: object.raw)
    }

    /// Calls `action` once when `object` dies (`weakref.finalize(obj, func)`).
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when the object's type does
    ///   not support weak references; ``ObjectError/memoryError(_:)`` when
    ///   its weak reference cannot be allocated.
    @discardableResult
    public func finalize(_ object: borrowing Ref, _ action: @escaping () -> Void) throws(ObjectError) -> ObjectFinalizer {
        let finalizer = ObjectFinalizer(heap: heap, index: heap.weakReferenceTable.pointee.nextFinalizerIndex, action: action)
        heap.weakReferenceTable.pointee.nextFinalizerIndex += 1
        let weak = try reference(to: object) { [weak finalizer] _ in finalizer?() }
        finalizer.arm(weak: weak.takeRaw())
        heap.weakReferenceTable.pointee.objectFinalizers[ObjectIdentifier(finalizer)] = finalizer
        return finalizer
    }

    /// Calls `function`, a callable heap object, with `arguments` once
    /// when `object` dies (`weakref.finalize(obj, func, *args)`). The
    /// finalizer holds `function` and `arguments` until then, as roots:
    /// as in CPython, they must not refer to `object`, or it never dies.
    /// What the call throws goes to the unraisable hook.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when `function` is not
    ///   callable or the object's type does not support weak references;
    ///   ``ObjectError/memoryError(_:)`` when its weak reference cannot be allocated.
    @discardableResult
    public func finalize(_ object: borrowing Ref, calling function: borrowing Ref,
                         with arguments: consuming RefArray = RefArray()) throws(ObjectError) -> ObjectFinalizer {
        heap.checkOwnership(function.raw, "WeakReferences.finalize(_:calling:with:)")
        guard function.isCallable else {
            throw .typeError("a finalize action must be callable, not '\(function.raw.type.name)'")
        }
        let call = HeldCall(function: function.copy(), arguments: arguments)
        let heap = self.heap
        return try finalize(object) {
            do {
                try call.run()
            } catch {
                heap.unraisableHook(UnraisableError(error: error, context: "weakref.finalize action"))
            }
        }
    }
}

extension Heap {
    /// The heap's weak references (`weakref`).
    public var weakReferences: WeakReferences { WeakReferences(heap: self) }
}
