import Reclaim
import Testing

/// Classes with an attribute dictionary and with a base class.
@Suite("classes: attribute dictionaries and inheritance")
struct ClassTests {
    @Test("an instance with an attribute dictionary takes any attribute, deletes it, and is collected through it")
    func attributeDictionary() throws {
        let heap = try Heap()
        let open = ObjectType.makeClass("Open", attributes: ["fixed"], hasAttributeDictionary: true)
        #expect(open.hasAttributeDictionary && open.attributeNames == ["fixed", "__dict__"])
        let object = try heap.instance(of: open)
        #expect(throws: ObjectError.attributeError("'Open' object has no attribute 'colour'")) {
            _ = try object.attribute("colour")
        }
        try object.setAttribute("fixed", to: heap.int(1))
        try object.setAttribute("colour", to: heap.str("red"))
        try object.setAttribute("size", to: heap.int(3))
        #expect(try object.attribute("colour").stringValue() == "red")
        #expect(try object.attribute("__dict__").length() == 2)
        try object.deleteAttribute("colour")
        #expect(throws: ObjectError.self) { _ = try object.attribute("colour") }
        #expect(throws: ObjectError.self) { try object.deleteAttribute("colour") }
        #expect(throws: ObjectError.typeError("__dict__ must be set to a dictionary, not a 'int'")) {
            try object.setAttribute("__dict__", to: heap.int(1))
        }
        // A cycle through the dictionary: object -> __dict__ -> object.
        try object.setAttribute("me", to: object)
        _ = consume object
        #expect(heap.liveObjectCount(of: open) == 1)
        #expect(heap.collector.collect() == 2, "the instance and its dict")
        #expect(heap.liveObjectCount(of: open) == 0)
    }

    @Test("a class without one refuses other attributes, as a class with __slots__")
    func slotsOnly() throws {
        let heap = try Heap()
        let closed = ObjectType.makeClass("Closed", attributes: ["fixed"])
        let object = try heap.instance(of: closed)
        #expect(throws: ObjectError.attributeError("'Closed' object has no attribute 'other'")) {
            try object.setAttribute("other", to: heap.none)
        }
        try object.setAttribute("fixed", to: heap.none)
        try object.deleteAttribute("fixed")
        #expect(throws: ObjectError.self) { _ = try object.attribute("fixed") }
    }

    @Test("a derived class has its base's attributes first, its finalizer and dictionary, and is its subtype")
    func inheritance() throws {
        let heap = try Heap()
        final class Log: @unchecked Sendable { var lines: [String] = [] }
        let log = Log()
        let person = ObjectType.makeClass("Person", attributes: ["name"], hasAttributeDictionary: true) { this in
            log.lines.append("del \(try this.attribute("name").stringValue())")
        }
        let student = ObjectType.makeClass("Student", attributes: ["school"], base: person)
        #expect(student.attributeNames == ["name", "__dict__", "school"])
        #expect(student.isSubtype(of: person) && !person.isSubtype(of: student) && student.isSubtype(of: student))
        #expect(student.base === person && student.hasAttributeDictionary)
        do {
            let alice = try heap.instance(of: student)
            try alice.setAttribute("name", to: heap.str("Alice"))
            try alice.setAttribute("school", to: heap.str("Hill"))
            try alice.setAttribute("age", to: heap.int(20))
            // The base's slot 0 is the derived instance's slot 0.
            #expect(try heap.withBorrowed(alice.raw.slot(0)!) { try $0.stringValue() } == "Alice")
            #expect(try alice.attribute("age").intValue() == 20)
        }
        #expect(log.lines == ["del Alice"])
    }
}
