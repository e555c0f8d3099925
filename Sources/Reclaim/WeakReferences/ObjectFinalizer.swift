/// Calls an action once when an object dies (`weakref.finalize`): the
/// object's death by reference counting or collection, an explicit call, or
/// never when detached. The heap keeps the finalizer until then.
public final class ObjectFinalizer {
    let heap: Heap
    private(set) var weak: RawRef?
    private var action: (() -> Void)?

    init(heap: Heap, action: @escaping () -> Void) {
        self.heap = heap
        self.action = action
    }

    /// Whether the action has yet to run (`finalize.alive`).
    public var isAlive: Bool { action != nil }

    /// Runs the action now if it has not run (`finalize()`).
    public func callAsFunction() {
        guard let action = take() else { return }
        action()
    }

    /// Cancels the action (`finalize.detach()`).
    public func detach() { _ = take() }

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
