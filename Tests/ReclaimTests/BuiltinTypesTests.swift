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

    @Test("a user-defined type through the same descriptor API: a cons cell")
    func customType() throws {
        let heap = try Heap()
        // Payload: car and cdr references.
        let cell = ObjectType(
            name: "Cell", basicSize: 16,
            traverse: { object, visit in
                visit(RawRef(pointer: object.pointer.load(fromByteOffset: 16, as: UnsafeMutableRawPointer.self)))
                visit(RawRef(pointer: object.pointer.load(fromByteOffset: 24, as: UnsafeMutableRawPointer.self)))
            },
            dropReferences: { object, _ in
                RawRef(pointer: object.pointer.load(fromByteOffset: 16, as: UnsafeMutableRawPointer.self)).release()
                RawRef(pointer: object.pointer.load(fromByteOffset: 24, as: UnsafeMutableRawPointer.self)).release()
            })
        func cons(_ car: consuming Ref, _ cdr: consuming Ref) throws -> Ref {
            let object = try heap.allocateObject(of: cell)
            object.pointer.storeBytes(of: car.takeRaw().pointer, toByteOffset: 16, as: UnsafeMutableRawPointer.self)
            object.pointer.storeBytes(of: cdr.takeRaw().pointer, toByteOffset: 24, as: UnsafeMutableRawPointer.self)
            return Ref(adopting: object, heap: heap)
        }
        var list = heap.none
        for value in 0..<100 { list = try cons(heap.int(value + 1000), list) }
        #expect(heap.liveObjectCount(of: cell) == 100)
        let tracked = heap.collector.isTracked(list)
        #expect(tracked)
        #expect(heap.collector.referents(of: list.raw).count == 2)
        _ = consume list
        #expect(heap.liveObjectCount(of: cell) == 0)
        #expect(heap.liveObjectCount(of: .int) == Heap.immortalSmallIntCount)
    }
}
