/// A dictionary whose values are held weakly (`weakref.WeakValueDictionary`):
/// an entry goes away when its value dies, by reference counting or by the
/// collector.
///
/// Keys are Swift values; values are objects of one heap, each held through
/// a weak reference whose callback removes the entry.
public final class WeakValueDictionary<Key: Hashable> {
    public let heap: Heap
    /// The weak reference of each entry (one strong reference held here).
    private var entries: [Key: RawRef] = [:]

    public init(heap: Heap) { self.heap = heap }

    deinit {
        if !heap.isDestroyed { for weak in entries.values { weak.release() } }
    }

    /// Entries whose value is alive.
    public var count: Int { entries.count }

    /// The keys of the entries.
    public var keys: [Key] { Array(entries.keys) }

    /// The value for `key`, strongly referenced, or nil.
    public func value(forKey key: Key) -> Ref? {
        guard let weak = entries[key], let target = weak.liveReferent else { return nil }
        return Ref(retaining: target, heap: heap)
    }

    /// Sets the value for `key`, held weakly.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when the value's type does not
    ///   support weak references.
    public func setValue(_ value: borrowing Ref, forKey key: Key) throws {
        let weak = try heap.weakReference(to: value) { [weak self] dead in
            guard let self, self.entries[key] == dead.raw else { return }
            self.entries[key] = nil
            dead.raw.release()
        }.takeRaw()
        let old = entries.updateValue(weak, forKey: key)
        old?.release()
    }

    /// Removes the entry for `key`; returns whether there was one.
    @discardableResult
    public func removeValue(forKey key: Key) -> Bool {
        guard let weak = entries.removeValue(forKey: key) else { return false }
        weak.release()
        return true
    }
}

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
        heap.core.pointee.objectFinalizers[ObjectIdentifier(self)] = nil
        return action
    }

    func arm(weak: RawRef) { self.weak = weak }
}

extension Heap {
    /// Calls `action` once when `object` dies (`weakref.finalize(obj, func)`).
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when the object's type does
    ///   not support weak references.
    @discardableResult
    public func finalize(_ object: borrowing Ref, _ action: @escaping () -> Void) throws -> ObjectFinalizer {
        let finalizer = ObjectFinalizer(heap: self, action: action)
        let weak = try weakReference(to: object) { [weak finalizer] _ in finalizer?() }
        finalizer.arm(weak: weak.takeRaw())
        core.pointee.objectFinalizers[ObjectIdentifier(finalizer)] = finalizer
        return finalizer
    }
}
