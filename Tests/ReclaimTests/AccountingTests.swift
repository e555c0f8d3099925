import Foundation
import Jemalloc
import Reclaim
import Synchronization
import Testing

/// Builds a mixed workload of every built-in type, keeping a reference to
/// every object it creates (immortals aside) in `held`.
func mixedWorkload(_ heap: Heap, seed: Int, into held: inout [RawRef]) throws {
    let person = ObjectType.makeClass("Person\(seed)", attributes: ["name", "friends", "scores"])
    func keep(_ ref: consuming Ref) -> RawRef {
        let raw = ref.takeRaw()
        if !raw.isImmortal { held.append(raw) }
        return raw
    }
    for round in 0..<200 {
        let list = keep(try heap.list())
        let dict = keep(try heap.dict())
        let set = keep(try heap.set())
        for item in 0..<(round % 40) {
            let value = keep(try heap.int(round * 1000 + item))
            let text = keep(try heap.str(String(repeating: "x", count: item * 7 + round % 13)))
            let real = keep(try heap.float(Double(item) / 3))
            let blob = keep(try heap.bytes((0..<UInt8(item % 200)).map { $0 }))
            let pair = keep(try heap.tuple([value, text]))
            try heap.withBorrowed(list) { list in try heap.withBorrowed(pair) { try list.append($0) } }
            try heap.withBorrowed(dict) { dict in
                try heap.withBorrowed(text) { key in try heap.withBorrowed(real) { try dict.setValue($0, forKey: key) } }
            }
            try heap.withBorrowed(set) { set in try heap.withBorrowed(blob) { try set.insert($0) } }
        }
        let someone = keep(try heap.instance(of: person))
        try heap.withBorrowed(someone) { someone in
            try someone.setAttribute("name", to: heap.str("person \(round)"))
            try heap.withBorrowed(list) { try someone.setAttribute("friends", to: $0) }
            try heap.withBorrowed(dict) { try someone.setAttribute("scores", to: $0) }
        }
        // The "person N" string belongs to `someone` only: count it through it.
    }
}

@Suite("per-heap accounting and introspection")
struct AccountingTests {
    @Test("after a tcache flush the arena's allocated bytes equal the real sizes of the heap's live blocks, exactly")
    func exactArenaAccounting() throws {
        let heap = try Heap()
        var held: [RawRef] = []
        try mixedWorkload(heap, seed: 0, into: &held)
        // Free a third, so slabs hold holes and storage blocks were resized.
        for (index, raw) in held.enumerated() where index % 3 == 0 { raw.release() }
        held = held.enumerated().filter { $0.offset % 3 != 0 }.map(\.element)

        try heap.flushCache()
        let arena = try heap.arena.stats()
        #expect(arena.small.allocated + arena.large.allocated == heap.liveBlockBytes)
        let perType = heap.introspection.typeStatistics().reduce(0) { $0 + $1.bytes }
        #expect(perType == heap.liveBlockBytes)

        // Sum sallocx over every live object's blocks: those held, those
        // only reachable from them, and the immortals.
        var seen = Set<RawRef>()
        var pending = held + [heap.none.raw, heap.bool(true).raw, heap.bool(false).raw, (try heap.str("")).raw, heap.tuple().raw]
        for value in -5...256 { pending.append(try heap.int(value).raw) }
        var real = 0
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            real += heap.introspection.sizeOf(next).real
            pending += heap.collector.referents(of: next)
        }
        #expect(seen.count == heap.liveObjectCount)
        #expect(real == arena.small.allocated + arena.large.allocated)
        for raw in held { raw.release() }
    }

    @Test("getsizeof: logical sizes follow the header layout; real sizes are jemalloc's")
    func sizeOf() throws {
        let heap = try Heap()
        #expect(heap.introspection.sizeOf(heap.none).logical == 16)
        #expect(try heap.introspection.sizeOf(heap.int(1000)).logical == 24)
        #expect(try heap.introspection.sizeOf(heap.str("abc")).logical == 16 + 16 + 3)
        let list = try heap.list()
        #expect(heap.introspection.sizeOf(list).logical == 8 + 16 + 24)
        for value in 0..<1000 { try list.append(heap.int(value)) }
        let size = heap.introspection.sizeOf(list)
        let capacity = (size.logical - 48) / 8
        #expect(capacity >= 1000 && capacity < 1200)
        #expect(size.real >= size.logical)
        #expect(size.real == Allocator.sizeClass(forByteCount: 48)! + Allocator.sizeClass(forByteCount: capacity * 8)!)
        let point = ObjectType.makeClass("Point", attributes: ["x", "y"])
        #expect(try heap.introspection.sizeOf(heap.instance(of: point)).logical == 8 + 16 + 16)
    }

    @Test("deep size counts each reachable object once")
    func deepSize() throws {
        let heap = try Heap()
        let shared = try heap.str(String(repeating: "s", count: 100))
        let list = try heap.list()
        for _ in 0..<10 { try list.append(shared) }
        let deep = heap.introspection.deepSizeOf(list)
        #expect(deep == heap.introspection.sizeOf(list) + heap.introspection.sizeOf(shared))
    }

    @Test("refcount and per-type statistics")
    func statistics() throws {
        let heap = try Heap()
        let thing = ObjectType.makeClass("Thing", attributes: [])
        let things = try heap.list()
        for _ in 0..<25 { try things.append(heap.instance(of: thing)) }
        let first = try things.item(at: 0)
        #expect(first.referenceCount == 2)
        let stats = try #require(heap.introspection.typeStatistics().first { $0.typeName == "Thing" })
        #expect(stats.count == 25)
        #expect(stats.bytes == 25 * Allocator.sizeClass(forByteCount: 24)!)
    }

    @Test("allocation failure throws and leaves the heap consistent")
    func allocationFailure() throws {
        let heap = try Heap()
        let bytes = heap.liveBlockBytes, objects = heap.liveObjectCount
        #expect(throws: ObjectAllocationError.self) { _ = try heap.bytes(repeatElement(0, count: 1 << 62)) }
        let list = try heap.list()
        #expect(throws: ObjectAllocationError.self) { _ = try heap.list(capacity: 1 << 60) }
        try list.append(heap.int(5))
        _ = consume list
        #expect(heap.liveBlockBytes == bytes)
        #expect(heap.liveObjectCount == objects)
    }

    @Test("four heaps on four threads in parallel each account exactly for themselves")
    func parallelHeaps() throws {
        let results = Mutex<[Int: (arena: Int, live: Int)]>([:])
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            do {
                let heap = try Heap()
                var held: [RawRef] = []
                try mixedWorkload(heap, seed: index + 1, into: &held)
                try heap.flushCache()
                let arena = try heap.arena.stats()
                results.withLock { $0[index] = (arena.small.allocated + arena.large.allocated, heap.liveBlockBytes) }
                for raw in held { raw.release() }
                heap.destroy()
            } catch {
                Issue.record(error)
            }
        }
        let all = results.withLock { $0 }
        #expect(all.count == 4)
        for (_, figures) in all { #expect(figures.arena == figures.live) }
    }

    @Test("destroying a heap frees objects still referenced and its arena; refs that outlive it do nothing")
    func destroyHeap() throws {
        let heap = try Heap()
        let arena = heap.arena
        let survivor = try heap.list()
        try survivor.append(heap.str("still referenced"))
        heap.destroy()
        #expect(heap.isDestroyed)
        #expect(try AllocatorInfo.isArenaInitialized(arena.index) == false)
        _ = consume survivor   // its heap is gone: releasing does nothing
    }
}
