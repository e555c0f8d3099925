extension Heap {
    /// Lends `raw` (an object of this heap) to `body` as a borrowed `Ref`,
    /// without changing its reference count. `body` may return anything,
    /// an owned `Ref` too (`try heap.withBorrowed(list) { try $0.item(at: 0) }`).
    @discardableResult
    public func withBorrowed<R: ~Copyable, E: Error>(_ raw: RawRef, _ body: (borrowing Ref) throws(E) -> R) throws(E) -> R {
        checkOwnership(raw, "Heap.withBorrowed")
        return try Reclaim.withBorrowed(raw, heap: self, body)
    }
}

/// Lends `raw` to `body` as a `Ref` without changing its count.
func withBorrowed<R: ~Copyable, E: Error>(_ raw: RawRef, heap: Heap, _ body: (borrowing Ref) throws(E) -> R) throws(E) -> R {
    let borrowed = Ref(adopting: raw, heap: heap)
    do throws(E) {
        let result = try body(borrowed)
        _ = borrowed.takeRaw()
        return result
    } catch {
        _ = borrowed.takeRaw()
        throw error
    }
}
