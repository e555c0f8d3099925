/// Calls an action once when an object dies (`weakref.finalize`): the
/// object's death by reference counting or collection, an explicit call,
/// ``Heap/shutdown()`` when ``atexit`` is set, or never when detached. The
/// heap keeps the finalizer until then.
public final class ObjectFinalizer {
    let heap: Heap
    /// Creation order among the heap's finalizers, for ``Heap/shutdown()``.
    let index: Int
    private(set) var weak: RawRef?
    private var action: (() -> Void)?

    /// Whether ``Heap/shutdown()`` calls the action while it is still
    /// alive (`finalize.atexit`, true by default, as in CPython).
    public var atexit = true

    init(heap: Heap, index: Int, action: @escaping () -> Void) {
        self.heap = heap
        self.index = index
        self.action = action
    }

    /// Whether the action has yet to run (`finalize.alive`).
    public var isAlive: Bool { action != nil }

    /// Runs the action now if it has not run (`finalize()`); returns
    /// whether it ran.
    @discardableResult
    public func callAsFunction() -> Bool {
        guard let action = take() else { return false }
        action()
        return true
    }

    /// The object, while the finalizer is alive and the object too
    /// (`finalize.peek()`, whose tuple starts with it); nil otherwise.
    public func peek() -> Ref? {
        guard action != nil, !heap.isDestroyed, let target = weak?.liveReferent else {
            return nil
        }
        return Ref(retaining: target, heap: heap)
    }

    /// Cancels the action (`finalize.detach()`) and returns the object,
    /// when the finalizer was alive and the object still is.
    @discardableResult
    public func detach() -> Ref? {
        let object = peek()
        _ = take()
        return object
    }

    /// Takes the action out, releasing the weak reference and the heap's hold.
    private func take() -> (() -> Void)? {
        guard let action else { return nil }
        self.action = nil
        if let weak, !heap.isDestroyed { weak.release() }
        weak = nil
        heap.weakReferenceTable.pointee.objectFinalizers[ObjectIdentifier(self)] = nil
        return action
    }

    func arm(weak: RawRef) { self.weak = weak }
}
