import Reclaim
import Testing

/// Owned references in numbers (`RefArray`), and borrowing that returns a `Ref`.
@Suite("owned reference arrays and borrowing")
struct RefArrayTests {
    @Test("the array holds one reference to each element and releases it on removal and at its end")
    func ownership() throws {
        let heap = try Heap()
        var array = RefArray()
        for index in 0..<10 { array.append(try heap.str("element \(index)")) }
        #expect(array.count == 10 && heap.liveObjectCount(of: .str) == 11)
        #expect(array.raw(at: 3).referenceCount == 1)
        let third = array.element(at: 3)
        #expect(third.raw.referenceCount == 2)
        #expect(try array.withElement(at: 3) { try $0.stringValue() } == "element 3")
        _ = consume third
        let removed = array.remove(at: 0)
        #expect(try removed.stringValue() == "element 0")
        _ = consume removed
        #expect(heap.liveObjectCount(of: .str) == 10)
        let last = array.popLast()
        #expect(try last?.stringValue() == "element 9")
        _ = consume last
        #expect(array.count == 8)
        do {
            let moved = consume array
            #expect(moved.count == 8)
        }
        #expect(heap.liveObjectCount(of: .str) == 1, "only the immortal ''")
    }

    @Test("what the array holds keeps a cycle alive through collections; removeAll lets it go")
    func rootsForTheCollector() throws {
        let heap = try Heap()
        let node = ObjectType.makeClass("Node", attributes: ["next"])
        var array = RefArray()
        do {
            let first = try heap.instance(of: node), second = try heap.instance(of: node)
            try first.setAttribute("next", to: second)
            try second.setAttribute("next", to: first)
            array.append(first)
        }
        #expect(heap.collector.collect() == 0)
        #expect(heap.liveObjectCount(of: node) == 2)
        array.removeAll()
        let empty = array.isEmpty
        #expect(empty)
        #expect(heap.collector.collect() == 2)
    }

    @Test("an array outliving its heap lets its elements go without touching them")
    func outlivesHeap() throws {
        var array = RefArray()
        do {
            let heap = try Heap()
            array.append(try heap.list())
            heap.destroy()
        }
        #expect(array.count == 1)
        array.removeAll()
        let empty = array.isEmpty
        #expect(empty)
    }

    @Test("withBorrowed can return an owned Ref")
    func borrowedReturnsRef() throws {
        let heap = try Heap()
        let list = try heap.list()
        try list.append(heap.str("first"))
        let raw = list.raw
        let item = try heap.withBorrowed(raw) { try $0.item(at: 0) }
        #expect(try item.stringValue() == "first")
        #expect(item.raw.referenceCount == 2)
    }
}
