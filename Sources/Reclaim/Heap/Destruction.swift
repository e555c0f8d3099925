#if canImport(Glibc)
import Glibc
#endif

/// What happens when an object's last strong reference goes, as in CPython:
///
/// 1. **Finalize.** If the type has a finalizer and the object was never
///    finalized, the finalizer runs with the object briefly alive again
///    (count 1) and the object is marked finalized. If the finalizer stored a
///    new reference somewhere, the object is *resurrected*: it stays, and its
///    finalizer will never run again (PEP 442).
/// 2. **Clear weak references** to it, running their callbacks.
/// 3. **Drop references.** The type's `dropReferences` releases every object
///    this one refers to and frees its out-of-line storage.
/// 4. **Free.** The object's block returns to the heap's arena.
///
/// Bounded stack (the trashcan): releasing a reference inside step 3 can end
/// another object, and so on down a chain. Up to `maximumNesting` objects
/// are destroyed recursively, like CPython; deeper ones are queued and
/// destroyed by the outermost call in a loop, so a chain of ten million
/// objects needs no more stack than one of a hundred.
///
/// No collection may see an object being destroyed: user code (a
/// finalizer, a weak-reference callback, the unraisable hook) can run in the
/// middle of a destruction and call `collect()`, and a collection that met
/// a tracked object at count 0 would free it under the destruction's feet.
/// So a container leaves its generation's table before anything else
/// happens to it — before it is queued, before its weak references are
/// cleared — and is tracked again only for its finalizer, while it is alive
/// at count 1 (and stays tracked if the finalizer resurrects it), as
/// CPython's `subtype_dealloc` does.
///
/// An object the running collection found unreachable and is clearing
/// without holding it (still marked `collecting`) is left at count 0 when
/// its last reference goes: the collection frees it itself, after every
/// other object that refers to it has been cleared.
extension Heap {
    static let maximumNesting = 48


    func destroyObject(_ object: RawRef) {
        object.refcount = 0
        // Garbage of a collection clearing it without holds (see
        // `promoteSurvivorsWithoutHolding`): the collection frees it.
        if object.isCollecting { return }
        #if DEBUG
        // Lets a release during destruction be reported as an over-release.
        object.flags.insert(.destroying)
        #endif
        // Out of every table first: a collection run by user code during
        // this destruction, or while it waits in the queue, must not see it.
        if object.flags.contains(.tracked) { untrack(object) }
        let core = self.core
        if core.pointee.destructionDepth >= Heap.maximumNesting {
            if object.withType({ $0.kind == .weakReference }) {
                // Out of its referent's list before it waits at count 0, so
                // the referent's death or a lookup cannot take it up again.
                // Its callback goes later, at the outermost level: letting
                // go of what the closure captured may destroy more.
                if let callback = weakReferenceTable.pointee.forget(object) {
                    core.pointee.deferredCallbacks.append(callback)
                    core.pointee.hasDeferredCallbacks = true
                }
            }
            core.pointee.deferred.append(object)
            return
        }
        // Bounded by `maximumNesting` just above: no overflow to check.
        core.pointee.destructionDepth &+= 1
        destroyNow(object)
        core.pointee.destructionDepth &-= 1
        // Plain fields only on this path, taken by every destruction: no
        // look at the callbacks' array unless some were queued.
        if core.pointee.destructionDepth == 0 && (!core.pointee.deferred.isEmpty || core.pointee.hasDeferredCallbacks) {
            destroyDeferred()
        }
    }

    /// The outermost destruction's loop: destroys the queued objects, and
    /// lets go of the queued weak references' callbacks, until neither is left.
    private func destroyDeferred() {
        let core = self.core
        while true {
            while let next = core.pointee.deferred.popLast() {
                core.pointee.destructionDepth = 1
                destroyNow(next)
                core.pointee.destructionDepth = 0
            }
            guard core.pointee.hasDeferredCallbacks else { return }
            core.pointee.destructionDepth = 1
            letGoOfDeferredCallbacks()
            core.pointee.destructionDepth = 0
        }
    }

    /// Releases the queued callbacks, and with them what they captured.
    /// A function of its own, not inlined, so that the releases happen
    /// while the caller's depth is 1: the optimizer may release a local
    /// array as soon as it is last used, which, inline, could be before the
    /// depth is set — and a release at depth 0 would start another
    /// outermost loop inside this one, without bound.
    @inline(never)
    private func letGoOfDeferredCallbacks() {
        let callbacks = core.pointee.deferredCallbacks
        core.pointee.deferredCallbacks = []
        core.pointee.hasDeferredCallbacks = false
        withExtendedLifetime(callbacks) {}
    }

    @inline(__always)
    private func destroyNow(_ object: RawRef) {
        let classObject = object.withType { type -> RawRef? in
            checkNotTracked(object, type: type, "destruction")
            if type.hasFinalizer && !object.flags.contains(.finalized) {
                if runFinalizer(object, type: type) == .resurrected { return nil }
            }
            if object.flags.contains(.hasWeakReferences) {
                runWeakReferenceCallbacks(weakReferenceTable.pointee.clear(referent: object))
            }
            if type.isContainer { countContainerFreed() }
            var classObject: RawRef?
            if type.kind == .instance {
                // The common case, inline: an instance's dropReferences releases its slots.
                object.clearInstance(slotCount: type.instanceSlotCount)
                if type.hasClassObject { classObject = ClassObjectLayout.classObject(ofInstance: object, type: type) }
            } else if let drop = type.dropReferences {
                drop(object, self)
            }
            free(object, type: type)
            return classObject
        }
        // Last, as CPython's subtype_dealloc: the class object owns the
        // type, which the lines above use.
        classObject?.release()
    }

    /// A container gone counts against generation 0's allocations, as in CPython.
    @inline(__always)
    func countContainerFreed() {
        collectorState.pointee.countDeallocation()
    }

    enum FinalizerOutcome { case died, resurrected }

    /// Runs the finalizer with the object alive at count 1 and marks it
    /// finalized; a count above 1 afterwards means the finalizer kept it.
    ///
    /// While the finalizer runs, a container is tracked again (alive, it
    /// is an ordinary object to a collection the finalizer may run); it
    /// leaves its table again unless it was resurrected.
    func runFinalizer(_ object: RawRef, type: ObjectType) -> FinalizerOutcome {
        object.refcount = 1
        object.flags.remove(.destroying)
        if type.isContainer { track(object) }
        callFinalizer(of: object, type: type)
        let count = object.refcount
        if count > 1 {
            object.refcount = count - 1
            return .resurrected
        }
        object.refcount = 0
        object.flags.insert(.destroying)
        untrack(object)
        return .died
    }

    /// In checked builds, stops when `object`, at count 0 in `phase`, is
    /// still in a generation's table, where a collection could free it.
    @inline(__always)
    func checkNotTracked(_ object: RawRef, type: ObjectType, _ phase: StaticString) {
        #if DEBUG
        if object.flags.contains(.tracked) {
            object.reportMisuse("Heap.\(phase): the \(type.name) object at \(object.pointer) is being destroyed "
                                + "but still tracked, so a collection could free it twice")
        }
        #endif
    }

    /// Marks `object` finalized and runs its type's finalizer on it,
    /// borrowed; a thrown error goes to the unraisable hook (PEP 442: once).
    func callFinalizer(of object: RawRef, type: ObjectType) {
        object.flags.insert(.finalized)
        let borrowed = Ref(adopting: object, heap: self)
        do {
            try type.finalizer!(borrowed)
        } catch {
            unraisableHook(UnraisableError(error: error, context: "finalizer of \(type.name) object"))
        }
        _ = borrowed.takeRaw()
    }

    /// Returns the object's block to the arena.
    @inline(__always)
    func free(_ object: RawRef, type: ObjectType) {
        if type.needsHeldCollection { collectorState.pointee.heldCollectionObjects &-= 1 }
        guard type.itemSize == 0 else {
            countersOfAllocated(type).pointee.count &-= 1
            freeBlock(object.blockStart, byteCount: objectBlockByteCount(object, type: type), for: type, object: object)
            return
        }
        // Fixed-size types: sizes come precomputed from the type.
        let block = object.blockStart(isContainer: type.isContainer)
        giveBack(block, type.fixedBlockSize, type: type, object: object)
        let counters = countersOfAllocated(type)
        counters.pointee.bytes &-= type.fixedRealSize
        counters.pointee.count &-= 1
        core.pointee.tracedBytes &-= type.fixedRealSize
    }
}

extension RawRef {
    /// Entry point from ``release()`` when the count is 1: the owning heap
    /// destroys the object. A method of the struct, not a static one of
    /// the `Heap` class, so the call needs no class metadata.
    @usableFromInline
    func releaseLastReference() {
        HeapRegistry.withHeap(id: heapID) { $0.destroyObject(self) }
    }
}
