import Reclaim
import Testing

/// The Python articles' examples, written against the Swift API: the same
/// lines in the same order as CPython prints for the originals.
@Suite("the articles' examples")
struct ArticleExamplesTests {
    @Test("SampleClass: each object is destroyed at its own del, before the closing line")
    func sampleClass() throws {
        let heap = try Heap()
        let out = Transcript()
        let sampleClass = ObjectType.makeClass("SampleClass", attributes: ["name"]) { this in
            out.print("Object '\(try this.attribute("name").stringValue())' is destroyed.")
        }
        func make(_ name: String) throws -> Ref {
            let object = try heap.instance(of: sampleClass)
            try object.setAttribute("name", to: heap.str(name))
            out.print("Object '\(name)' is created.")
            return object
        }
        let obj1 = try make("Object 1")
        let obj2 = try make("Object 2")
        _ = consume obj1                                       // del obj1
        #expect(out.lines.last == "Object 'Object 1' is destroyed.")
        _ = consume obj2                                       // del obj2
        #expect(out.lines.last == "Object 'Object 2' is destroyed.")
        out.print("Objects deleted explicitly.")

        let python = try cpythonLines("""
            class SampleClass:
                def __init__(self, name):
                    self.name = name
                    print(f"Object '{self.name}' is created.")
                def __del__(self):
                    print(f"Object '{self.name}' is destroyed.")
            obj1 = SampleClass("Object 1")
            obj2 = SampleClass("Object 2")
            del obj1
            del obj2
            print("Objects deleted explicitly.")
            """)
        #expect(out.lines == python)
        #expect(python.count == 5)
    }

    @Test("Person: a shared reference keeps Alice alive until its own del")
    func person() throws {
        let heap = try Heap()
        let out = Transcript()
        let person = ObjectType.makeClass("Person", attributes: ["name"]) { this in
            out.print("\(try this.attribute("name").stringValue()) object is being deleted.")
        }
        func make(_ name: String) throws -> Ref {
            let object = try heap.instance(of: person)
            try object.setAttribute("name", to: heap.str(name))
            return object
        }
        let person1 = try make("Alice")
        let person2 = try make("Bob")
        let person3 = person1.copy()                          // person3 = person1
        #expect(person1.referenceCount == 2)
        _ = consume person1                                   // del person1: Alice lives on
        #expect(out.lines.isEmpty)
        _ = consume person2                                   // del person2: Bob dies here
        #expect(out.lines == ["Bob object is being deleted."])
        _ = consume person3                                   // del person3: Alice dies here
        #expect(out.lines.count == 2)

        let python = try cpythonLines("""
            class Person:
                def __init__(self, name):
                    self.name = name
                def __del__(self):
                    print(f"{self.name} object is being deleted.")
            person1 = Person("Alice")
            person2 = Person("Bob")
            person3 = person1
            del person1
            del person2
            del person3
            """)
        #expect(out.lines == python)
    }
}
