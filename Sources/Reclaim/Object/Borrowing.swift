extension Heap {
    /// Lends `raw` (an object of this heap) to `body` as a borrowed `Ref`,
    /// without changing its reference count.
    @discardableResult
    public func withBorrowed<R, E: Error>(_ raw: RawRef, _ body: (borrowing Ref) throws(E) -> R) throws(E) -> R {
        checkOwnership(raw, "Heap.withBorrowed")
        return try Reclaim.withBorrowed(raw, heap: self, body)
    }
}

/// Lends `raw` to `body` as a `Ref` without changing its count.
func withBorrowed<R, E: Error>(_ raw: RawRef, heap: Heap, _ body: (borrowing Ref) throws(E) -> R) throws(E) -> R {
    let borrowed = Ref(adopting: raw, heap: heap)
    let result: Result<R, E>
    do throws(E) { result = .success(try body(borrowed)) } catch { result = .failure(error) }
    _ = borrowed.takeRaw()
    return try result.get()
}
