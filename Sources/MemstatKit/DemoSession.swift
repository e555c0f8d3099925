import Reclaim

/// The heap the demo runs on, its classes, and the transcript being written.
final class DemoSession {
    let heap: Heap
    private var lines: [String] = []

    init() throws { heap = try Heap() }

    private func say(_ line: String) { lines.append(line) }
    private func run(_ code: String) { lines.append(">>> " + code) }

    private var checkpoints: [(name: String, snapshot: HeapSnapshot)] = []

    /// Records the heap's figures at a named moment of the current step.
    private func checkpoint(_ name: String) throws {
        checkpoints.append((name, try heap.introspection.snapshot()))
    }

    /// Runs `body`, which calls `checkpoint` after each stage, and returns the step.
    private func step(_ title: String, lesson: String, body: () throws -> Void) throws -> Demo.Step {
        lines = []
        checkpoints = []
        try checkpoint("start")
        try body()
        func figure(_ name: String, _ unit: String, _ value: (HeapSnapshot) -> Int) -> Demo.Figure {
            Demo.Figure(name: name, unit: unit, values: checkpoints.map { value($0.snapshot) })
        }
        let figures = [
            figure("live objects", "count") { $0.liveObjects },
            figure("tracked containers", "count") { $0.collector.trackedObjects.reduce(0, +) },
            figure("gc count, generation 0", "count") { $0.collector.counts[0] },
            figure("collected by the gc", "count") { $0.collector.generations.reduce(0) { $0 + $1.collected } },
            figure("arena allocated", "bytes") { $0.arena.allocated },
        ]
        return Demo.Step(title: title, lesson: lesson, transcript: lines,
                         checkpoints: checkpoints.map(\.name), figures: figures)
    }

    /// A class with `name` and `ref` attributes whose finalizer says `message` with the name.
    private func makeClass(_ name: String, message: @escaping (String) -> String) -> ObjectType {
        ObjectType.makeClass(name, attributes: ["name", "ref"]) { [unowned self] this in
            say(message(try this.attribute("name").stringValue()))
        }
    }

    /// `variable = Class("name")`: a new instance, narrated.
    private func new(_ variable: String, _ type: ObjectType, named name: String) throws -> Ref {
        run("\(variable) = \(type.name)(\"\(name)\")")
        let object = try heap.instance(of: type)
        try object.setAttribute("name", to: heap.str(name))
        return object
    }

    /// `sys.getrefcount(variable) - 1` and its answer.
    private func showReferenceCount(_ object: borrowing Ref, of variable: String) {
        run("sys.getrefcount(\(variable)) - 1")
        say(String(object.referenceCount))
    }

    /// `del variable`: drops the reference.
    private func del(_ object: consuming Ref, _ variable: String) {
        run("del \(variable)")
        _ = consume object
    }

    func referenceCounting() throws -> Demo.Step {
        let sampleClass = makeClass("SampleClass") { "Object '\($0)' is destroyed." }
        return try step("Reference counting frees an object at its last reference",
                        lesson: "Each del drops the last reference, so the finalizer runs at once "
                            + "and the block goes back to the arena; no collector is involved.") {
            let obj1 = try new("obj1", sampleClass, named: "Object 1")
            let obj2 = try new("obj2", sampleClass, named: "Object 2")
            showReferenceCount(obj1, of: "obj1")
            try checkpoint("created")
            del(obj1, "obj1")
            try checkpoint("del obj1")
            del(obj2, "obj2")
            try checkpoint("del obj2")
        }
    }

    func sharedReference() throws -> Demo.Step {
        let person = makeClass("Person") { "\($0) object is being deleted." }
        return try step("A shared reference keeps an object alive",
                        lesson: "person3 = person1 adds a reference: deleting person1 leaves Alice "
                            + "alive until person3 goes too.") {
            let person1 = try new("person1", person, named: "Alice")
            let person2 = try new("person2", person, named: "Bob")
            run("person3 = person1")
            let person3 = person1.copy()
            showReferenceCount(person1, of: "person1")
            try checkpoint("created")
            del(person1, "person1")
            showReferenceCount(person3, of: "person3")
            try checkpoint("del p1")
            del(person2, "person2")
            try checkpoint("del p2")
            del(person3, "person3")
            try checkpoint("del p3")
        }
    }

    func referenceCycle() throws -> Demo.Step {
        let myClass = makeClass("MyClass") { "\($0) is being deleted" }
        let wasEnabled = heap.collector.isEnabled
        heap.collector.isEnabled = false
        defer { heap.collector.isEnabled = wasEnabled }
        return try step("A reference cycle outlives its names; collect() reclaims it",
                        lesson: "obj1 and obj2 refer to each other, so after del each still has a "
                            + "reference: nothing is printed. The cycle collector finds the pair "
                            + "unreachable, runs both finalizers and frees them.") {
            run("gc.disable()")
            let obj1 = try new("obj1", myClass, named: "obj1")
            let obj2 = try new("obj2", myClass, named: "obj2")
            run("obj1.ref = obj2")
            try obj1.setAttribute("ref", to: obj2)
            run("obj2.ref = obj1")
            try obj2.setAttribute("ref", to: obj1)
            showReferenceCount(obj1, of: "obj1")
            try checkpoint("linked")
            del(obj1, "obj1")
            del(obj2, "obj2")
            try checkpoint("del both")
            run("gc.collect()")
            say(String(heap.collector.collect()))
            try checkpoint("collect")
        }
    }

    func disabledCollector() throws -> Demo.Step {
        let node = ObjectType.makeClass("Node", attributes: ["ref"])
        let pairs = 1000
        return try step("With the collector disabled, cyclic garbage piles up",
                        lesson: "Without automatic collection \(pairs) unreachable pairs stay in the "
                            + "heap. Once enabled, the next allocation finds the count of "
                            + "generation 0 over its threshold (700) and a collection frees them.") {
            run("gc.disable()")
            heap.collector.isEnabled = false
            run("for _ in range(\(pairs)): a, b = Node(), Node(); a.ref = b; b.ref = a")
            for _ in 0..<pairs {
                let a = try heap.instance(of: node), b = try heap.instance(of: node)
                try a.setAttribute("ref", to: b)
                try b.setAttribute("ref", to: a)
            }
            run("gc.get_count()")
            say(heap.collector.counts.description)
            run("len([o for o in gc.get_objects() if type(o) is Node])")
            say(String(heap.liveObjectCount(of: node)))
            try checkpoint("piled up")
            run("gc.enable()")
            heap.collector.isEnabled = true
            run("keep = Node()   # allocating a container runs the due collection")
            let collectedBefore = heap.collector.statistics[0].collected
            let keep = try heap.instance(of: node)
            run("gc.get_stats()[0]['collected']   # by that collection")
            say(String(heap.collector.statistics[0].collected - collectedBefore))
            run("gc.get_count()")
            say(heap.collector.counts.description)
            try checkpoint("enabled")
            del(keep, "keep")
            try checkpoint("del keep")
        }
    }

    func sizeOfList() throws -> Demo.Step {
        try step("The size of a 1000-element list",
                 lesson: "getsizeof counts the list's header and its item array, not the ints "
                     + "it refers to; jemalloc rounds each block up to its size class, and the "
                     + "deep size adds every object reached.") {
            run("numbers = list(range(1000))")
            let numbers = try heap.list(capacity: 1000)
            for value in 0..<1000 { try numbers.append(try heap.int(value)) }
            let size = heap.introspection.sizeOf(numbers)
            run("sys.getsizeof(numbers)   # header and item array")
            say("\(size.logical)   (\(size.real) bytes held by jemalloc)")
            let deep = heap.introspection.deepSizeOf(numbers)
            run("asizeof(numbers)   # everything reachable, each object once")
            say("\(deep.logical)   (\(deep.real) bytes held by jemalloc)")
            try checkpoint("built")
            del(numbers, "numbers")
            try checkpoint("del")
        }
    }

    /// The old generation of a large heap: one whole collection's pause,
    /// then the same garbage found by steps of incremental collection.
    func incrementalCollection() throws -> Demo.Step {
        let node = ObjectType.makeClass("Node", attributes: ["a", "b"])
        #if DEBUG
        let liveCount = 100_000, rings = 5_000   // a debug build's checks make a whole collection slow
        #else
        let liveCount = 1_000_000, rings = 50_000
        #endif
        return try step("A large heap: one long pause, or many short ones",
                        lesson: "A whole collection examines every old object at once: the program stops for "
                            + "all of it. In incremental mode each step is a young collection and a bounded "
                            + "slice of the old generation (allocation runs them by itself; a runtime may "
                            + "too), and the same garbage is found in pauses sized to a budget (1 ms).") {
            run("nodes = [Node() for _ in range(\(Units.count(liveCount)))]   # two random links each")
            let nodes = try heap.list(capacity: liveCount)
            var state: UInt64 = 0x2545_F491_4F6C_DD1D
            func random() -> Int {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int((state >> 33) % UInt64(liveCount))
            }
            for _ in 0..<liveCount { try nodes.append(heap.instance(of: node)) }
            for index in 0..<liveCount {
                let current = try nodes.item(at: index)
                try current.setAttribute("a", to: nodes.item(at: random()))
                try current.setAttribute("b", to: nodes.item(at: random()))
            }
            nonisolated(unsafe) var pauses: [Double] = []
            nonisolated(unsafe) var pause = 0.0
            heap.collector.callbacks.append { phase, info in if phase == .stop { pause += info.duration } }
            defer { heap.collector.callbacks.removeLast() }
            /// `rings` rings of three nodes, old by the time they die.
            func makeOldGarbage() throws {
                let holder = try heap.list(capacity: rings)
                for _ in 0..<rings {
                    let first = try heap.instance(of: node), second = try heap.instance(of: node)
                    try first.setAttribute("a", to: second)
                    try second.setAttribute("a", to: first)
                    try holder.append(first)
                }
                heap.collector.collect()   // settled: old, as a long-running program's would be
                pause = 0
            }
            run("rings = [ring() for _ in range(\(Units.count(rings)))]; gc.collect(); del rings")
            try makeOldGarbage()
            try checkpoint("garbage")
            run("gc.collect()   # a whole collection")
            let found = heap.collector.collect()
            say("\(Units.count(found)) found; the program stopped for \(Units.duration(pause))")
            try checkpoint("collect()")
            run("rings = [ring() for _ in range(\(Units.count(rings)))]; gc.collect(); del rings")
            try makeOldGarbage()
            run("heap.collector.mode = .incremental   # Reclaim's control")
            heap.collector.mode = .incremental
            run("while garbage remains: heap.collector.step()")
            var steps = 0, stepFound = 0
            while heap.liveObjectCount(of: node) > liveCount && steps < 100_000 {
                pause = 0
                stepFound += heap.collector.step()
                pauses.append(pause)
                steps += 1
            }
            pauses.sort()
            say("\(Units.count(stepFound)) found in \(Units.count(steps)) steps; longest pause "
                + "\(Units.duration(pauses.last ?? 0)), median \(Units.duration(pauses.isEmpty ? 0 : pauses[pauses.count / 2]))")
            #if DEBUG
            say("(a debug build: a release build's pauses are far shorter)")
            #endif
            try checkpoint("steps")
            heap.collector.mode = .generational
            del(nodes, "nodes")
            heap.collector.collect()   // the random graph is cyclic: the collector frees it
            try checkpoint("del nodes")
        }
    }
}
