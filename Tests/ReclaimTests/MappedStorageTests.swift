import Jemalloc
@testable import Reclaim
import Testing

/// A list's item block of a megabyte or more is a page mapping of the
/// heap's own, grown by `mremap` (see `MappedStorage`): the items survive
/// every move, and the heap's accounting still adds up exactly.
@Suite("mapped list storage")
struct MappedStorageTests {
    /// Items of a list whose block is mapped: 8-byte items from 1 MiB.
    static let mappedItems = MappedStorage.threshold / 8

    /// A list of the ints 0..<count, appended one by one (so it grows past
    /// the threshold by copying, then by remapping).
    static func filledList(_ heap: Heap, count: Int) throws -> Ref {
        let list = try heap.list()
        for value in 0..<count { try list.append(heap.int(value)) }
        return list
    }

    /// After a flush, the arena's allocated bytes and the mapped storage
    /// make up the heap's live bytes, which the per-type bytes sum to.
    static func expectExactAccounting(_ heap: Heap) throws {
        try heap.flushCache()
        let arena = try heap.arena.stats()
        #expect(arena.small.allocated + arena.large.allocated + heap.mappedStorageBytes == heap.liveBlockBytes)
        #expect(heap.introspection.typeStatistics().reduce(0) { $0 + $1.bytes } == heap.liveBlockBytes)
        #expect(heap.tracedMemory.current == heap.liveBlockBytes)
    }

    @Test("a list grown past a megabyte keeps its items in a mapping, counted exactly")
    func growsIntoMapping() throws {
        let heap = try Heap()
        let count = 3 * Self.mappedItems
        let list = try Self.filledList(heap, count: count)
        let capacity = list.raw[PayloadLayout.List.capacity]
        #expect(heap.mappedStorageBytes == MappedStorage.mappedSize(capacity * 8))
        #expect(heap.mappedStorageBytes >= count * 8)
        // Every item survived the copies and the moves.
        var sum = 0
        try list.forEach { sum += try $0.intValue() }
        #expect(sum == count * (count - 1) / 2)
        #expect(try list.item(at: count - 1).intValue() == count - 1)
        try Self.expectExactAccounting(heap)
        // sys.getsizeof's real figure: the list's own block and its mapping.
        let size = heap.introspection.sizeOf(list)
        #expect(size.real == Allocator.realSize(of: list.raw.blockStart, options: heap.options) + heap.mappedStorageBytes)
        #expect(size.logical == heap.objectBlockByteCount(list.raw, type: .list) + capacity * 8)
    }

    @Test("a small list stays in the arena")
    func smallListInArena() throws {
        let heap = try Heap()
        let list = try Self.filledList(heap, count: Self.mappedItems / 2)
        #expect(heap.mappedStorageBytes == 0)
        #expect(try list.length() == Self.mappedItems / 2)
        try Self.expectExactAccounting(heap)
    }

    @Test("dropping or clearing a mapped list unmaps its storage and uncounts it")
    func droppingUnmaps() throws {
        let heap = try Heap()
        let before = heap.liveBlockBytes
        do {
            let list = try Self.filledList(heap, count: 2 * Self.mappedItems)
            #expect(heap.mappedStorageBytes > 0)
            _ = consume list
        }
        #expect(heap.mappedStorageBytes == 0)
        // The ints above 256 went with the list; the immortal ones stay.
        #expect(heap.liveBlockBytes == before)
        try Self.expectExactAccounting(heap)

        let kept = try Self.filledList(heap, count: 2 * Self.mappedItems)
        heap.clearList(kept.raw)
        #expect(heap.mappedStorageBytes == 0)
        #expect(try kept.length() == 0)
        try kept.append(heap.int(7))
        #expect(try kept.item(at: 0).intValue() == 7)
        try Self.expectExactAccounting(heap)
    }

    @Test("a list made with a capacity of a megabyte or more starts mapped; a snapshot reports it")
    func capacityAndSnapshot() throws {
        let heap = try Heap()
        let list = try heap.list(capacity: Self.mappedItems + 1)
        #expect(heap.mappedStorageBytes == MappedStorage.mappedSize((Self.mappedItems + 1) * 8))
        let snapshot = try heap.introspection.snapshot()
        #expect(snapshot.mappedStorageBytes == heap.mappedStorageBytes)
        #expect(snapshot.arena.allocated + heap.mappedStorageBytes == snapshot.liveBytes)
        _ = consume list
    }

    @Test("destroying a heap with a mapped list unmaps it; the list's Ref then does nothing")
    func destroyUnmaps() throws {
        let heap = try Heap()
        let list = try Self.filledList(heap, count: 2 * Self.mappedItems)
        #expect(heap.mappedStorageBytes > 0)
        heap.destroy()
        #expect(heap.mappedStorageBytes == 0)
        _ = consume list
    }

    @Test("a dict's table of a megabyte or more stays in the arena, and getsizeof reads it there")
    func bigDictInArena() throws {
        let heap = try Heap()
        let dict = try heap.dict()
        for key in 0..<50_000 { try dict.setValue(heap.none, forKey: heap.int(key)) }
        let layout = dict.raw.dictLayout
        #expect(layout.storageByteCount >= MappedStorage.threshold)
        #expect(heap.mappedStorageBytes == 0)
        let size = heap.introspection.sizeOf(dict)
        #expect(size.real == Allocator.realSize(of: dict.raw.blockStart, options: heap.options)
                + Allocator.realSize(of: layout.storageBlock!, options: heap.options))
        try Self.expectExactAccounting(heap)
    }
}
