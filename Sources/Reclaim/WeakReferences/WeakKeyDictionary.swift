/// A dictionary whose keys are held weakly (`weakref.WeakKeyDictionary`):
/// an entry goes away when its key dies, by reference counting or by the
/// collector — the way to attach Swift data to objects without keeping
/// them alive.
///
/// Keys are objects of one heap, compared by identity (`is`); CPython
/// compares them with `==`, which for objects without `__eq__` is the same.
/// Values are Swift values.
public final class WeakKeyDictionary<Value> {
    /// The heap whose objects are the keys.
    public let heap: Heap
    /// Each entry by its key's object: the weak reference to it (one strong
    /// reference held here) and the value.
    private var entries: [RawRef: (weak: RawRef, value: Value)] = [:]

    /// An empty dictionary for keys of `heap`.
    public init(heap: Heap) { self.heap = heap }

    deinit {
        if !heap.isDestroyed { for entry in entries.values { entry.weak.release() } }
    }

    /// Entries whose key is alive.
    public var count: Int { entries.count }

    /// The value for `key`, or nil.
    public func value(forKey key: borrowing Ref) -> Value? {
        guard !heap.isDestroyed else { return nil }
        return entries[key.raw]?.value
    }

    /// Sets the value for `key`, which is held weakly.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when the key's type does not
    ///   support weak references.
    public func setValue(_ value: Value, forKey key: borrowing Ref) throws(ObjectError) {
        heap.requireAlive("WeakKeyDictionary.setValue(_:forKey:)")
        if let entry = entries[key.raw] {
            // Returned, the old value goes after the change, not inside it:
            // its deinit may release a key whose callback changes `entries`.
            _ = entries.updateValue((entry.weak, value), forKey: key.raw)
            return
        }
        let object = key.raw
        // The callback runs when the key dies, before its block can be reused.
        let weak = try heap.weakReferences.reference(to: key) { [weak self] dead in
            guard let self, self.entries[object]?.weak == dead.raw else { return }
            _ = self.entries.removeValue(forKey: object)   // its value goes after the change
            dead.raw.release()
        }.takeRaw()
        entries[object] = (weak, value)
    }

    /// Removes the entry for `key` and returns its value, or nil.
    @discardableResult
    public func removeValue(forKey key: borrowing Ref) -> Value? {
        guard !heap.isDestroyed, let entry = entries.removeValue(forKey: key.raw) else { return nil }
        entry.weak.release()
        return entry.value
    }

    /// Calls `body` with each entry whose key is alive, the key held
    /// strongly during the call. Entries added or removed by `body` are not
    /// seen; one whose key died meanwhile is skipped.
    public func forEach(_ body: (borrowing Ref, Value) throws -> Void) rethrows {
        guard !heap.isDestroyed else { return }
        for (object, entry) in Array(entries) {
            guard entries[object]?.weak == entry.weak, let target = entry.weak.liveReferent else { continue }
            let key = Ref(retaining: target, heap: heap)
            try body(key, entry.value)
        }
    }
}
