// Unsafe code here: out-of-line storage blocks that are page mappings of
// their own.
// Invariants: `blocks` holds exactly the live mappings, each by its start
// address with its length in bytes (a whole number of pages); `totalBytes`
// is the sum of those lengths; a mapping is unmapped only through `unmap`
// or `unmapAll`, which forget it in the same step; a block of another
// origin (the heap's arena) is never passed in.

import CReclaimIntrinsics

#if canImport(Glibc)
import Glibc
#endif

/// Out-of-line storage of a megabyte or more — a big list's item block —
/// kept in page mappings of its own rather than in the heap's arena, so
/// that growing it moves pages (`mremap`) instead of copying them, as
/// glibc's `realloc` does for CPython's lists.
///
/// Copying a 10-million-item list's 80 MB block when it grows would hold
/// the old block and the new one at once, and leave the old one's pages
/// resident in the arena until jemalloc's decay returns them: about 100 MiB
/// more peak resident memory for such a list (BENCHMARKS.md, section 3).
///
/// The heap counts these blocks as it counts its arena's: in the type's
/// bytes and in the traced bytes, at their mapped (page-rounded) size.
/// The arena's statistics do not see them; ``Heap/mappedStorageBytes``
/// reports them, so `arena allocated + mapped storage = live bytes`.
struct MappedStorage: ~Copyable {
    /// The size from which storage is mapped.
    static let threshold = 1 << 20

    /// Live mappings: start address → length in bytes.
    private var blocks: [UnsafeMutableRawPointer: Int] = [:]
    /// The sum of the live mappings' lengths.
    private(set) var totalBytes = 0

    init() {}

    /// Whether storage of `byteCount` bytes is mapped rather than allocated in the arena.
    @inline(__always)
    static func isMapped(_ byteCount: Int) -> Bool { byteCount >= threshold }

    /// The system's page size.
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// `byteCount` rounded up to whole pages: what a mapping of it takes.
    static func mappedSize(_ byteCount: Int) -> Int {
        (byteCount + pageSize - 1) / pageSize * pageSize
    }

    /// A new mapping of at least `byteCount` bytes (zero-filled) and its
    /// length, or nil when the system refuses it.
    mutating func map(_ byteCount: Int) -> (block: UnsafeMutableRawPointer, length: Int)? {
        let size = MappedStorage.mappedSize(byteCount)
        guard let block = reclaim_map_pages(size) else { return nil }
        blocks[block] = size
        totalBytes += size
        return (block, size)
    }

    /// The mapping `block` grown or shrunk to at least `byteCount` bytes,
    /// its contents kept up to the smaller length; it may move. Returns it
    /// with the change in length; nil, with `block` unchanged, when the
    /// system refuses.
    mutating func remap(_ block: UnsafeMutableRawPointer, to byteCount: Int) -> (block: UnsafeMutableRawPointer, growth: Int)? {
        let old = length(of: block)
        let size = MappedStorage.mappedSize(byteCount)
        guard let moved = reclaim_remap_pages(block, old, size) else { return nil }
        blocks[block] = nil
        blocks[moved] = size
        totalBytes += size - old
        return (moved, size - old)
    }

    /// Unmaps `block`; returns the length it had.
    mutating func unmap(_ block: UnsafeMutableRawPointer) -> Int {
        let size = length(of: block)
        blocks[block] = nil
        totalBytes -= size
        reclaim_unmap_pages(block, size)
        return size
    }

    /// Unmaps every block (when the heap is destroyed).
    mutating func unmapAll() {
        for (block, size) in blocks { reclaim_unmap_pages(block, size) }
        blocks.removeAll()
        totalBytes = 0
    }

    /// The length of the mapping at `block`, or nil when `block` is not
    /// one of these (an arena block).
    func lengthIfMapped(_ block: UnsafeMutableRawPointer) -> Int? { blocks[block] }

    /// The length of the mapping at `block`, which must be one of these
    /// (a stale or foreign block stops the process rather than unmapping
    /// memory that is not the heap's).
    func length(of block: UnsafeMutableRawPointer) -> Int {
        guard let size = blocks[block] else {
            preconditionFailure("MappedStorage: \(block) is not a mapped storage block of this heap")
        }
        return size
    }
}
