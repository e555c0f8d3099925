import Foundation
import Reclaim
import ReclaimJSON
import Testing

/// Snapshots, growth, traced memory and backreference chains: the library
/// half of leak hunting (tracemalloc, objgraph, pympler).
@Suite("leak hunting")
struct LeakHuntingTests {
    @Test("a snapshot counts live objects and bytes per type, and its arena holds exactly those bytes")
    func snapshotFigures() throws {
        let heap = try Heap()
        let list = try heap.list()
        for index in 0..<300 { try list.append(try heap.str("item \(index)")) }
        let snapshot = try heap.introspection.snapshot(label: "filled")
        #expect(snapshot.schema == HeapSnapshot.schemaName)
        #expect(snapshot.label == "filled")
        #expect(snapshot.statistics(of: "str")?.count == 300 + 1)  // the immortal '' too
        #expect(snapshot.statistics(of: "list")?.count == 1)
        #expect(snapshot.liveObjects == heap.liveObjectCount)
        #expect(snapshot.liveBytes == heap.liveBlockBytes)
        #expect(snapshot.types.reduce(0) { $0 + $1.bytes } == snapshot.liveBytes)
        #expect(snapshot.arena.allocated == snapshot.liveBytes)
        #expect(snapshot.arena.active >= snapshot.arena.allocated)
        #expect(snapshot.collector.trackedObjects.reduce(0, +) == heap.collector.objects().count + heap.collector.frozenCount)
        #expect(snapshot.types.map(\.bytes) == snapshot.types.map(\.bytes).sorted(by: >))
    }

    @Test("a snapshot survives a JSON round trip, and a foreign schema is refused")
    func snapshotJSON() throws {
        let heap = try Heap()
        let snapshot = try heap.introspection.snapshot(label: "empty")
        #expect(try HeapSnapshot.decode(from: try snapshot.encoded()) == snapshot)
        var foreign = snapshot
        foreign.schema = "reclaim.memstat/1"
        #expect(throws: DecodingError.self) { try HeapSnapshot.decode(from: try foreign.encoded()) }
    }

    @Test("a snapshot written before generations had candidates and duration reads them as 0")
    func snapshotWithoutNewStatistics() throws {
        let heap = try Heap()
        let kept = try heap.list()
        heap.collector.collect()
        let snapshot = try heap.introspection.snapshot(label: "old")
        _ = consume kept
        #expect(snapshot.collector.generations[2].candidates > 0)
        // The same JSON with the two figures taken out, as an older build wrote it.
        var json = try #require(try JSONSerialization.jsonObject(with: snapshot.encoded()) as? [String: Any])
        var collector = try #require(json["collector"] as? [String: Any])
        let generations = try #require(collector["generations"] as? [[String: Any]])
        collector["generations"] = generations.map { $0.filter { $0.key != "candidates" && $0.key != "duration" } }
        json["collector"] = collector
        let old = try HeapSnapshot.decode(from: JSONSerialization.data(withJSONObject: json))
        #expect(old.collector.generations.map(\.candidates) == [0, 0, 0])
        #expect(old.collector.generations.map(\.collections) == snapshot.collector.generations.map(\.collections))
    }

    @Test("comparing snapshots gives per-type deltas, largest change in bytes first")
    func comparison() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        let node = ObjectType.makeClass("LeakNode", attributes: ["next"])
        let before = try heap.introspection.snapshot(label: "before")
        let keep = try heap.list()
        for _ in 0..<100 { try keep.append(try heap.instance(of: node)) }
        for index in 0..<10 { try keep.append(try heap.float(Double(index) + 0.5)) }
        let after = try heap.introspection.snapshot(label: "after")
        let comparison = after.compared(to: before)
        #expect(comparison.olderLabel == "before" && comparison.newerLabel == "after")
        let names = comparison.types.map(\.typeName)
        #expect(names.first == "LeakNode")
        #expect(Set(names) == ["LeakNode", "float", "list"])
        let nodes = try #require(comparison.types.first)
        #expect(nodes.countDelta == 100 && nodes.count == 100)
        #expect(nodes.bytesDelta == after.statistics(of: "LeakNode")!.bytes)
        #expect(comparison.liveObjects.delta == 111)
        #expect(comparison.liveBytes.delta == after.liveBytes - before.liveBytes)
        #expect(comparison.arenaAllocated.delta == comparison.liveBytes.delta)
        #expect(comparison.types.map { abs($0.bytesDelta) } == comparison.types.map { abs($0.bytesDelta) }.sorted(by: >))
        // Going back the other way the deltas change sign.
        let reverse = before.compared(to: after)
        #expect(reverse.types.first { $0.typeName == "LeakNode" }?.countDelta == -100)
    }

    @Test("growth reports the types that grew since the previous call, then nothing until more grow")
    func growth() throws {
        let heap = try Heap()
        let node = ObjectType.makeClass("GrowingNode", attributes: [])
        _ = heap.introspection.growth()  // the baseline
        let keep = try heap.list()
        for _ in 0..<25 { try keep.append(try heap.instance(of: node)) }
        let grown = heap.introspection.growth()
        #expect(grown.first == TypeGrowth(typeName: "GrowingNode", count: 25, increase: 25))
        #expect(grown.contains(TypeGrowth(typeName: "list", count: 1, increase: 1)))
        #expect(heap.introspection.growth().isEmpty)
        for _ in 0..<5 { try keep.append(try heap.instance(of: node)) }
        #expect(heap.introspection.growth(limit: 1) == [TypeGrowth(typeName: "GrowingNode", count: 30, increase: 5)])
        _ = try keep.pop()
        #expect(heap.introspection.growth().isEmpty)  // shrinking is not growth
    }

    @Test("traced memory follows allocations and frees; the peak holds until reset")
    func tracedMemory() throws {
        let heap = try Heap()
        let start = heap.tracedMemory
        #expect(start.current == heap.liveBlockBytes && start.peak >= start.current)
        heap.resetPeakTracedMemory()
        do {
            let list = try heap.list()
            for index in 0..<1000 { try list.append(try heap.int(1000 + index)) }
            #expect(heap.tracedMemory.current == heap.liveBlockBytes)
        }
        let afterFree = heap.tracedMemory
        #expect(afterFree.current == start.current)
        #expect(afterFree.peak >= start.current + 1000 * 16)
        heap.resetPeakTracedMemory()
        #expect(heap.tracedMemory == TracedMemory(current: start.current, peak: start.current))
    }

    @Test("most common types are ordered by count")
    func mostCommonTypes() throws {
        let heap = try Heap()
        let keep = try heap.list()
        for index in 0..<400 { try keep.append(try heap.float(Double(index))) }
        let common = heap.introspection.mostCommonTypes(limit: 2)
        #expect(common.count == 2)
        #expect(common[0].typeName == "float" && common[0].count == 400)
        #expect(common[0].count >= common[1].count)
    }

    @Test("the backreference chain leads from what Swift holds to the object, shortest first")
    func backreferenceChain() throws {
        let heap = try Heap()
        let holder = ObjectType.makeClass("Holder", attributes: ["cache"])
        let root = try heap.instance(of: holder)
        let cache = try heap.dict()
        try root.setAttribute("cache", to: cache)
        let bucket = try heap.list()
        try cache.setValue(bucket, forKey: heap.str("bucket"))
        let leaked = try heap.str("the leaked object")
        try bucket.append(leaked)
        // A longer way round, through a second list in the same dict.
        let detour = try heap.list()
        try detour.append(bucket)
        try cache.setValue(detour, forKey: heap.str("detour"))
        let rootRaw = root.raw, cacheRaw = cache.raw, bucketRaw = bucket.raw
        _ = consume cache
        _ = consume bucket
        _ = consume detour

        let found = heap.introspection.backreferenceChain(to: leaked)
        let chain = try #require(found)
        #expect(chain == [rootRaw, cacheRaw, bucketRaw, leaked.raw])
        #expect(chain.map(\.type.name) == ["Holder", "dict", "list", "str"])
        // With a custom root predicate, and a depth that cannot reach it.
        #expect(heap.introspection.backreferenceChain(to: leaked.raw, isRoot: { $0.type.name == "dict" }) == [cacheRaw, bucketRaw, leaked.raw])
        #expect(heap.introspection.backreferenceChain(to: leaked.raw, maxDepth: 2, isRoot: { $0 == rootRaw }) == nil)
        // An object nothing in the heap refers to has no chain.
        let alone = try heap.str("alone")
        #expect(heap.introspection.backreferenceChain(to: alone.raw) == nil)
    }
}
