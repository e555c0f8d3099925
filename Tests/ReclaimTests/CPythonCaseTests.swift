import Reclaim
import Testing

/// Cases of CPython 3.11's `test_gc.py`, `test_weakref.py`, `test_dict.py`
/// and `test_tuple.py` that Reclaim once got wrong, each checked against
/// python3's own output where the case can be written in Python.
///
/// The memory-safety cases (user code that collects while an object is
/// being destroyed) also run in the debug build, whose header checks stop
/// at a use after free or a double free.
@Suite("CPython's gc and weakref cases")
struct CPythonCaseTests {
    /// Every type's live count is 0 or more, and they add up to the total.
    func expectConsistentCounts(_ heap: Heap, sourceLocation: SourceLocation = #_sourceLocation) {
        let types = heap.introspection.typeStatistics()
        #expect(types.allSatisfy { $0.count >= 0 && $0.bytes >= 0 }, "\(types)", sourceLocation: sourceLocation)
        #expect(types.reduce(0) { $0 + $1.count } == heap.liveObjectCount, sourceLocation: sourceLocation)
    }

    // MARK: Memory safety

    @Test("a finalizer that collects, deep in a trashcan-deferred chain of lists, frees nothing twice")
    func trashcanAndCollectingFinalizer() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        let out = Transcript()
        let sibling = ObjectType.makeClass("Sibling", attributes: [])
        let weaks = try heap.list()
        let weaksRaw = weaks.raw
        var seenCounts: [UInt32] = []
        let collecting = ObjectType.makeClass("Collecting", attributes: []) { this in
            out.print("finalized, collected \(this.heap.collector.collect())")
            // A sibling waiting in the queue at count 0 is dead to its weak
            // references: one handed out is alive, held by its list too.
            try heap.withBorrowed(weaksRaw) { weaks in
                for index in 0..<(try weaks.length()) {
                    if let referent = try weaks.item(at: index).referent() { seenCounts.append(referent.referenceCount) }
                }
                while try weaks.length() > 0 { _ = try weaks.pop() }
            }
        }
        let baseline = heap.liveObjectCount
        // Innermost, beside the finalizable object, two siblings. Past 48
        // nested destructions the rest is queued; for some depth of the
        // chain, all three are queued at count 0 together, and the
        // finalizer's collection runs while the siblings wait. Every depth
        // from 40 to 150 is tried, so every phase of the queue is met.
        for depth in 40...150 {
            var chain = try heap.list()
            for index in 0..<3 {
                if index == 1 {
                    try chain.append(heap.instance(of: collecting))
                } else {
                    let object = try heap.instance(of: sibling)
                    try weaks.append(heap.weakReferences.reference(to: object))
                    try chain.append(object)
                }
            }
            for _ in 0..<depth {
                let outer = try heap.list()
                try outer.append(chain)
                chain = outer
            }
        }
        #expect(heap.liveObjectCount(of: .list) == 1, "only the list of weak references")
        #expect(heap.liveObjectCount(of: sibling) == 0)
        #expect(heap.liveObjectCount == baseline)
        #expect(seenCounts.allSatisfy { $0 >= 2 }, "\(seenCounts)")
        expectConsistentCounts(heap)
        let python = try cpythonLines("""
            import gc
            gc.disable()
            class Sibling:
                __slots__ = ('__weakref__',)
            class Collecting:
                __slots__ = ()
                def __del__(self): print("finalized, collected", gc.collect())
            def build(depth):
                chain = [Sibling(), Collecting(), Sibling()]
                for _ in range(depth): chain = [chain]
                return chain
            for depth in range(40, 151):
                c = build(depth); del c
            """)
        #expect(out.lines == python)
    }

    @Test("a weak-reference callback that collects while its referent is destroyed (sf_bug_840829)")
    func weakReferenceCallbackCollects() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        let out = Transcript()
        let c = ObjectType.makeClass("C", attributes: ["i", "c1"])
        let baseline = heap.liveObjectCount
        do {
            // The first part: the referent itself dies by reference counting.
            let object = try heap.instance(of: c)
            let weak = try heap.weakReferences.reference(to: object) { weak in
                out.print("callback 1 collected \(weak.heap.collector.collect())")
            }
            _ = consume object
            _ = consume weak
        }
        do {
            // The second part: the referent dies inside the destruction of
            // two objects that refer to it in turn.
            let c1 = try heap.instance(of: c)
            try c1.setAttribute("i", to: heap.instance(of: c))
            let weak = try heap.weakReferences.reference(to: c1.attribute("i")) { weak in
                out.print("callback 2 collected \(weak.heap.collector.collect())")
            }
            let c2 = try heap.instance(of: c)
            try c2.setAttribute("c1", to: c1)
            _ = consume c1
            _ = consume c2
            _ = consume weak
        }
        #expect(heap.liveObjectCount(of: c) == 0)
        #expect(heap.liveObjectCount == baseline)
        expectConsistentCounts(heap)
        let python = try cpythonLines("""
            import gc, weakref
            gc.disable()
            class C:
                __slots__ = ('__weakref__', 'i', 'c1')
            c = C()
            wr = weakref.ref(c, lambda ignore: print("callback 1 collected", gc.collect()))
            del c
            del wr
            c1 = C(); c1.i = C()
            wr = weakref.ref(c1.i, lambda ignore: print("callback 2 collected", gc.collect()))
            c2 = C(); c2.c1 = c1
            del c1
            del c2
            """)
        #expect(out.lines == python)
    }

    @Test("a callback of a weak reference to cyclic garbage allocates and collects during the collection")
    func weakReferenceToCycleCallbackAllocates() throws {
        let heap = try Heap()
        let out = Transcript()
        let c = ObjectType.makeClass("C", attributes: ["other"])
        let keep = try heap.list()
        let keepRaw = keep.raw
        do {
            let a = try heap.instance(of: c), b = try heap.instance(of: c)
            try a.setAttribute("other", to: b)
            try b.setAttribute("other", to: a)
            try keep.append(heap.weakReferences.reference(to: a) { weak in
                // Over the threshold of generation 0: no collection may start
                // inside this one, and the explicit one does nothing.
                for _ in 0..<1_000 { _ = try weak.heap.list() }
                out.print("callback, collected \(weak.heap.collector.collect())")
            })
        }
        #expect(heap.collector.collect() == 2)
        #expect(out.lines == ["callback, collected 0"])
        #expect(heap.liveObjectCount(of: c) == 0)
        _ = keepRaw
        expectConsistentCounts(heap)
    }

    @Test("the items of a dying container release in CPython's order: lists and tuples from the last")
    func releaseOrder() throws {
        let heap = try Heap()
        let out = Transcript()
        let a = ObjectType.makeClass("A", attributes: ["n"]) { this in out.print(try this.attribute("n").stringValue()) }
        func make(_ name: String) throws -> Ref {
            let object = try heap.instance(of: a)
            try object.setAttribute("n", to: heap.str(name))
            return object
        }
        do {
            let list = try heap.list()
            for name in ["l1", "l2", "l3"] { try list.append(make(name)) }
        }
        do { _ = try heap.tuple(count: 3) { try make("t\($0 + 1)") } }
        do {
            let dict = try heap.dict()
            for index in 1...3 { try dict.setValue(make("d\(index)"), forKey: heap.int(index)) }
        }
        do {
            let slots = ObjectType.makeClass("S", attributes: ["a", "b", "c"])
            let object = try heap.instance(of: slots)
            for name in ["a", "b", "c"] { try object.setAttribute(name, to: make("s\(name)")) }
        }
        let python = try cpythonLines("""
            class A:
                __slots__ = ('n',)
                def __init__(self, n): self.n = n
                def __del__(self): print(self.n)
            x = [A('l1'), A('l2'), A('l3')]; del x
            x = (A('t1'), A('t2'), A('t3')); del x
            x = {1: A('d1'), 2: A('d2'), 3: A('d3')}; del x
            class S:
                __slots__ = ('a', 'b', 'c')
            s = S(); s.a = A('sa'); s.b = A('sb'); s.c = A('sc'); del s
            """)
        #expect(out.lines == python)
    }

    @Test("a weak reference released at the trashcan's depth beside its referent is freed once")
    func weakReferenceBesideItsReferentInTheQueue() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        let r = ObjectType.makeClass("R", attributes: [])
        var calls = 0
        let baseline = heap.liveObjectCount
        // Both orders, at every depth around the 48 nested destructions
        // after which the rest is queued.
        for weakFirst in [false, true] {
            for depth in 40...150 {
                var chain = try heap.list()
                let referent = try heap.instance(of: r)
                let weak = try heap.weakReferences.reference(to: referent) { _ in calls += 1 }
                if weakFirst { try chain.append(weak); try chain.append(referent) }
                else { try chain.append(referent); try chain.append(weak) }
                _ = consume referent
                _ = consume weak
                for _ in 0..<depth {
                    let outer = try heap.list()
                    try outer.append(chain)
                    chain = outer
                }
            }
        }
        #expect(heap.liveObjectCount == baseline)
        #expect(heap.liveObjectCount(of: .weakReference) == 0 && heap.liveObjectCount(of: r) == 0)
        expectConsistentCounts(heap)
        // Released last first, the weak reference goes before its referent:
        // its callback never runs (python3 prints nothing either).
        let python = try cpythonLines("""
            import weakref
            class R:
                __slots__ = ('__weakref__',)
            for depth in range(40, 151):
                r = R()
                chain = [r, weakref.ref(r, lambda w: print('callback'))]
                del r
                for _ in range(depth): chain = [chain]
                del chain
            """)
        #expect(python.isEmpty)
        #expect(calls <= 111, "at most the weak-first chains, whatever the queue's phase")
    }

    @Test("a finalizer that stores a container in a garbage dict leaves no stale table entry")
    func finalizerRetracksGarbageDict() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        let out = Transcript()
        let f = ObjectType.makeClass("F", attributes: ["d"]) { this in
            let dict = try this.attribute("d")
            out.print("in del \(heap.collector.isTracked(this) ? "True" : "False") \(heap.collector.isTracked(dict) ? "True" : "False")")
            try dict.setValue(heap.list(), forKey: heap.str("x"))
        }
        let tracked = heap.collector.objects().count
        do {
            let object = try heap.instance(of: f)
            let dict = try heap.dict()
            try dict.setValue(object, forKey: heap.str("self"))
            try object.setAttribute("d", to: dict)
        }
        out.print("\(heap.collector.collect())")
        out.print("\(heap.liveObjectCount(of: f))")
        #expect(heap.collector.objects().count == tracked, "no entry left for a freed dict")
        #expect(heap.liveObjectCount(of: .dict) == 0 && heap.liveObjectCount(of: .list) == 0)
        #expect(heap.collector.collect() == 0)
        let python = try cpythonLines("""
            import gc
            gc.disable()
            class F:
                __slots__ = ('d',)
                def __del__(self):
                    print("in del", gc.is_tracked(self), gc.is_tracked(self.d))
                    self.d["x"] = []
            def f():
                o = F(); o.d = {"self": o}
            f()
            print(gc.collect())
            print(len([x for x in gc.get_objects() if type(x) is F]))
            """)
        #expect(out.lines == python)
    }

    @Test("garbage that frees an old container holding young survivors: promotion comes before clearing")
    func clearingFreesOlderContainer() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        let g = ObjectType.makeClass("G", attributes: ["me", "o"])
        let lists = heap.liveObjectCount(of: .list)
        do {
            let old = try heap.list()
            _ = heap.collector.collect()   // the list is old now
            let garbage = try heap.instance(of: g)
            try garbage.setAttribute("me", to: garbage)
            try garbage.setAttribute("o", to: old)
            _ = consume old
            // Young survivors only the old list holds, one of them holding
            // another younger still.
            let young = try heap.list()
            let younger = try heap.list()
            try young.append(younger)
            try garbage.attribute("o").append(young)
        }
        var found = -1
        #expect(throws: Never.self) { found = try heap.collector.collect(generation: 0) }
        #expect(heap.liveObjectCount(of: .list) == lists, "the old list and both young ones went with the garbage")
        #expect(heap.liveObjectCount(of: g) == 0)
        #expect(heap.collector.objects().isEmpty, "\(heap.collector.objects())")
        expectConsistentCounts(heap)
        let python = try cpythonLines("""
            import gc
            gc.disable()
            class G: __slots__ = ('me', 'o')
            O = []; gc.collect()
            g = G(); g.me = g; g.o = O; del O
            T = []; U = []; T.append(U); g.o.append(T); del T, U
            del g
            print(gc.collect(0))
            """)
        #expect(["\(found)"] == python)
    }

    @Test("a tuple being built while a collection runs stays tracked, so its cycles are found")
    func tupleBuiltDuringCollection() throws {
        let heap = try Heap()
        heap.collector.thresholds.young = 100
        let collections = heap.collector.statistics[0].collections
        let lists = heap.liveObjectCount(of: .list), tuples = heap.liveObjectCount(of: .tuple)
        do {
            let held = try heap.list()
            let tuple = try heap.tuple(count: 2) { index in
                // Enough containers kept to run collections while the tuple
                // has an empty slot.
                if index == 0 { for _ in 0..<500 { try held.append(heap.list()) } }
                return try heap.list()
            }
            #expect(heap.collector.statistics[0].collections > collections, "collections ran while it was built")
            let tracked = heap.collector.isTracked(tuple)
            #expect(tracked)
            try tuple.item(at: 1).append(tuple)   // a cycle through the tuple
        }
        heap.collector.isEnabled = false
        #expect(heap.collector.collect() == 3)
        #expect(heap.liveObjectCount(of: .list) == lists)
        #expect(heap.liveObjectCount(of: .tuple) == tuples)
    }

    @Test("a tuple being built, reached through the collector's tables, reads its empty slots as an error")
    func tupleBeingBuiltIsReadSafely() throws {
        let heap = try Heap()
        var errors: [String] = []
        let tuple = try heap.tuple(count: 2) { index in
            if index == 1 {
                // gc.get_objects() can hand out a tuple still being built.
                for object in heap.collector.objects() where object.type === ObjectType.tuple {
                    try heap.withBorrowed(object) { partial in
                        _ = try partial.item(at: 0)
                        do { _ = try partial.item(at: 1) } catch { errors.append(String(describing: error)) }
                        do { try partial.forEach { _ in } } catch { errors.append(String(describing: error)) }
                    }
                }
            }
            return try heap.str("item \(index)")
        }
        #expect(errors == [
            "TypeError: item(at:): the tuple is still being built; item 1 is not set yet",
            "TypeError: forEach: the tuple is still being built; item 1 is not set yet",
        ])
        #expect(try tuple.item(at: 1).stringValue() == "item 1")
    }

    @Test("a garbage weak reference's callback, dropped unrun, is let go only after the garbage is freed")
    func droppedCallbackOutlivesGarbage() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        let out = Transcript()
        let keep = try heap.list()
        let keepRaw = keep.raw
        // K's finalizer looks at A through a weak reference kept outside.
        let k = ObjectType.makeClass("K", attributes: []) { _ in
            let alive = try heap.withBorrowed(keepRaw) { try $0.item(at: 0).referent() != nil }
            out.print("K finalized, A is \(alive ? "alive" : "dead")")
        }
        let a = ObjectType.makeClass("A", attributes: ["me", "w1"])
        let b = ObjectType.makeClass("B", attributes: [])
        let bObject = try heap.instance(of: b)
        do {
            let kObject = try heap.instance(of: k)
            let aObject = try heap.instance(of: a)
            try aObject.setAttribute("me", to: aObject)
            // Garbage with A: a weak reference whose callback holds the only reference to K.
            try aObject.setAttribute("w1", to: heap.weakReferences.reference(to: bObject) { [kObject = kObject.copy()] _ in
                _ = kObject.referenceCount
            })
            try keep.append(heap.weakReferences.reference(to: aObject))
            _ = consume kObject
        }
        _ = heap.collector.collect()
        out.print("after \(try keep.item(at: 0).referent() == nil ? "True" : "False")")
        #expect(heap.liveObjectCount(of: a) == 0 && heap.liveObjectCount(of: k) == 0)
        expectConsistentCounts(heap)
        let python = try cpythonLines("""
            import gc, weakref
            gc.disable()
            class K:
                __slots__ = ()
                def __del__(self): print("K finalized, A is", "dead" if w2() is None else "alive")
            class A: __slots__ = ('__weakref__', 'me', 'w1')
            class B: __slots__ = ('__weakref__',)
            def setup():
                global w2, bkeep
                k = K(); b = B()
                a = A(); a.me = a
                a.w1 = weakref.ref(b, lambda r, k=k: None)
                w2 = weakref.ref(a); bkeep = b
            setup(); gc.collect(); print("after", w2() is None)
            """)
        #expect(out.lines == python)
        _ = consume bObject
    }

    // MARK: Generation numbers

    @Test("a generation other than 0, 1 or 2 is refused with an error naming the operation")
    func generationArgumentsAreChecked() throws {
        let heap = try Heap()
        for generation in [1000, -1000, 3, -1] {
            #expect(throws: CollectorError(operation: "Collector.objects(generation:)", reason: .invalidGeneration(generation))) {
                _ = try heap.collector.objects(generation: generation)
            }
            #expect(throws: CollectorError(operation: "Collector.collect(generation:)", reason: .invalidGeneration(generation))) {
                _ = try heap.collector.collect(generation: generation)
            }
        }
        #expect(heap.collector.statistics.map(\.collections) == [0, 0, 0], "nothing was collected")
        let error = CollectorError(operation: "Collector.collect(generation:)", reason: .invalidGeneration(3))
        #expect(error.description == "Collector.collect(generation:): generation 3 is not one of the collector's generations 0, 1 and 2")
    }

    // MARK: What collect() counts

    @Test("collect() counts what stays unreachable: not resurrected objects, but weak references their callbacks freed")
    func countsMatchPython() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        let out = Transcript()
        let saved = try heap.list()
        let savedRaw = saved.raw
        let r = ObjectType.makeClass("R", attributes: ["me"]) { this in
            try heap.withBorrowed(savedRaw) { try $0.append(this) }
        }
        let c = ObjectType.makeClass("C", attributes: ["me", "other"])
        let keep = try heap.list()
        let keepRaw = keep.raw
        _ = heap.collector.collect()

        do {
            let object = try heap.instance(of: r)
            try object.setAttribute("me", to: object)
        }
        out.print("resurrected alone \(heap.collector.collect()) \(heap.collector.statistics[2].collected)")
        while try saved.length() > 0 { _ = try saved.pop() }
        out.print("after saved cleared \(heap.collector.collect())")

        do {
            let object = try heap.instance(of: c)
            try object.setAttribute("me", to: object)
            // The callback drops the only reference to its weakref.
            try keep.append(heap.weakReferences.reference(to: object) { _ in
                try heap.withBorrowed(keepRaw) { _ = try $0.pop() }
            })
        }
        out.print("weakref freed by its callback \(heap.collector.collect()) \(try keep.length())")

        do {
            let object = try heap.instance(of: c)
            try object.setAttribute("me", to: object)
            try keep.append(heap.weakReferences.reference(to: object) { _ in })
        }
        out.print("weakref kept \(heap.collector.collect()) \(try keep.length())")
        while try keep.length() > 0 { _ = try keep.pop() }

        do {
            let object = try heap.instance(of: c)
            try object.setAttribute("me", to: object)
            let x = try heap.int(1000), y = try heap.int(2000)
            try object.setAttribute("other", to: heap.tuple([x.raw, y.raw]))
        }
        out.print("atomic tuple in garbage \(heap.collector.collect())")

        let python = try cpythonLines("""
            import gc, weakref
            gc.disable()
            class C:
                __slots__ = ('__weakref__', 'me', 'other')
            class R:
                __slots__ = ('me',)
                def __del__(self): saved.append(self)
            saved = []
            keep = []
            gc.collect()
            def alone():
                r = R(); r.me = r
            alone()
            print("resurrected alone", gc.collect(), gc.get_stats()[2]['collected'])
            saved.clear()
            print("after saved cleared", gc.collect())
            def freed():
                c = C(); c.me = c
                keep.append(weakref.ref(c, lambda r: keep.pop()))
            freed()
            print("weakref freed by its callback", gc.collect(), len(keep))
            def kept():
                c = C(); c.me = c
                keep.append(weakref.ref(c, lambda r: None))
            kept()
            print("weakref kept", gc.collect(), len(keep))
            keep.clear()
            def tupled():
                x = 1000; y = 2000
                c = C(); c.me = c; c.other = (x, y)
            tupled()
            print("atomic tuple in garbage", gc.collect())
            """)
        #expect(out.lines == python)
    }

    // MARK: Weak references that are garbage

    @Test("a weak reference that is garbage itself is cleared, its callback never run, though its referent dies later (bpo-38006)")
    func garbageWeakReferenceIsCleared() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        var calls = 0
        // Y holds one reference and does not traverse it: the collector
        // cannot see that Z is only reachable from the garbage.
        let y = ObjectType(
            name: "Y", basicSize: 8,
            dropReferences: { object, _ in _ = object.payload.takeReference(at: 0) })
        let z = ObjectType.makeClass("Z", attributes: [])
        let a = ObjectType.makeClass("A", attributes: ["a", "y", "wz"])
        do {
            let zObject = try heap.instance(of: z)
            let yObject = try heap.allocateObject(of: y)
            yObject.payload.initializeReference(at: 0, to: zObject.copy())
            let aObject = try heap.instance(of: a)
            try aObject.setAttribute("a", to: aObject)
            try aObject.setAttribute("y", to: Ref(adopting: yObject, heap: heap))
            try aObject.setAttribute("wz", to: heap.weakReferences.reference(to: zObject) { _ in calls += 1 })
        }
        #expect(heap.liveObjectCount(of: z) == 1)
        #expect(heap.collector.collect() == 2, "A and the weak reference; Y and Z die by reference counting")
        #expect(calls == 0, "the weak reference was garbage: its callback must not run")
        #expect(heap.liveObjectCount(of: z) == 0 && heap.liveObjectCount(of: y) == 0 && heap.liveObjectCount(of: a) == 0)
        expectConsistentCounts(heap)
    }

    // MARK: Untracking dicts and tuples

    @Test("a full collection untracks dicts whose keys and values cannot be in a cycle (test_dict's tracking cases)")
    func dictsUntrackedByFullCollections() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        let out = Transcript()
        func tracked(_ object: borrowing Ref) -> String { heap.collector.isTracked(object) ? "True" : "False" }

        let literal = try heap.dict()
        try literal.setValue(heap.int(2), forKey: heap.int(1))
        let key = try heap.tuple([heap.none.raw, heap.bool(true).raw, heap.bool(false).raw, heap.tuple().raw])
        try literal.setValue(heap.none, forKey: key)
        _ = consume key
        out.print(tracked(literal)); heap.collector.collect(); out.print(tracked(literal))

        let dynamic = try heap.dict()
        try dynamic.setValue(heap.str("a"), forKey: heap.int(1)); out.print(tracked(dynamic))
        try dynamic.setValue(heap.list(), forKey: heap.int(4)); out.print(tracked(dynamic))
        try dynamic.setValue(heap.none, forKey: heap.int(4)); out.print(tracked(dynamic))
        try heap.collector.collect(generation: 1); out.print(tracked(dynamic))
        heap.collector.collect(); out.print(tracked(dynamic))

        let nested = try heap.dict()
        try nested.setValue(heap.dict(), forKey: heap.int(1))
        heap.collector.collect(); out.print(tracked(nested))
        let item = try heap.list()
        let withList = try heap.tuple([heap.int(1).raw, item.raw])
        _ = consume item
        heap.collector.collect(); out.print(tracked(withList))

        let python = try cpythonLines("""
            import gc
            gc.disable()
            x = 2
            d = {1: x, (None, True, False, ()): None}
            print(gc.is_tracked(d)); gc.collect(); print(gc.is_tracked(d))
            e = {}
            e[1] = 'a'; print(gc.is_tracked(e))
            e[4] = []; print(gc.is_tracked(e))
            e[4] = None; print(gc.is_tracked(e))
            gc.collect(1); print(gc.is_tracked(e))
            gc.collect(); print(gc.is_tracked(e))
            f = {1: {}}
            gc.collect(); print(gc.is_tracked(f))
            t = (1, [])
            gc.collect(); print(gc.is_tracked(t))
            """)
        #expect(out.lines == python)
        // A dict untracked is tracked again once it holds a container.
        try literal.setValue(heap.list(), forKey: heap.int(5))
        let retracked = heap.collector.isTracked(literal)
        #expect(retracked)
    }

    // MARK: Shared weak references

    @Test("weak references without a callback are shared, and listed first (weakref.ref(o) is weakref.ref(o))")
    func basicWeakReferencesAreShared() throws {
        let heap = try Heap()
        let out = Transcript()
        let c = ObjectType.makeClass("C", attributes: [])
        let object = try heap.instance(of: c)
        let a = try heap.weakReferences.reference(to: object) { _ in out.print("a") }
        let b = try heap.weakReferences.reference(to: object)
        let cWeak = try heap.weakReferences.reference(to: object) { _ in out.print("c") }
        func python(_ flags: [Bool]) -> String { "[" + flags.map { $0 ? "True" : "False" }.joined(separator: ", ") + "]" }
        let listed = heap.weakReferences.references(to: object)
        out.print("\(python(listed.map { $0 == a.raw })) \(python(listed.map { $0 == b.raw })) \(python(listed.map { $0 == cWeak.raw }))")
        let again = try heap.weakReferences.reference(to: object)
        out.print("\(again.isIdentical(to: b) ? "True" : "False") \(heap.weakReferences.count(of: object))")
        _ = consume again
        _ = consume object
        let python = try cpythonLines("""
            import weakref
            class C: pass
            o = C()
            a = weakref.ref(o, lambda r: print('a'))
            b = weakref.ref(o)
            c = weakref.ref(o, lambda r: print('c'))
            print([x is a for x in weakref.getweakrefs(o)], [x is b for x in weakref.getweakrefs(o)], [x is c for x in weakref.getweakrefs(o)])
            print(weakref.ref(o) is b, weakref.getweakrefcount(o))
            del o
            """)
        #expect(out.lines == python)
        _ = (a.raw, b.raw, cWeak.raw)
    }

    @Test("a shared weak reference dies with its last holder; the next one is new")
    func sharedWeakReferenceLifetime() throws {
        let heap = try Heap()
        let c = ObjectType.makeClass("C", attributes: [])
        let object = try heap.instance(of: c)
        let baseline = heap.liveObjectCount
        do {
            let first = try heap.weakReferences.reference(to: object)
            let second = try heap.weakReferences.reference(to: object)
            #expect(first.raw == second.raw)
            #expect(first.referenceCount == 2)
            #expect(heap.liveObjectCount == baseline + 1)
        }
        #expect(heap.weakReferences.count(of: object) == 0)
        #expect(heap.liveObjectCount == baseline)
        let fresh = try heap.weakReferences.reference(to: object)
        #expect(fresh.referenceCount == 1)
        #expect(heap.weakReferences.count(of: object) == 1)
    }

    // MARK: Bad sizes

    @Test("a negative item count or an overflowing size throws, naming the type")
    func badSizesThrow() throws {
        let heap = try Heap()
        let node = ObjectType.makeClass("Node", attributes: ["next"])
        let wide = ObjectType(name: "Wide", basicSize: 8, itemSize: 16)
        let before = heap.liveObjectCount
        #expect(throws: ObjectAllocationError(typeName: "Node", reason: .negativeCount(-5))) {
            _ = try heap.allocateObject(of: node, itemCount: -5)
        }
        #expect(throws: ObjectAllocationError(typeName: "Wide", reason: .negativeCount(-1))) {
            _ = try heap.allocateObject(of: wide, itemCount: -1)
        }
        #expect(throws: ObjectAllocationError(typeName: "Wide", reason: .tooLarge(byteCount: nil))) {
            _ = try heap.allocateObject(of: wide, itemCount: Int.max / 8)
        }
        #expect(throws: ObjectAllocationError(typeName: "list", reason: .negativeCount(-3))) {
            _ = try heap.list(capacity: -3)
        }
        #expect(throws: ObjectAllocationError(typeName: "tuple", reason: .negativeCount(-2))) {
            _ = try heap.tuple(count: -2) { _ in heap.none }
        }
        #expect(heap.liveObjectCount == before, "nothing was allocated")
        #expect(String(describing: ObjectAllocationError(typeName: "Node", reason: .negativeCount(-5)))
                == "Heap.allocateObject: cannot allocate a Node object with -5 items: the count is negative")
    }
}
