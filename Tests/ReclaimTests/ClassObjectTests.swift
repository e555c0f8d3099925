@testable import Reclaim
import Testing

/// Classes made at run time as class objects: they hold class attributes,
/// take part in cycles, are weakly referenced, and die — their types
/// leaving the registry — when nothing uses them.
@Suite("class objects")
struct ClassObjectTests {
    /// Whether the registry lists a type named `name`.
    static func registryLists(_ name: String) -> Bool {
        ObjectType.registry.withLock { $0.live.contains { $0.name == name } }
    }

    @Test("a program that makes classes in a loop does not grow the type registry")
    func classesInALoop() throws {
        let heap = try Heap()
        var indices: Set<Int> = []
        for round in 0..<300 {
            let point = try heap.makeClass("LoopPoint\(round)", attributes: ["x"])
            let instance = try heap.instance(ofClass: point)
            try instance.setAttribute("x", to: try heap.int(round))
            let type = try point.instanceType()
            #expect(heap.liveObjectCount(of: type) == 1)
            indices.insert(type.index)
        }
        // Each class's index is given to the next; types other tests make
        // meanwhile may take some, so a few more than one are used.
        #expect(indices.count < 50, "\(indices.count) indices for 300 classes")
        #expect(heap.liveObjectCount(of: .classObject) == 0)
        #expect(!Self.registryLists("LoopPoint299"))
    }

    /// An instance of a new class, and (weakly) its type.
    static func instance(_ heap: Heap, named name: String, type: inout ObjectType?) throws -> Ref {
        let point = try heap.makeClass(name, attributes: ["x"])
        type = try point.instanceType()
        return try heap.instance(ofClass: point)
    }

    @Test("an instance holds its class; the class dies, and its type is freed, with the last instance")
    func instancesHoldTheirClass() throws {
        let heap = try Heap()
        weak var type: ObjectType?
        var strongType: ObjectType?
        let instance = try Self.instance(heap, named: "MadeHeldPoint", type: &strongType)
        type = strongType
        strongType = nil
        #expect(heap.liveObjectCount(of: .classObject) == 1 && type != nil)
        guard let classObject = instance.classObject() else {
            Issue.record("an instance of a made class has a class object")
            return
        }
        let isClass = classObject.isClass && classObject.referenceCount == 2
        #expect(isClass, "the instance and this reference hold it")
        #expect(heap.collector.referents(of: instance.raw) == [classObject.raw], "the collector sees the instance's class")
        _ = consume classObject
        _ = consume instance
        #expect(heap.liveObjectCount(of: .classObject) == 0)
        #expect(type == nil, "the class object released the type")
        #expect(!Self.registryLists("MadeHeldPoint"))
    }

    @Test("class attributes: set, read through instances and subclasses, deleted")
    func classAttributes() throws {
        let heap = try Heap()
        let base = try heap.makeClass("Base", attributes: ["x"])
        try base.setAttribute("kind", to: try heap.str("base"))
        let derived = try heap.makeClass("Derived", attributes: ["y"], base: base.copy(), hasAttributeDictionary: true)
        let object = try heap.instance(ofClass: derived)
        #expect(try object.attribute("kind").stringValue() == "base", "found on the base class")
        try derived.setAttribute("kind", to: try heap.str("derived"))
        #expect(try object.attribute("kind").stringValue() == "derived", "the class before its base")
        try object.setAttribute("kind", to: try heap.str("own"))
        #expect(try object.attribute("kind").stringValue() == "own", "the instance's dictionary first")
        try derived.deleteAttribute("kind")
        #expect(try derived.attribute("kind").stringValue() == "base")
        #expect(throws: ObjectError.attributeError("type object 'Derived' has no attribute 'missing'")) {
            _ = try derived.attribute("missing")
        }
        #expect(throws: ObjectError.attributeError("type object 'Base' has no attribute 'kind2'")) {
            try base.deleteAttribute("kind2")
        }
        let derivedType = try derived.instanceType(), baseType = try base.instanceType()
        #expect(derivedType.isSubtype(of: baseType) && derivedType.attributeNames == ["x", "y", "__dict__"])
        #expect(throws: ObjectError.typeError("Heap.makeClass: a base must be a class, not 'int'")) {
            _ = try heap.makeClass("Bad", attributes: [], base: try heap.int(1))
        }
        #expect(throws: ObjectError.typeError("Heap.instance(ofClass:): expected a class, got 'str'")) {
            _ = try heap.instance(ofClass: try heap.str("no"))
        }
    }

    @Test("a subclass keeps its base alive; both die with the last reference")
    func subclassHoldsBase() throws {
        let heap = try Heap()
        do {
            let derived: Ref
            do {
                let base = try heap.makeClass("MadeKeptBase", attributes: [])
                derived = try heap.makeClass("MadeKeptDerived", attributes: [], base: base.copy())
            }
            #expect(heap.liveObjectCount(of: .classObject) == 2 && Self.registryLists("MadeKeptBase"))
            _ = consume derived
        }
        #expect(heap.liveObjectCount(of: .classObject) == 0 && !Self.registryLists("MadeKeptBase"))
    }

    @Test("a class in a cycle through its attributes is collected; weak references to it are cleared")
    func classInACycle() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        let weak: Ref
        do {
            // class C: pass; C.me = C()   (C -> its attributes -> instance -> C)
            let cycle = try heap.makeClass("MadeCyclic", attributes: [])
            try cycle.setAttribute("me", to: try heap.instance(ofClass: cycle))
            weak = try heap.weakReferences.reference(to: cycle)
        }
        let alive = try weak.referent() != nil
        #expect(alive && Self.registryLists("MadeCyclic"))
        #expect(heap.collector.collect() == 3, "the class, its attribute dict and the instance")
        let cleared = try weak.referent() == nil
        #expect(cleared && heap.liveObjectCount(of: .classObject) == 0)
        #expect(!Self.registryLists("MadeCyclic"))
    }

    @Test("__del__ and __call__ are callable class attributes; a cycle through __del__ is collected")
    func finalizerAndCallObjects() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        let log = try heap.list()
        var captures = RefArray()
        captures.append(log.copy())
        let finalizer = try heap.function("__del__", capturing: captures) { function, arguments in
            let this = arguments.element(at: 0)
            try function.capture(at: 0).append(try this.attribute("name"))
            return function.heap.none
        }
        let greet = try heap.function("__call__") { function, arguments in
            try function.heap.str("hello \(try arguments.element(at: 1).stringValue()) from \(try arguments.element(at: 0).attribute("name").stringValue())")
        }
        do {
            let resource = try heap.makeClass("MadeResource", attributes: ["name"], finalizer: finalizer.copy(), call: greet.copy())
            let sub = try heap.makeClass("MadeSubResource", attributes: [], base: resource.copy())
            let a = try heap.instance(ofClass: sub)
            try a.setAttribute("name", to: try heap.str("a"))
            #expect(try a.call(with: try heap.str("you")).stringValue() == "hello you from a")
            // The class's __del__ holds the class: a cycle (class -> dict -> function -> class).
            var holds = RefArray()
            holds.append(resource.copy())
            try resource.setAttribute("closer", to: try heap.function("closer", capturing: holds) { f, _ in f.heap.none })
        }
        #expect(try log.length() == 1 && log.item(at: 0).stringValue() == "a", "inherited __del__ ran")
        #expect(heap.liveObjectCount(of: .classObject) == 1, "Resource, held by the cycle through 'closer'")
        heap.collector.collect()
        #expect(heap.liveObjectCount(of: .classObject) == 0 && !Self.registryLists("MadeResource"))
        #expect(throws: ObjectError.typeError("Heap.makeClass: __del__ must be callable, not 'list'")) {
            _ = try heap.makeClass("Bad", attributes: [], finalizer: log.copy())
        }
    }

    @Test("destroying a heap frees the types of its class objects")
    func destroyFreesTypes() throws {
        let heap = try Heap()
        weak var type: ObjectType?
        do {
            let kept = try heap.makeClass("MadeDoomed", attributes: [])
            type = try kept.instanceType()
            heap.destroy()
        }
        #expect(type == nil && !Self.registryLists("MadeDoomed"))
    }
}
