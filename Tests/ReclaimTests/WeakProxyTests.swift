import Reclaim
import Testing

/// `weakref.proxy`: weak references that stand for their referent.
@Suite("weak proxies")
struct WeakProxyTests {
    /// The message of the error `body` throws, as Python prints an exception's.
    static func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch let error as ObjectError {
            switch error {
            case .typeError(let message), .referenceError(let message): return message
            default: return "\(error)"
            }
        } catch {
            return "\(error)"
        }
    }

    @Test("a proxy forwards attributes and calls, is listed and shared as python3's, and raises ReferenceError once its referent dies")
    func proxies() throws {
        let python = try cpythonLines("""
            import weakref
            class C: pass
            c = C(); c.x = 1
            p = weakref.proxy(c); print(p.x); p.y = 2; print(c.y)
            print(weakref.getweakrefcount(c), weakref.proxy(c) is p, type(p).__name__)
            r = weakref.ref(c); r2 = weakref.ref(c, lambda w: None); print(weakref.getweakrefs(c) == [r, p, r2])
            class D:
                def __call__(self, a): return a + 1
            d = D(); print(type(weakref.proxy(d)).__name__, weakref.proxy(d)(1))
            try: hash(p)
            except TypeError as e: print(e)
            del c
            try: p.x
            except ReferenceError as e: print(e)
            """)
        let heap = try Heap()
        let plain = try heap.makeClass("C", attributes: [], hasAttributeDictionary: true)
        var printed: [String] = []
        var c = try heap.instance(ofClass: plain)
        try c.setAttribute("x", to: try heap.int(1))
        let p = try heap.weakReferences.proxy(to: c)
        printed.append(String(try p.attribute("x").intValue()))
        try p.setAttribute("y", to: try heap.int(2))
        printed.append(String(try c.attribute("y").intValue()))
        let shared = try heap.weakReferences.proxy(to: c).isIdentical(to: p)
        printed.append("\(heap.weakReferences.count(of: c)) \(shared ? "True" : "False") \(p.type.name)")
        let r = try heap.weakReferences.reference(to: c)
        let r2 = try heap.weakReferences.reference(to: c) { _ in }
        let order = heap.weakReferences.references(to: c) == [r.raw, p.raw, r2.raw]
        printed.append(order ? "True" : "False")
        let add = try heap.function("__call__") { function, arguments in
            try function.heap.int(try arguments.element(at: 1).intValue() + 1)
        }
        let callable = try heap.makeClass("D", attributes: [], call: add.copy())
        let d = try heap.instance(ofClass: callable)
        let callableProxy = try heap.weakReferences.proxy(to: d)
        printed.append("\(callableProxy.type.name) \(try callableProxy.call(with: try heap.int(1)).intValue())")
        printed.append(Self.message { try heap.dict().setValue(heap.none, forKey: p) })
        c = try heap.instance(ofClass: plain)
        printed.append(Self.message { _ = try p.attribute("x") })
        #expect(printed == python.map { $0.replacingOccurrences(of: "weakref.ProxyType", with: "ProxyType") })
        let isProxy = p.isWeakProxy && !r.isWeakProxy
        #expect(isProxy)
        #expect(throws: ObjectError.typeError("referent: expected weakref, got ProxyType")) { _ = try p.referent() }
    }

    @Test("a proxy's callable callback runs with the proxy when the referent dies")
    func proxyCallback() throws {
        let heap = try Heap()
        let seen = try heap.list()
        var captures = RefArray()
        captures.append(seen.copy())
        let callback = try heap.function("seen", capturing: captures) { function, arguments in
            let isProxy = arguments.element(at: 0).isWeakProxy
            try function.capture(at: 0).append(try function.heap.bool(isProxy))
            return function.heap.none
        }
        var target = try heap.instance(of: ObjectType.makeClass("ProxyTarget", attributes: []))
        let proxy = try heap.weakReferences.proxy(to: target, callback: callback)
        target = try heap.instance(of: ObjectType.makeClass("ProxyTarget2", attributes: []))
        let ran = try seen.length() == 1 && seen.item(at: 0).boolValue()
        #expect(ran)
        #expect(throws: ObjectError.referenceError("weakly-referenced object no longer exists")) {
            _ = try proxy.attribute("anything")
        }
    }
}
