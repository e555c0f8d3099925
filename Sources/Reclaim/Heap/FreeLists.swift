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

    /// One size's list: its first block and how many it holds. Head and
    /// count sit side by side, so a push or a pop touches one line.
    struct List {
        var head: UnsafeMutableRawPointer?
        var count: Int
    }

    let lists = UnsafeMutablePointer<List>.allocate(capacity: FreeLists.classes)

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
        guard list.pointee.count < FreeLists.maximumCount else { return false }
        block.storeBytes(of: list.pointee.head, as: UnsafeMutableRawPointer?.self)
        list.pointee.head = block
        list.pointee.count &+= 1
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
        lists.update(repeating: List(head: nil, count: 0), count: FreeLists.classes)
    }

    deinit { lists.deallocate() }
}
