/// What ``Heap/shutdown()`` did.
public struct ShutdownSummary: Equatable, Sendable {
    /// `weakref.finalize` actions called because ``ObjectFinalizer/atexit`` was set.
    public var exitActions = 0
    /// Collections run (before and after the finalizers of live objects).
    public var collections = 0
    /// Objects the collections freed.
    public var collected = 0
    /// Finalizers run on objects still alive after the first collections.
    public var finalized = 0
    /// Objects still alive when the heap was destroyed, freed without
    /// finalizers (those already run, or untracked, or uncollectable).
    public var freedAtDestruction = 0
}

extension Heap {
    /// How many collections ``shutdown()`` runs at most before and after
    /// the finalizers of live objects, while each still finds garbage.
    public static let shutdownCollectionLimit = 8

    /// Ends the heap as an interpreter ends: everything that can be
    /// finalized is, then everything is freed.
    ///
    /// 0. The actions of the ``ObjectFinalizer``s still alive whose
    ///    ``ObjectFinalizer/atexit`` is set run, newest first, as CPython's
    ///    `weakref.finalize` does at exit.
    /// 1. Collections run until one finds no garbage (at most
    ///    ``shutdownCollectionLimit``): cyclic garbage is finalized and freed
    ///    as in any collection.
    /// 2. Every tracked object still alive whose finalizer has not run gets
    ///    it run — frozen objects first, then generation 2, 1 and 0, each in
    ///    the collector's table order — on the object alive and held (PEP
    ///    442: once; an error goes to ``unraisableHook``). Every one of them
    ///    is held until all have run, so what a finalizer lets go of dies
    ///    at the end of this step, by reference counting.
    /// 3. Collections run again as in step 1: finalizers may have dropped
    ///    the last references into cycles.
    /// 4. The heap is destroyed (``destroy()``): what is left — objects
    ///    still referenced from Swift, uncollectable ones — is freed
    ///    without finalizers or weak-reference callbacks, and ``Ref``s that
    ///    outlive the heap do nothing.
    ///
    /// Objects the collector does not track (types without `traverse`)
    /// are not found in step 2: their finalizers run only if they die
    /// before step 4. Like ``destroy()``, not from a finalizer or callback
    /// the heap is running.
    @discardableResult
    public func shutdown() -> ShutdownSummary {
        requireAlive("Heap.shutdown")
        if core.pointee.destructionDepth > 0 || collectorState.pointee.isCollecting || core.pointee.isShuttingDown {
            preconditionFailure("Heap.shutdown: heap \(identity.id) is destroying an object or collecting; "
                                + "shut it down once that is done, not from a finalizer or callback")
        }
        core.pointee.isShuttingDown = true
        var summary = ShutdownSummary()
        let pending = weakReferenceTable.pointee.objectFinalizers.values.filter(\.atexit).sorted { $0.index > $1.index }
        for finalizer in pending where finalizer.atexit && finalizer() { summary.exitActions += 1 }
        collectUntilClean(&summary)
        finalizeLiveObjects(&summary)
        collectUntilClean(&summary)
        summary.freedAtDestruction = liveObjectCount - Heap.immortalObjectCount
        core.pointee.isShuttingDown = false
        destroy()
        return summary
    }

    /// Step 1 and 3 of ``shutdown()``.
    func collectUntilClean(_ summary: inout ShutdownSummary) {
        for _ in 0..<Heap.shutdownCollectionLimit {
            let found = collector.collect()
            summary.collections += 1
            summary.collected += found
            if found == 0 { break }
        }
    }

    /// Step 2 of ``shutdown()``. Every object is held while the finalizers
    /// run, so none of them is freed under the loop; releasing them at the
    /// end frees what the finalizers let go of.
    func finalizeLiveObjects(_ summary: inout ShutdownSummary) {
        let state = collectorState
        let objects = [CollectorState.permanentGeneration, 2, 1, 0].flatMap { state.pointee.objects(in: $0...$0) }
        for object in objects { object.retain() }
        for object in objects where !object.flags.contains(.finalized) {
            let type = object.type
            guard type.hasFinalizer else { continue }
            callFinalizer(of: object, type: type)
            summary.finalized += 1
        }
        for object in objects { object.release() }
    }
}
