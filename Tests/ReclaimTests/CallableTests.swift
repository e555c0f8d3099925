import Reclaim
import Testing

/// Callable heap objects: functions whose captures the collector sees,
/// callable instances, and callables as weak reference callbacks and
/// `weakref.finalize` actions.
@Suite("callable objects")
struct CallableTests {
    /// A function that appends its argument to the list it captures.
    static func appender(_ heap: Heap, to list: borrowing Ref) throws -> Ref {
        var captures = RefArray()
        captures.append(list.copy())
        return try heap.function("append", capturing: captures) { function, arguments in
            let target = try function.capture(at: 0)
            for index in 0..<arguments.count { try target.append(arguments.element(at: index)) }
            return function.heap.none
        }
    }

    @Test("a function runs its code with its captures and arguments; what is not callable says so")
    func functions() throws {
        let heap = try Heap()
        let list = try heap.list()
        let append = try Self.appender(heap, to: list)
        let isFunction = append.isCallable && append.type == .function
        #expect(isFunction)
        #expect(try append.functionName() == "append" && append.captureCount() == 1)
        let result = try append.call(with: try heap.int(7))
        let returnedNone = result.isNone
        #expect(returnedNone)
        var two = RefArray()
        two.append(try heap.int(8))
        two.append(try heap.str("nine"))
        _ = try append.call(two)
        #expect(try list.length() == 3 && list.item(at: 2).stringValue() == "nine")
        #expect(throws: ObjectError.indexError("function capture index 1 is outside 0..<1")) { _ = try append.capture(at: 1) }
        let number = try heap.int(3)
        let numberIsCallable = number.isCallable
        #expect(!numberIsCallable)
        #expect(throws: ObjectError.typeError("'int' object is not callable")) { _ = try number.call() }
        #expect(throws: ObjectError.typeError("functionName: expected function, got int")) { _ = try number.functionName() }
        // What the code throws comes out of the call.
        let failing = try heap.function("fail") { _, _ in throw ObjectError.keyError("no") }
        #expect(throws: ObjectError.keyError("no")) { _ = try failing.call() }
    }

    @Test("a function in a cycle with what it captures is collected, and its code let go")
    func functionCycle() throws {
        let heap = try Heap()
        heap.collector.isEnabled = false
        final class Witness {}
        weak var witness: Witness?
        do {
            let list = try heap.list()
            let seen = Witness()
            witness = seen
            var captures = RefArray()
            captures.append(list.copy())
            let function = try heap.function("f", capturing: captures) { function, _ in
                withExtendedLifetime(seen) {}
                return function.heap.none
            }
            try list.append(function)
        }
        #expect(heap.liveObjectCount(of: .function) == 1 && witness != nil)
        #expect(heap.collector.collect() == 2)
        #expect(heap.liveObjectCount(of: .function) == 0 && heap.liveObjectCount(of: .list) == 0)
        #expect(witness == nil, "the Swift code is released with the function")
    }

    @Test("a callable weak reference callback runs with the weakref, and is let go once called")
    func callbackObject() throws {
        let heap = try Heap()
        let seen = try heap.list()
        let target = try heap.instance(of: ObjectType.makeClass("Target", attributes: []))
        var captures = RefArray()
        captures.append(seen.copy())
        let callback = try heap.function("callback", capturing: captures) { function, arguments in
            // CPython's `lambda w: out.append(w() is None)`.
            let dead = try arguments.element(at: 0).referent() == nil
            try function.capture(at: 0).append(try function.heap.bool(dead))
            return function.heap.none
        }
        let weak = try heap.weakReferences.reference(to: target, callback: callback)
        let held = callback.referenceCount, referents = heap.collector.referents(of: weak.raw)
        #expect(held == 2, "the weakref holds its callback")
        #expect(referents == [callback.raw])
        _ = consume target
        let sawDead = try seen.length() == 1 && seen.item(at: 0).boolValue()
        #expect(sawDead)
        let left = callback.referenceCount
        #expect(left == 1, "let go when the referent died")
        _ = consume weak
        #expect(throws: ObjectError.typeError("a weak reference callback must be callable, not 'list'")) {
            let other = try heap.instance(of: ObjectType.makeClass("Other", attributes: []))
            _ = try heap.weakReferences.reference(to: other, callback: seen)
        }
    }

    /// CPython's `test_callback_in_cycle_1`: `I.wr = weakref.ref(J, I.acallback)`,
    /// where the bound method holds `I` — a cycle through the callback.
    @Test("a cycle through a weak reference callback is collected as in CPython, the callback unrun")
    func cycleThroughCallback() throws {
        let python = try cpythonLines("""
            import gc, weakref
            gc.disable(); gc.collect()
            calls = []
            class K: pass
            class II:
                def acallback(self, ignore): calls.append(1)
            I = II(); J = K(); I.j = J; I.wr = weakref.ref(J, I.acallback)
            del I, J
            print(gc.collect(), len(calls))
            """)
        let heap = try Heap()
        heap.collector.isEnabled = false
        let holder = ObjectType.makeClass("II", attributes: ["j", "wr"])
        var calls = 0
        do {
            let i = try heap.instance(of: holder)
            let j = try heap.instance(of: ObjectType.makeClass("K", attributes: []))
            var captures = RefArray()
            captures.append(i.copy())
            let method = try heap.function("acallback", capturing: captures) { function, _ in
                calls += 1
                return function.heap.none
            }
            try i.setAttribute("j", to: j)
            try i.setAttribute("wr", to: try heap.weakReferences.reference(to: j, callback: method))
        }
        #expect(["\(heap.collector.collect()) \(calls)"] == python)
        #expect(heap.liveObjectCount(of: .function) == 0 && heap.liveObjectCount(of: .weakReference) == 0)
        #expect(heap.liveObjectCount(of: holder) == 0)
    }

    @Test("finalize calls a callable with its arguments once; its errors go to the unraisable hook")
    func finalizeCallable() throws {
        let heap = try Heap()
        var unraisable: [String] = []
        heap.unraisableHook = { unraisable.append("\($0.context): \($0.error)") }
        let log = try heap.list()
        let append = try Self.appender(heap, to: log)
        var target = try heap.instance(of: ObjectType.makeClass("Target", attributes: []))
        var arguments = RefArray()
        arguments.append(try heap.str("closed"))
        let finalizer = try heap.weakReferences.finalize(target, calling: append, with: arguments)
        let held = append.referenceCount
        #expect(held == 2, "held by the finalizer, as a root")
        #expect(finalizer.isAlive)
        target = try heap.instance(of: ObjectType.makeClass("Target", attributes: []))
        #expect(try log.length() == 1 && log.item(at: 0).stringValue() == "closed")
        let after = append.referenceCount
        #expect(!finalizer.isAlive && after == 1, "let go after the call")
        let failing = try heap.function("fail") { _, _ in throw ObjectError.keyError("gone") }
        try heap.weakReferences.finalize(target, calling: failing)
        _ = consume target
        #expect(unraisable == ["weakref.finalize action: KeyError: gone"])
    }

    @Test("a class made with call: has callable instances, and its derived classes too")
    func callableInstances() throws {
        let heap = try Heap()
        let counter = ObjectType.makeClass("Counter", attributes: ["n"]) { _ in } call: { this, _ in
            let next = try this.attribute("n").intValue() + 1
            try this.setAttribute("n", to: try this.heap.int(next))
            return try this.heap.int(next)
        }
        let derived = ObjectType.makeClass("Derived", attributes: [], base: counter)
        let object = try heap.instance(of: derived)
        try object.setAttribute("n", to: try heap.int(0))
        let callable = object.isCallable
        #expect(callable)
        _ = try object.call()
        let second = try object.call().intValue()
        #expect(second == 2)
        let plainIsCallable = try heap.instance(of: ObjectType.makeClass("Plain", attributes: [])).isCallable
        #expect(!plainIsCallable)
    }

    @Test("a callable collection callback gets the phase and an info dict, as python3's gc.callbacks")
    func collectionCallbackObject() throws {
        let python = try cpythonLines("""
            import gc
            gc.disable(); gc.collect()
            log = []
            gc.callbacks.append(lambda phase, info: log.append(f"{phase} {info['generation']} {info['collected']} {info['uncollectable']}"))
            a = []; b = [a]; a.append(b); del a, b
            gc.collect()
            gc.callbacks.clear()
            print("\\n".join(log))
            """)
        let heap = try Heap()
        heap.collector.isEnabled = false
        let log = try heap.list()
        var captures = RefArray()
        captures.append(log.copy())
        let record = try heap.function("record", capturing: captures) { function, arguments in
            let phase = try arguments.element(at: 0).stringValue(), info = arguments.element(at: 1)
            let figures = try ["generation", "collected", "uncollectable"].map { key in
                String(try info.value(forKey: try function.heap.str(key))!.intValue())
            }
            try function.capture(at: 0).append(try function.heap.str(([phase] + figures).joined(separator: " ")))
            return function.heap.none
        }
        heap.collector.callbacks.append(try heap.collector.callback(calling: record))
        let held = record.referenceCount
        #expect(held == 2, "the callback holds the function")
        do {
            let a = try heap.list(), b = try heap.list()
            try b.append(a)
            try a.append(b)
        }
        heap.collector.collect()
        heap.collector.callbacks.removeAll()
        var lines: [String] = []
        try log.forEach { lines.append(try $0.stringValue()) }
        #expect(lines == python)
        let released = record.referenceCount
        #expect(released == 1, "removing the callback lets the function go")
        #expect(throws: ObjectError.typeError("a collection callback must be callable, not 'list'")) {
            _ = try heap.collector.callback(calling: log)
        }
    }
}
