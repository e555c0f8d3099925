import Reclaim
import Testing

@Suite("built-in types")
struct BuiltinTypesTests {
    @Test("scalars and strings keep their values")
    func scalars() throws {
        let heap = try Heap()
        #expect(try heap.int(-42).intValue() == -42)
        #expect(try heap.int(Int.max).intValue() == Int.max)
        #expect(try heap.float(0.1).floatValue() == 0.1)
        #expect(try heap.str("héllo ✓").stringValue() == "héllo ✓")
        #expect(try heap.str("héllo").length() == 6)
        #expect(try heap.bytes([0, 1, 255]).bytesValue() == [0, 1, 255])
        let none = heap.none.isNone
        #expect(none)
        #expect(throws: ObjectError.typeError("expected int, got str")) { try heap.str("x").intValue() }
    }

    @Test("lists append, index from both ends, assign, pop and iterate")
    func lists() throws {
        let heap = try Heap()
        let list = try heap.list()
        for value in 0..<50 { try list.append(heap.int(value * 10)) }
        #expect(try list.length() == 50)
        #expect(try list.item(at: 0).intValue() == 0)
        #expect(try list.item(at: -1).intValue() == 490)
        try list.setItem(at: 3, to: heap.str("three"))
        #expect(try list.item(at: 3).stringValue() == "three")
        #expect(throws: ObjectError.indexError("list index 50 out of range for length 50")) { _ = try list.item(at: 50) }
        #expect(try list.pop().intValue() == 490)
        var sum = 0
        try list.forEach { item in if let value = try? item.intValue() { sum += value } }
        #expect(sum == (0..<49).map { $0 * 10 }.reduce(0, +) - 30)
    }

    @Test("tuples hold their items and hash by value")
    func tuples() throws {
        let heap = try Heap()
        let a = try heap.tuple(count: 3) { index in try heap.int(index + 1000) }
        let b = try heap.tuple(count: 3) { index in try heap.int(index + 1000) }
        #expect(try a.length() == 3 && a.item(at: 2).intValue() == 1002)
        let dict = try heap.dict()
        try dict.setValue(heap.str("first"), forKey: a)
        #expect(try dict.value(forKey: b)?.stringValue() == "first", "equal tuples are the same key")
        let unhashable = try heap.tuple(count: 1) { _ in try heap.list() }
        #expect(throws: ObjectError.typeError("unhashable type: 'list'")) {
            try dict.setValue(heap.none, forKey: unhashable)
        }
    }

    @Test("dicts keep insertion order through updates, removals and growth")
    func dicts() throws {
        let heap = try Heap()
        let dict = try heap.dict()
        for index in 0..<1000 { try dict.setValue(heap.int(index), forKey: heap.str("key\(index)")) }
        #expect(try dict.length() == 1000)
        for index in stride(from: 0, to: 1000, by: 2) {
            #expect(try dict.removeValue(forKey: heap.str("key\(index)"))?.intValue() == index)
        }
        try dict.setValue(heap.str("updated"), forKey: heap.str("key1"))
        #expect(try dict.length() == 500)
        #expect(try dict.value(forKey: heap.str("key0")) == nil)
        #expect(try dict.value(forKey: heap.str("key1"))?.stringValue() == "updated")
        var keys: [String] = []
        try dict.forEachEntry { key, _ in keys.append(try key.stringValue()) }
        #expect(keys == stride(from: 1, to: 1000, by: 2).map { "key\($0)" })
        #expect(try dict.contains(heap.str("key999")))
    }

    @Test("1, 1.0 and True are one dict key; int, float, str, bytes and tuple keys work")
    func numericKeys() throws {
        let heap = try Heap()
        let dict = try heap.dict()
        try dict.setValue(heap.str("int"), forKey: heap.int(1))
        try dict.setValue(heap.str("float"), forKey: heap.float(1.0))
        try dict.setValue(heap.str("bool"), forKey: heap.bool(true))
        #expect(try dict.length() == 1)
        #expect(try dict.value(forKey: heap.int(1))?.stringValue() == "bool")
        try dict.setValue(heap.none, forKey: heap.float(2.5))
        try dict.setValue(heap.none, forKey: heap.bytes([1, 2]))
        try dict.setValue(heap.none, forKey: heap.str("1"))
        try dict.setValue(heap.none, forKey: heap.none)
        #expect(try dict.length() == 5)
        #expect(try dict.contains(heap.bytes([1, 2])) && !dict.contains(heap.bytes([2, 1])))
        #expect(throws: ObjectError.typeError("unhashable type: 'dict'")) { try dict.setValue(heap.none, forKey: heap.dict()) }
    }

    @Test("sets insert, find and discard members")
    func sets() throws {
        let heap = try Heap()
        let set = try heap.set()
        for index in 0..<300 { try set.insert(heap.int(index % 100)) }
        #expect(try set.length() == 100)
        #expect(try set.contains(heap.float(42.0)))
        #expect(try set.remove(heap.int(42)))
        #expect(try !set.remove(heap.int(42)))
        #expect(try set.length() == 99)
        var seen = 0
        try set.forEach { _ in seen += 1 }
        #expect(seen == 99)
    }

    @Test("instances hold named attributes and report unknown ones")
    func instances() throws {
        let heap = try Heap()
        let point = ObjectType.makeClass("Point", attributes: ["x", "y"])
        let p = try heap.instance(of: point)
        try p.setAttribute("x", to: heap.int(3))
        #expect(try p.attribute("x").intValue() == 3)
        #expect(throws: ObjectError.attributeError("'Point' object has no attribute 'y'")) { _ = try p.attribute("y") }
        #expect(throws: ObjectError.attributeError("'Point' object has no attribute 'z'")) { try p.setAttribute("z", to: heap.none) }
        try p.deleteAttribute("x")
        #expect(throws: ObjectError.attributeError("'Point' object has no attribute 'x'")) { _ = try p.attribute("x") }
    }

    /// A cons cell: car at offset 0 and cdr at 8, both references.
    static func consCell() -> ObjectType {
        ObjectType(
            name: "Cell", basicSize: 16,
            traverse: { object, visit in
                for offset in [0, 8] { if let item = object.payload.reference(at: offset) { visit(item) } }
            },
            clear: { object, _ in
                for offset in [0, 8] { _ = object.payload.takeReference(at: offset) }
            },
            dropReferences: { object, _ in
                for offset in [0, 8] { _ = object.payload.takeReference(at: offset) }
            })
    }

    @Test("a user-defined type through the same descriptor API: a cons cell, with no address arithmetic")
    func customType() throws {
        let heap = try Heap()
        let cell = Self.consCell()
        func cons(_ car: consuming Ref, _ cdr: consuming Ref) throws -> Ref {
            let object = try heap.allocateObject(of: cell)
            object.payload.initializeReference(at: 0, to: car)
            object.payload.initializeReference(at: 8, to: cdr)
            return Ref(adopting: object, heap: heap)
        }
        var list = heap.none
        for value in 0..<100 { list = try cons(heap.int(value + 1000), list) }
        #expect(heap.liveObjectCount(of: cell) == 100)
        let head = try #require(list.raw.payload.reference(at: 0))
        #expect(try heap.withBorrowed(head) { try $0.intValue() } == 1099)
        #expect(list.raw.payload.byteCount == 16 && list.raw.payload.itemCount == 0)
        let tracked = heap.collector.isTracked(list)
        #expect(tracked)
        #expect(heap.collector.referents(of: list.raw).count == 2)
        _ = consume list
        #expect(heap.liveObjectCount(of: cell) == 0)
        #expect(heap.liveObjectCount(of: .int) == Heap.immortalSmallIntCount)
    }

    @Test("a cycle through a custom type's reference fields is collected; exchanging a field releases the old value")
    func customTypeCycle() throws {
        let heap = try Heap()
        let cell = Self.consCell()
        let first = try heap.allocateObject(of: cell), second = try heap.allocateObject(of: cell)
        first.payload.initializeReference(at: 0, to: Ref(retaining: second, heap: heap))
        second.payload.initializeReference(at: 0, to: Ref(retaining: first, heap: heap))
        let wasEmpty = first.payload.exchangeReference(at: 8, with: try heap.str("kept")) == nil
        #expect(wasEmpty)
        guard let previous = first.payload.exchangeReference(at: 8, with: nil) else {
            Issue.record("the field lost its value")
            return
        }
        #expect(try previous.stringValue() == "kept")
        _ = consume previous
        #expect(heap.liveObjectCount(of: .str) == 1)   // the immortal ''
        first.release()
        second.release()
        #expect(heap.liveObjectCount(of: cell) == 2)
        #expect(heap.collector.collect() == 2)
        #expect(heap.liveObjectCount(of: cell) == 0)
    }

    @Test("a custom type hashes and compares by identity, as Python's object, unless made unhashable")
    func customTypeIdentity() throws {
        let heap = try Heap()
        let plain = ObjectType(name: "Plain", basicSize: 0)
        let first = Ref(adopting: try heap.allocateObject(of: plain), heap: heap)
        let second = Ref(adopting: try heap.allocateObject(of: plain), heap: heap)
        let dict = try heap.dict()
        try dict.setValue(heap.int(1), forKey: first)
        try dict.setValue(heap.int(2), forKey: second)
        #expect(try dict.length() == 2)
        #expect(try dict.value(forKey: first)?.intValue() == 1)
        #expect(try dict.value(forKey: second)?.intValue() == 2)
        let unhashable = ObjectType(name: "Unhashable", basicSize: 0, hash: nil)
        let object = Ref(adopting: try heap.allocateObject(of: unhashable), heap: heap)
        #expect(throws: ObjectError.typeError("unhashable type: 'Unhashable'")) {
            try dict.setValue(heap.none, forKey: object)
        }
    }

    @Test("a variable-size custom type: its count, items and plain values through the payload")
    func variableSizeCustomType() throws {
        let heap = try Heap()
        // A sample: count word, then a Double; items of 16 bytes, a reference and a weight.
        let sample = ObjectType(
            name: "Sample", basicSize: 16, itemSize: 16,
            traverse: { object, visit in
                let payload = object.payload
                for index in 0..<payload.itemCount {
                    if let item = payload.reference(at: payload.offset(ofItem: index)) { visit(item) }
                }
            },
            dropReferences: { object, _ in
                let payload = object.payload
                for index in 0..<payload.itemCount { _ = payload.takeReference(at: payload.offset(ofItem: index)) }
            })
        let object = try heap.allocateObject(of: sample, itemCount: 3)
        let payload = object.payload
        #expect(payload.itemCount == 3 && payload.byteCount == 16 + 3 * 16)
        #expect(payload.load(Double.self, at: 8) == 0)   // allocation zeroes the payload
        payload.store(2.5, at: 8)
        for index in 0..<3 {
            payload.initializeReference(at: payload.offset(ofItem: index), to: try heap.str("item \(index)"))
            payload.store(Int32(index * 10), at: payload.offset(ofItem: index) + 8)
        }
        #expect(payload.load(Double.self, at: 8) == 2.5)
        #expect(payload.load(Int32.self, at: payload.offset(ofItem: 2) + 8) == 20)
        #expect(heap.collector.referents(of: object).count == 3)
        #expect(heap.liveObjectCount(of: .str) == 4)
        object.release()
        #expect(heap.liveObjectCount(of: .str) == 1)
        #expect(heap.liveObjectCount(of: sample) == 0)
    }
}
