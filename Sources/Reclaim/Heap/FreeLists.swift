/// Per-size free lists of small blocks in front of the heap's arena, as
/// CPython keeps free lists for its common objects: a freed block of up to
/// `maximumSize` bytes is kept (up to `maximumCount` per size) and handed
/// out again by the next allocation of that size without a call into
/// jemalloc. `Heap.flushCache()` returns them all to the arena.
///
/// While a full collection frees its garbage the lists take every block
/// (``pushLimit`` is lifted), as pymalloc keeps a collection's garbage in
/// its pools: freeing is then a push instead of a call into jemalloc, and
/// the allocations that follow take the blocks back. What is still kept
/// above `maximumCount` at the next full collection has not been needed
/// since, and goes back to the arena then (``trim(to:_:)``), in that
/// collection's time. So the excess is at most one full collection's
/// garbage, memory the heap held as live objects just before.
///
/// Invariants: a listed block is a block of this heap's arena of exactly
/// `index × 8` requested bytes, no longer part of any object; its first 8
/// bytes hold the next block of the list. Blocks here are not counted as
/// live (`Heap.liveBlockBytes`), but jemalloc counts them as allocated until flushed.
struct FreeLists: ~Copyable {
    static let maximumSize = 256
    static let maximumCount = 1024
    static let classes = maximumSize / 8 + 1

    /// One size's list: its first block and how many it holds. Head and
    /// count sit side by side, so a push or a pop touches one line.
    struct List {
        var head: UnsafeMutableRawPointer?
        var count: Int
    }

    let lists = UnsafeMutablePointer<List>.allocate(capacity: FreeLists.classes)

    /// How many blocks a list takes before frees go to the arena:
    /// `maximumCount`, or `Int.max` while a full collection frees garbage.
    var pushLimit = FreeLists.maximumCount

    init() {
        lists.initialize(repeating: List(head: nil, count: 0), count: FreeLists.classes)
    }

    /// The list of blocks of `rounded` bytes (a multiple of 8, at most `maximumSize`).
    @inline(__always)
    private func list(_ rounded: Int) -> UnsafeMutablePointer<List> {
        #if DEBUG
        precondition(rounded > 0 && rounded <= FreeLists.maximumSize && rounded & 7 == 0,
                     "FreeLists: \(rounded) bytes is not a listed size")
        #endif
        return lists + (rounded &>> 3)
    }

    /// A kept block of `rounded` bytes (a multiple of 8, at most `maximumSize`), if any.
    @inline(__always)
    func pop(_ rounded: Int) -> UnsafeMutableRawPointer? {
        let list = self.list(rounded)
        guard let block = list.pointee.head else { return nil }
        list.pointee.head = block.load(as: UnsafeMutableRawPointer?.self)
        list.pointee.count &-= 1
        return block
    }

    /// Keeps `block` of `rounded` bytes; false when the list is full.
    @inline(__always)
    func push(_ block: UnsafeMutableRawPointer, _ rounded: Int) -> Bool {
        let list = self.list(rounded)
        guard list.pointee.count < pushLimit else { return false }
        block.storeBytes(of: list.pointee.head, as: UnsafeMutableRawPointer?.self)
        list.pointee.head = block
        list.pointee.count &+= 1
        return true
    }

    /// Takes every kept block out, calling `body` with it and its size.
    func drain(_ body: (UnsafeMutableRawPointer, Int) -> Void) { trim(to: 0, body) }

    /// Takes out the blocks each list keeps beyond `count`, calling `body`
    /// with each block and its size; returns how many it took.
    @discardableResult
    func trim(to count: Int, _ body: (UnsafeMutableRawPointer, Int) -> Void) -> Int {
        var taken = 0
        for index in 1..<FreeLists.classes where lists[index].count > count {
            while lists[index].count > count, let block = pop(index << 3) {
                body(block, index << 3)
                taken += 1
            }
        }
        return taken
    }

    /// Bytes of the blocks kept, each counted as `blockBytes` of its
    /// listed size says (the heap passes its size-class rounding).
    func keptBytes(_ blockBytes: (Int) -> Int) -> Int {
        (1..<FreeLists.classes).reduce(0) { $0 + lists[$1].count * blockBytes($1 << 3) }
    }

    /// Forgets every kept block (their arena is gone).
    func forget() {
        lists.update(repeating: List(head: nil, count: 0), count: FreeLists.classes)
    }

    deinit { lists.deallocate() }
}
