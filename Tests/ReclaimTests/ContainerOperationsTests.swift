import Foundation
import Reclaim
import Testing

/// List and dict operations a runtime needs beyond append and item access,
/// checked against what python3 prints for the same operations.
@Suite("list and dict operations, against python3")
struct ContainerOperationsTests {
    /// What python3 prints for `code`, line by line.
    static func python(_ code: String) throws -> [String] {
        let process = Process(), output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", code]
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python3 failed on: \(code)")
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// A list or tuple of ints as Python prints a list of them.
    static func show(_ sequence: borrowing Ref) throws -> String {
        var items: [String] = []
        try sequence.forEach { items.append(String(try $0.intValue())) }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// A dict of str keys and int values as Python prints `list(d.items())`.
    static func showItems(_ dict: borrowing Ref) throws -> String {
        var items: [String] = []
        try dict.forEachEntry { key, value in items.append("('\(try key.stringValue())', \(try value.intValue()))") }
        return "[" + items.joined(separator: ", ") + "]"
    }

    @Test("insert, pop at an index, slices, extend and clear print what python3 prints")
    func listOperations() throws {
        let expected = try Self.python("""
            l = [0, 1, 2, 3, 4]; l.insert(-2, 10); print(l)
            l.insert(100, 11); l.insert(-100, 12); print(l)
            print(l.pop(1), l.pop(), l.pop(-3), l)
            print(l[1:3], l[-2:], l[:-10], l[5:1], l[-100:100])
            l.extend(l); print(l)
            l.extend((7, 8)); print(l)
            c = l.copy(); l.clear(); print(l, c)
            """)
        let heap = try Heap()
        let list = try heap.list()
        for value in 0..<5 { try list.append(heap.int(value)) }
        var printed: [String] = []
        try list.insert(heap.int(10), at: -2)
        printed.append(try Self.show(list))
        try list.insert(heap.int(11), at: 100)
        try list.insert(heap.int(12), at: -100)
        printed.append(try Self.show(list))
        let first = try list.pop(at: 1).intValue(), second = try list.pop().intValue(), third = try list.pop(at: -3).intValue()
        printed.append("\(first) \(second) \(third) \(try Self.show(list))")
        let slices = [try Self.show(list.items(from: 1, to: 3)), try Self.show(list.items(from: -2)),
                      try Self.show(list.items(to: -10)), try Self.show(list.items(from: 5, to: 1)),
                      try Self.show(list.items(from: -100, to: 100))]
        printed.append(slices.joined(separator: " "))
        try list.extend(with: list)
        printed.append(try Self.show(list))
        try list.extend(with: heap.tuple([heap.int(7).takeRaw(), heap.int(8).takeRaw()]))
        printed.append(try Self.show(list))
        let copy = try list.shallowCopy()
        try list.removeAll()
        printed.append("\(try Self.show(list)) \(try Self.show(copy))")
        #expect(printed == expected)
    }

    @Test("pop from an empty list or past its end, and insert into a non-list, are typed errors")
    func listErrors() throws {
        let heap = try Heap()
        let list = try heap.list()
        #expect(throws: ObjectError.indexError("pop from empty list")) { _ = try list.pop() }
        try list.append(heap.int(1))
        #expect(throws: ObjectError.self) { _ = try list.pop(at: 5) }
        let tuple = try heap.tuple()
        #expect(throws: ObjectError.self) { try tuple.insert(heap.none, at: 0) }
        #expect(throws: ObjectError.self) { try tuple.removeAll() }
        #expect(try Self.show(tuple.items()) == "[]")
    }

    @Test("clear empties the list before a finalizer of an item runs")
    func clearBeforeFinalizers() throws {
        let heap = try Heap()
        let list = try heap.list()
        let observed = ObservedLengths()
        let watcher = ObjectType.makeClass("Watcher", attributes: []) { _ in
            observed.lengths.append(try heap.withBorrowed(observed.list!) { try $0.length() })
        }
        observed.list = list.raw
        for _ in 0..<3 { try list.append(heap.instance(of: watcher)) }
        try list.removeAll()
        #expect(observed.lengths == [0, 0, 0])
        #expect(heap.liveObjectCount(of: watcher) == 0)
    }

    final class ObservedLengths: @unchecked Sendable {
        var list: RawRef?
        var lengths: [Int] = []
    }

    @Test("update and copy of dicts print what python3 prints; keys keep their position")
    func dictOperations() throws {
        let expected = try Self.python("""
            d = {'a': 1, 'b': 2}; e = {'b': 20, 'c': 3}; d.update(e); print(list(d.items()))
            d.update(d); print(list(d.items()))
            c = d.copy(); c['z'] = 0; print(list(d.items()), list(c.items()))
            """)
        let heap = try Heap()
        let d = try heap.dict(), e = try heap.dict()
        try d.setValue(heap.int(1), forKey: heap.str("a"))
        try d.setValue(heap.int(2), forKey: heap.str("b"))
        try e.setValue(heap.int(20), forKey: heap.str("b"))
        try e.setValue(heap.int(3), forKey: heap.str("c"))
        var printed: [String] = []
        try d.update(from: e)
        printed.append(try Self.showItems(d))
        try d.update(from: d)
        printed.append(try Self.showItems(d))
        let c = try d.shallowCopy()
        try c.setValue(heap.int(0), forKey: heap.str("z"))
        printed.append("\(try Self.showItems(d)) \(try Self.showItems(c))")
        #expect(printed == expected)
        #expect(throws: ObjectError.self) { try d.update(from: heap.list()) }
    }

    @Test("list.remove and index compare as python3 does for numbers, and name a missing value")
    func removeAndIndex() throws {
        let expected = try Self.python("""
            l = [1, 2, 3, 2, 4]; l.remove(2); print(l, l.index(2), l.index(4.0))
            l.remove(True); print(l)
            try:
                l.remove(9)
            except ValueError as e:
                print(e)
            """)
        let heap = try Heap()
        let list = try heap.list()
        for value in [1, 2, 3, 2, 4] { try list.append(heap.int(value)) }
        var printed: [String] = []
        try list.removeFirst(equalTo: heap.int(2))
        let two = try list.firstIndex(of: heap.int(2)), four = try list.firstIndex(of: heap.float(4.0))
        printed.append("\(try Self.show(list)) \(two ?? -1) \(four ?? -1)")
        try list.removeFirst(equalTo: heap.bool(true))
        printed.append(try Self.show(list))
        let nine = try heap.int(9)
        let message = "list.remove(x): x not in list"
        #expect(throws: ObjectError.valueError(message)) { try list.removeFirst(equalTo: nine) }
        printed.append(message)
        #expect(printed == expected)
        let missing = try list.firstIndex(of: heap.str("x"))
        #expect(missing == nil)
    }

    @Test("a dict or set that changes size while it is iterated raises python3's RuntimeError")
    func changedDuringIteration() throws {
        let expected = try Self.python("""
            d = {'a': 1, 'b': 2}
            try:
                for k in d: d['c' + k] = 3
            except RuntimeError as e:
                print(e, len(d))
            s = {1, 2, 3}
            try:
                for m in s: s.discard(3 if m != 3 else 1)
            except RuntimeError as e:
                print(e, len(s))
            """)
        let heap = try Heap()
        let dict = try heap.dict()
        try dict.setValue(heap.int(1), forKey: heap.str("a"))
        try dict.setValue(heap.int(2), forKey: heap.str("b"))
        var printed: [String] = []
        do {
            try dict.forEach { key in try dict.setValue(heap.int(3), forKey: heap.str("c" + (try key.stringValue()))) }
        } catch let error as ObjectError {
            guard case .runtimeError(let message) = error else { throw error }
            printed.append("\(message) \(try dict.length())")
        }
        let set = try heap.set()
        for value in 1...3 { _ = try set.insert(heap.int(value)) }
        do {
            try set.forEach { member in _ = try set.remove(heap.int(try member.intValue() != 3 ? 3 : 1)) }
        } catch let error as ObjectError {
            guard case .runtimeError(let message) = error else { throw error }
            printed.append("\(message) \(try set.length())")
        }
        #expect(printed == expected)
    }

    @Test("a set walk whose body swaps one member for another keeps the removed one alive until it is visited")
    func setSwapDuringIteration() throws {
        let heap = try Heap()
        let type = ObjectType.makeClass("Member", attributes: [])
        let set = try heap.set()
        let first = try heap.instance(of: type)
        _ = try set.insert(first)
        _ = try set.insert(try heap.instance(of: type))   // the set holds the only reference
        var visited = 0
        try set.forEach { member in
            visited += 1
            guard member.isIdentical(to: first) else { return }
            // Swap the other member for a new one: the size stays the same.
            var other: Ref?
            try set.forEach { candidate in if !candidate.isIdentical(to: first) { other = candidate.copy() } }
            if let other { _ = try set.remove(other) }
            _ = try set.insert(try heap.instance(of: type))
        }
        #expect(visited == 2 && heap.liveObjectCount(of: type) == 2)
    }
}
