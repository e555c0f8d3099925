/// Per-size free lists of small blocks in front of the heap's arena, as
/// CPython keeps free lists for its common objects: a freed block of up to
/// `maximumSize` bytes is kept (up to `maximumCount` per size) and handed
/// out again by the next allocation of that size without a call into
/// jemalloc. `Heap.flushCache()` returns them all to the arena.
///
/// Invariants: a listed block is a block of this heap's arena of exactly
/// `index × 8` requested bytes, no longer part of any object; its first 8
/// bytes hold the next block of the list. Blocks here are not counted as
/// live (`Heap.liveBlockBytes`), but jemalloc counts them as allocated until flushed.
struct FreeLists: ~Copyable {
    static let maximumSize = 256
    static let maximumCount = 1024
    static let classes = maximumSize / 8 + 1

    let heads = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: FreeLists.classes)
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: FreeLists.classes)

    init() {
        heads.initialize(repeating: nil, count: FreeLists.classes)
        counts.initialize(repeating: 0, count: FreeLists.classes)
    }

    /// A kept block of `rounded` bytes (a multiple of 8, at most `maximumSize`), if any.
    @inline(__always)
    func pop(_ rounded: Int) -> UnsafeMutableRawPointer? {
        let index = rounded >> 3
        guard let block = heads[index] else { return nil }
        heads[index] = block.load(as: UnsafeMutableRawPointer?.self)
        counts[index] -= 1
        return block
    }

    /// Keeps `block` of `rounded` bytes; false when the list is full.
    @inline(__always)
    func push(_ block: UnsafeMutableRawPointer, _ rounded: Int) -> Bool {
        let index = rounded >> 3
        guard counts[index] < FreeLists.maximumCount else { return false }
        block.storeBytes(of: heads[index], as: UnsafeMutableRawPointer?.self)
        heads[index] = block
        counts[index] += 1
        return true
    }

    /// Takes every kept block out, calling `body` with it and its size.
    func drain(_ body: (UnsafeMutableRawPointer, Int) -> Void) {
        for index in 1..<FreeLists.classes {
            while let block = pop(index << 3) { body(block, index << 3) }
        }
    }

    /// Forgets every kept block (their arena is gone).
    func forget() {
        heads.update(repeating: nil, count: FreeLists.classes)
        counts.update(repeating: 0, count: FreeLists.classes)
    }

    deinit {
        heads.deallocate()
        counts.deallocate()
    }
}
