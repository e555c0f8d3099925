/// A dictionary whose values are held weakly (`weakref.WeakValueDictionary`):
/// an entry goes away when its value dies, by reference counting or by the
/// collector.
///
/// Keys are Swift values; values are objects of one heap, each held through
/// a weak reference whose callback removes the entry.
public final class WeakValueDictionary<Key: Hashable> {
    /// The heap whose objects are the values.
    public let heap: Heap
    /// The weak reference of each entry (one strong reference held here).
    private var entries: [Key: RawRef] = [:]

    /// An empty dictionary for values of `heap`.
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
        guard !heap.isDestroyed, let weak = entries[key], let target = weak.liveReferent else { return nil }
        return Ref(retaining: target, heap: heap)
    }

    /// Sets the value for `key`, held weakly.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when the value's type does not
    ///   support weak references.
    public func setValue(_ value: borrowing Ref, forKey key: Key) throws(ObjectError) {
        let weak = try heap.weakReferences.reference(to: value) { [weak self] dead in
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
        guard !heap.isDestroyed, let weak = entries.removeValue(forKey: key) else { return false }
        weak.release()
        return true
    }

    /// Calls `body` with each entry whose value is alive, the value held
    /// strongly during the call (`items()`). Entries added or removed by
    /// `body` are not seen; one whose value died meanwhile is skipped.
    public func forEach(_ body: (Key, borrowing Ref) throws -> Void) rethrows {
        for key in Array(entries.keys) {
            guard let value = value(forKey: key) else { continue }
            try body(key, value)
        }
    }

    /// A new dictionary with the same entries, its values held weakly too (`copy()`).
    public func copy() -> WeakValueDictionary<Key> {
        let copy = WeakValueDictionary(heap: heap)
        // Each value supports weak references: it is held through one already.
        forEach { key, value in try? copy.setValue(value, forKey: key) }
        return copy
    }
}
