import Reclaim
import Testing

/// `wr() is None`.
func isDead(_ weak: borrowing Ref) throws -> Bool {
    if let _ = try weak.referent() { return false }
    return true
}

/// Scenarios of CPython's test_weakref.py that apply to this model.
@Suite("weak references")
struct WeakReferenceTests {
    static let thing = ObjectType.makeClass("Thing", attributes: ["other"])

    @Test("a weak reference follows its referent and is cleared, with its callback, when the referent dies")
    func clearedByRefcount() throws {
        let heap = try Heap()
        var calls: [Bool] = []
        let object = try heap.instance(of: Self.thing)
        let weak = try heap.weakReferences.reference(to: object) { weak in calls.append(try isDead(weak)) }
        let count = object.referenceCount, weakCount = heap.weakReferences.count(of: object)
        #expect(count == 1, "a weak reference does not count")
        #expect(weakCount == 1)
        var same = false
        if let strong = try weak.referent() { same = strong.isIdentical(to: object) }
        #expect(same)
        _ = consume object
        #expect(try isDead(weak))
        #expect(calls == [true], "the callback ran once, with the weakref already cleared")
    }

    @Test("ints, strs and tuples cannot be weakly referenced")
    func unsupportedTypes() throws {
        let heap = try Heap()
        #expect(throws: ObjectError.typeError("cannot create weak reference to 'int' object")) {
            _ = try heap.weakReferences.reference(to: heap.int(1000))
        }
        #expect(throws: ObjectError.typeError("cannot create weak reference to 'str' object")) {
            _ = try heap.weakReferences.reference(to: heap.str("x"))
        }
    }

    @Test("the collector clears weak references to garbage before finalizers run, and runs live weakrefs' callbacks")
    func clearedByCollector() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        let out = Transcript()
        let weakKeeper = try heap.list()
        let finalized = ObjectType.makeClass("Finalized", attributes: ["other"]) { _ in
            // By the time finalizers run, weak references to the garbage are cleared.
            out.print("finalizer sees weakref cleared: \(try heap.withBorrowed(weakKeeper.raw) { try isDead($0.item(at: 0)) })")
        }
        do {
            let a = try heap.instance(of: finalized), b = try heap.instance(of: finalized)
            try a.setAttribute("other", to: b)
            try b.setAttribute("other", to: a)
            try weakKeeper.append(heap.weakReferences.reference(to: a) { _ in out.print("callback") })
        }
        #expect(heap.collector.collect() == 2)
        #expect(out.lines == ["callback", "finalizer sees weakref cleared: true", "finalizer sees weakref cleared: true"])
        #expect(try isDead(weakKeeper.item(at: 0)))
    }

    @Test("a weak reference that is itself garbage does not get its callback called")
    func garbageWeakrefNoCallback() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        var calls = 0
        do {
            let a = try heap.instance(of: Self.thing), b = try heap.instance(of: Self.thing)
            try a.setAttribute("other", to: b)
            // b holds a weak reference to a, inside the same garbage cycle.
            let weak = try heap.weakReferences.reference(to: a) { _ in calls += 1 }
            let holder = try heap.list()
            try holder.append(weak)
            try holder.append(a)
            try b.setAttribute("other", to: holder)
        }
        #expect(heap.collector.collect() == 4)
        #expect(calls == 0)
        #expect(heap.liveObjectCount(of: .weakReference) == 0)
    }

    @Test("weak references to a live object are listed; a dead weakref leaves the list")
    func listing() throws {
        let heap = try Heap()
        let object = try heap.instance(of: Self.thing)
        let first = try heap.weakReferences.reference(to: object)
        do {
            // With a callback: a new weakref each time, listed after the shared one.
            let second = try heap.weakReferences.reference(to: object) { _ in }
            #expect(heap.weakReferences.references(to: object) == [first.raw, second.raw])
        }
        #expect(heap.weakReferences.references(to: object) == [first.raw])
        #expect(heap.weakReferences.count(of: object) == 1)
    }
}

@Suite("weak-value dictionary and finalize")
struct WeakValueDictionaryTests {
    static let thing = ObjectType.makeClass("Thing", attributes: ["other"])

    @Test("entries vanish when their values die, by reference counting or by the collector")
    func weakValues() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        let cache = WeakValueDictionary<String>(heap: heap)
        let kept = try heap.instance(of: Self.thing)
        try cache.setValue(kept, forKey: "kept")
        try cache.setValue(heap.instance(of: Self.thing), forKey: "temporary")
        do {
            let cyclic = try heap.instance(of: Self.thing)
            try cyclic.setAttribute("other", to: cyclic)
            try cache.setValue(cyclic, forKey: "cyclic")
        }
        #expect(Set(cache.keys) == ["kept", "cyclic"], "the temporary died at once")
        heap.collector.collect()
        #expect(cache.keys == ["kept"])
        var same = false
        if let value = cache.value(forKey: "kept") { same = value.isIdentical(to: kept) }
        #expect(same)
        #expect(cache.removeValue(forKey: "kept"))
        #expect(cache.count == 0)
    }

    @Test("finalize calls its action once: at death, when called, or never when detached")
    func finalizeHelper() throws {
        let heap = try Heap()
        var calls: [String] = []
        do {
            let object = try heap.instance(of: Self.thing)
            let finalizer = try heap.weakReferences.finalize(object) { calls.append("died") }
            #expect(finalizer.isAlive)
        }
        #expect(calls == ["died"])
        let object = try heap.instance(of: Self.thing)
        let called = try heap.weakReferences.finalize(object) { calls.append("called") }
        called()
        called()
        #expect(!called.isAlive)
        let detached = try heap.weakReferences.finalize(object) { calls.append("detached") }
        detached.detach()
        _ = consume object
        #expect(calls == ["died", "called"])
    }

    @Test("a weak-value dictionary iterates its live entries and copies them, still weak")
    func weakValueIterationAndCopy() throws {
        let heap = try Heap()
        let cache = WeakValueDictionary<String>(heap: heap)
        let kept = try heap.instance(of: Self.thing)
        try cache.setValue(kept, forKey: "kept")
        try cache.setValue(try heap.instance(of: Self.thing), forKey: "gone")
        var seen: [String] = []
        cache.forEach { key, value in seen.append(key); #expect(value.raw == kept.raw) }
        #expect(seen == ["kept"])
        let copy = cache.copy()
        #expect(copy.count == 1 && copy.value(forKey: "kept")?.raw == kept.raw)
        _ = consume kept
        #expect(copy.count == 0 && cache.count == 0)
    }

    @Test("a weak-key dictionary drops an entry when its key dies, by reference counting or by the collector")
    func weakKeyDictionary() throws {
        let heap = try Heap()
        let node = ObjectType.makeClass("Node", attributes: ["next"])
        let notes = WeakKeyDictionary<String>(heap: heap)
        let kept = try heap.instance(of: node)
        try notes.setValue("kept", forKey: kept)
        try notes.setValue("kept, renamed", forKey: kept)
        try notes.setValue("dropped", forKey: try heap.instance(of: node))
        do {
            let first = try heap.instance(of: node), second = try heap.instance(of: node)
            try first.setAttribute("next", to: second)
            try second.setAttribute("next", to: first)
            try notes.setValue("cycle", forKey: first)
        }
        #expect(notes.count == 2, "the dropped key died at once")
        // The cycle, and the weak reference its callback let go of (as CPython counts).
        #expect(heap.collector.collect() == 3)
        #expect(notes.count == 1)
        #expect(notes.value(forKey: kept) == "kept, renamed")
        var seen: [String] = []
        notes.forEach { key, value in seen.append(value); #expect(key.raw == kept.raw) }
        #expect(seen == ["kept, renamed"])
        #expect(notes.removeValue(forKey: kept) == "kept, renamed")
        #expect(notes.count == 0 && notes.value(forKey: kept) == nil)
        #expect(throws: ObjectError.self) { try notes.setValue("int", forKey: heap.int(5000)) }
    }

    @Test("finalize: peek and detach give the object while both live; a call says whether it ran")
    func finalizePeekAndDetach() throws {
        let heap = try Heap()
        let object = try heap.instance(of: Self.thing)
        let finalizer = try heap.weakReferences.finalize(object) {}
        let peekedSame = finalizer.peek()?.raw == object.raw
        #expect(peekedSame)
        #expect(finalizer.isAlive)
        let detachedSame = finalizer.detach()?.raw == object.raw
        #expect(detachedSame)
        #expect(!finalizer.isAlive)
        let afterDetach = finalizer.peek() == nil, secondDetach = finalizer.detach() == nil
        #expect(afterDetach && secondDetach)
        let other = try heap.weakReferences.finalize(object) {}
        #expect(other())
        #expect(!other())
        let gone = try heap.weakReferences.finalize(try heap.instance(of: Self.thing)) {}
        let nothing = gone.peek() == nil
        #expect(nothing && !gone.isAlive)
    }

    @Test("shutdown calls the live finalize actions marked atexit, newest first, before collecting")
    func finalizeAtExit() throws {
        let heap = try Heap()
        var calls: [String] = []
        let kept = try heap.instance(of: Self.thing)
        try heap.weakReferences.finalize(kept) { calls.append("first") }
        let skipped = try heap.weakReferences.finalize(kept) { calls.append("not at exit") }
        skipped.atexit = false
        try heap.weakReferences.finalize(kept) { calls.append("second") }
        let done = try heap.weakReferences.finalize(kept) { calls.append("already called") }
        done()
        calls.removeAll()
        let summary = heap.shutdown()
        #expect(calls == ["second", "first"])
        #expect(summary.exitActions == 2)
        _ = consume kept
    }
}
