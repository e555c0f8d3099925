import Reclaim

/// A tiny Lisp whose every value lives on a Reclaim heap: what a runtime
/// author copies from. Numbers are ints, symbols strs, code and data
/// lists; environments, closures and objects are instances of classes
/// this interpreter makes, so that reference counting frees what a
/// program drops and the cycle collector what it leaves in cycles — an
/// environment and the closure made in it refer to each other.
///
/// Special forms: `(define name value)`, `(set! name value)`, `(del name)`,
/// `(lambda (params…) body…)`, `(if test then else)`, `(begin forms…)`,
/// `(quote datum)`, `(class Name [finalizer])`, `(get object attribute)`,
/// `(set object attribute value)`.
/// Built-ins: `+ - * < =`, `print`, `list`, `len`, `new`, `gc-collect`,
/// `gc-is-tracked`, `weakref` (with an optional callback), `deref`,
/// `finalize` (object, function, arguments…).
///
/// Classes are class objects bound to their name: a program that makes
/// classes as it runs frees those it no longer uses. Closures are
/// callable, so they serve as finalizers (`__del__`), weak reference
/// callbacks and `finalize` actions — held by the heap, where the
/// collector sees them, never by Swift.
public final class Interpreter {
    /// The heap every value of the program lives on.
    public let heap: Heap
    /// Environments: bindings in the attribute dictionary, the enclosing one in `parent`.
    let environmentClass = ObjectType.makeClass("Environment", attributes: ["parent"], hasAttributeDictionary: true)
    /// Closures: parameter names, body forms and the environment they
    /// close over; callable, so the heap can call them back.
    let lambdaClass: ObjectType
    /// The global environment (one element: what the program holds).
    var globals = RefArray()
    /// What `print` printed, line by line.
    public private(set) var output: [String] = []

    /// What went wrong in a program: a message in the language's terms.
    public struct Failure: Error, CustomStringConvertible {
        /// The message.
        public var description: String
    }

    /// An interpreter on a new heap.
    public init() throws {
        heap = try Heap()
        // The interpreter outlives every call: `finish()` ends the heap first.
        weak var interpreter: Interpreter?
        lambdaClass = ObjectType.makeClass("Lambda", attributes: ["params", "body", "env"], call: { closure, arguments in
            guard let interpreter else { throw Failure(description: "the interpreter has finished") }
            return try interpreter.call(closure, arguments)
        })
        globals.append(try heap.instance(of: environmentClass))
        interpreter = self
    }

    /// Ends the program as an interpreter exits: its roots go, the
    /// finalizers of what is still alive run (``Heap/shutdown()``), then
    /// everything is freed. Returns what the finalizers printed. (Not from
    /// `deinit`: the classes' finalizers call back into the interpreter,
    /// which must still be alive.)
    @discardableResult
    public func finish() -> [String] {
        let first = output.count
        // Out of `globals` first: the finalizers that releasing it runs
        // must not meet the array in the middle of a change.
        var dropped = RefArray()
        swap(&dropped, &globals)
        dropped.removeAll()
        heap.shutdown()
        return Array(output[first...])
    }

    /// Runs `source` in the global environment; returns what it printed.
    @discardableResult
    public func run(_ source: String) throws -> [String] {
        let first = output.count
        let program = try Reader(heap: heap).read(source)
        try program.forEach { form in
            _ = try globals.withElement(at: 0) { global in try evaluate(form, in: global) }
        }
        return Array(output[first...])
    }

    // MARK: Evaluation

    func evaluate(_ form: borrowing Ref, in env: borrowing Ref) throws -> Ref {
        if form.type === ObjectType.str { return try lookup(try form.stringValue(), in: env) }
        guard form.type === ObjectType.list else { return form.copy() }   // ints and None evaluate to themselves
        guard try form.length() > 0 else { return heap.none }
        let head = try form.item(at: 0)
        if head.type === ObjectType.str, let special = try special(try head.stringValue(), form, env) {
            return special
        }
        let function = try evaluate(head, in: env)
        var arguments = RefArray()
        for index in 1..<(try form.length()) { arguments.append(try evaluate(try form.item(at: index), in: env)) }
        guard function.type === lambdaClass else { throw Failure(description: "not a function: \(try show(function))") }
        return try function.call(arguments)
    }

    /// A special form or built-in named `name`, or nil for a call.
    func special(_ name: String, _ form: borrowing Ref, _ env: borrowing Ref) throws -> Ref? {
        func argument(_ index: Int) throws -> Ref { try form.item(at: index) }
        func value(_ index: Int) throws -> Ref { try evaluate(try form.item(at: index), in: env) }
        switch name {
        case "quote": return try argument(1)
        case "define":
            try bindings(of: env).setValue(try value(2), forKey: try argument(1))
            return heap.none
        case "set!":
            let target = try argument(1)
            var scope = env.copy()
            while try bindings(of: scope).value(forKey: target) == nil {
                guard let parent = try? scope.attribute("parent") else { throw Failure(description: "set!: \(try target.stringValue()) is not bound") }
                scope = parent
            }
            try bindings(of: scope).setValue(try value(2), forKey: target)
            return heap.none
        case "del":
            guard try bindings(of: env).removeValue(forKey: try argument(1)) != nil else {
                throw Failure(description: "del: \(try argument(1).stringValue()) is not bound here")
            }
            return heap.none
        case "lambda":
            let closure = try heap.instance(of: lambdaClass)
            try closure.setAttribute("params", to: try argument(1))
            try closure.setAttribute("body", to: try form.items(from: 2))
            try closure.setAttribute("env", to: env)
            return closure
        case "if":
            let branch = try isTrue(try value(1)) ? 2 : 3
            return branch < (try form.length()) ? try value(branch) : heap.none
        case "begin":
            var result = heap.none
            for index in 1..<(try form.length()) { result = try value(index) }
            return result
        case "class":
            // `(class Name finalizer)`: a class whose instances take any
            // attribute; the finalizer lambda is its `__del__`.
            let made = try heap.makeClass(try argument(1).stringValue(), attributes: [], hasAttributeDictionary: true,
                                          finalizer: try form.length() > 2 ? try value(2) : nil)
            try bindings(of: env).setValue(made, forKey: try argument(1))
            return heap.none
        case "get": return try value(1).attribute(try argument(2).stringValue())
        case "set":
            try value(1).setAttribute(try argument(2).stringValue(), to: try value(3))
            return heap.none
        default:
            return try builtin(name, form, env)
        }
    }

    /// The built-ins, on evaluated arguments; nil when `name` is none.
    func builtin(_ name: String, _ form: borrowing Ref, _ env: borrowing Ref) throws -> Ref? {
        let builtins: Set = ["+", "-", "*", "<", "=", "print", "list", "len", "new", "gc-collect", "gc-is-tracked",
                             "weakref", "deref", "finalize"]
        guard builtins.contains(name) else { return nil }
        var values = RefArray()
        for index in 1..<(try form.length()) { values.append(try evaluate(try form.item(at: index), in: env)) }
        func int(_ index: Int) throws -> Int { try values.withElement(at: index) { try $0.intValue() } }
        switch name {
        case "+": return try heap.int((0..<values.count).reduce(0) { $0 + (try int($1)) })
        case "*": return try heap.int((0..<values.count).reduce(1) { $0 * (try int($1)) })
        case "-": return try heap.int(try int(0) - (try int(1)))
        case "<": return heap.bool(try int(0) < (try int(1)))
        case "=": return heap.bool(try int(0) == (try int(1)))
        case "print":
            output.append(try (0..<values.count).map { index in try values.withElement(at: index) { try show($0) } }.joined(separator: " "))
            return heap.none
        case "list":
            let list = try heap.list()
            for index in 0..<values.count { try values.withElement(at: index) { try list.append($0) } }
            return list
        case "len": return try heap.int(try values.withElement(at: 0) { try $0.length() })
        case "gc-collect": return try heap.int(heap.collector.collect())
        case "gc-is-tracked": return heap.bool(values.withElement(at: 0) { heap.collector.isTracked($0) })
        case "new": return try values.withElement(at: 0) { try heap.instance(ofClass: $0) }
        case "weakref":
            let object = values.element(at: 0)
            guard values.count > 1 else { return try heap.weakReferences.reference(to: object) }
            return try heap.weakReferences.reference(to: object, callback: values.element(at: 1))
        case "finalize":
            let object = values.element(at: 0), function = values.element(at: 1)
            var arguments = RefArray()
            for index in 2..<values.count { arguments.append(values.element(at: index)) }
            try heap.weakReferences.finalize(object, calling: function, with: arguments)
            return heap.none
        default: return try values.withElement(at: 0) { try $0.referent() } ?? heap.none   // deref
        }
    }

    /// Calls a closure with `arguments`, in a new environment whose parent
    /// is the one it closes over (the `call` of `Lambda`).
    func call(_ function: borrowing Ref, _ arguments: borrowing RefArray) throws -> Ref {
        let scope = try heap.instance(of: environmentClass)
        try scope.setAttribute("parent", to: try function.attribute("env"))
        let parameters = try function.attribute("params")
        guard try parameters.length() == arguments.count else {
            throw Failure(description: "expected \(try parameters.length()) arguments, got \(arguments.count)")
        }
        for index in 0..<arguments.count {
            try arguments.withElement(at: index) { try bindings(of: scope).setValue($0, forKey: try parameters.item(at: index)) }
        }
        var result = heap.none
        try function.attribute("body").forEach { form in result = try evaluate(form, in: scope) }
        return result
    }

    // MARK: Environments, classes, values

    /// An environment's bindings: its attribute dictionary, made on first use.
    func bindings(of env: borrowing Ref) throws -> Ref {
        if let existing = try? env.attribute(ObjectType.dictionaryAttribute) { return existing }
        try env.setAttribute(ObjectType.dictionaryAttribute, to: try heap.dict())
        return try env.attribute(ObjectType.dictionaryAttribute)
    }

    /// The value bound to `name` in `env` or an enclosing environment.
    func lookup(_ name: String, in env: borrowing Ref) throws -> Ref {
        let key = try heap.str(name)
        var scope = env.copy()
        while true {
            if let value = try bindings(of: scope).value(forKey: key) { return value }
            guard let parent = try? scope.attribute("parent") else { throw Failure(description: "unbound symbol: \(name)") }
            scope = parent
        }
    }

    func isTrue(_ value: borrowing Ref) throws -> Bool {
        if value.type === ObjectType.none { return false }
        if value.type === ObjectType.bool { return try value.boolValue() }
        if value.type === ObjectType.int { return try value.intValue() != 0 }
        return true
    }

    /// How `print` shows a value.
    func show(_ value: borrowing Ref) throws -> String {
        let type = value.type
        if type === ObjectType.int { return String(try value.intValue()) }
        if type === ObjectType.str { return try value.stringValue() }
        if type === ObjectType.none { return "nil" }
        if type === ObjectType.bool { return try value.boolValue() ? "true" : "false" }
        if type === ObjectType.list {
            var items: [String] = []
            try value.forEach { items.append(try show($0)) }
            return "(" + items.joined(separator: " ") + ")"
        }
        if type === lambdaClass { return "<lambda>" }
        if value.isClass { return "<class \(try value.instanceType().name)>" }
        if type === ObjectType.weakReference { return "<weakref>" }
        return "<\(type.name)>"
    }
}
