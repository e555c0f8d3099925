// Unsafe code here: a function's payload holds its code as a retained
// `Unmanaged<FunctionCode>`. Invariants: the word is set once, right after
// allocation and before the function is handed out; it is released once,
// in `dropReferences`; nothing reads it after.

/// `function`: a heap object made of Swift code and the heap objects the
/// code uses, its *captures* — what a closure of the runtime's language
/// is, and what CPython's functions and bound methods are: ordinary
/// objects the collector traverses. A function is callable (``Ref/call(_:)``)
/// wherever the heap takes a callable: weak reference callbacks and
/// `weakref.finalize` actions.
///
/// The code must reach heap objects only through its captures (and its
/// arguments): a heap object kept in a Swift closure is invisible to the
/// collector, so a cycle through it could never be collected.
///
/// Payload (through ``ObjectPayload``): the count word, the code (a
/// retained `FunctionCode`), then one reference per capture — 0 once the
/// collector has cleared it.
extension ObjectType {
    /// `function`: Swift code with the heap objects it captures (see ``Heap/function(_:capturing:_:)``).
    public static let function = ObjectType(
        name: "function", kind: .function, basicSize: FunctionLayout.capturesOffset, itemSize: PayloadLayout.wordSize,
        traverse: { object, visit in
            let payload = object.payload
            for index in 0..<payload.itemCount {
                if let capture = payload.reference(at: payload.offset(ofItem: index)) { visit(capture) }
            }
        },
        clear: { object, _ in FunctionLayout.clearCaptures(object) },
        dropReferences: { object, _ in
            FunctionLayout.clearCaptures(object)
            FunctionLayout.code(of: object).release()
        },
        finalizer: nil, storageBlocks: nil,
        hash: ObjectType.identityHash, equals: ObjectType.identityEquals,
        equalityFamily: "function", attributeNames: [], supportsWeakReferences: true,
        call: { function, arguments in
            try FunctionLayout.code(of: function.raw).takeUnretainedValue().body(function, arguments)
        })
}

/// A function's name and body, kept by the function object.
final class FunctionCode {
    let name: String
    let body: ObjectType.Call

    init(name: String, body: @escaping ObjectType.Call) {
        self.name = name
        self.body = body
    }
}

/// Where a function keeps its code and its captures.
enum FunctionLayout {
    static let codeOffset = 8
    static let capturesOffset = 16

    static func code(of function: RawRef) -> Unmanaged<FunctionCode> {
        Unmanaged.fromOpaque(function.payload.load(UnsafeRawPointer.self, at: codeOffset))
    }

    /// Empties each capture, last first, releasing it after its slot is empty.
    static func clearCaptures(_ function: RawRef) {
        let payload = function.payload
        for index in (0..<payload.itemCount).reversed() {
            _ = payload.takeReference(at: payload.offset(ofItem: index))
        }
    }
}

extension Heap {
    /// A new function named `name` that runs `body` with the objects in
    /// `captures`, which it holds, the collector traversing them
    /// (`lambda` in Python, with its closure cells).
    ///
    /// `body` receives the function, borrowed — its captures are
    /// ``Ref/capture(at:)`` — and the call's arguments, and returns the
    /// result (``none`` for none). It must not keep heap objects itself.
    ///
    /// ```swift
    /// var captures = RefArray()
    /// captures.append(try heap.list())
    /// let log = try heap.function("log", capturing: captures) { function, arguments in
    ///     let list = try function.capture(at: 0)
    ///     try list.append(arguments.element(at: 0))
    ///     return function.heap.none
    /// }
    /// ```
    ///
    /// - Throws: ``ObjectError/memoryError(_:)`` when the function cannot be allocated.
    public func function(
        _ name: String, capturing captures: consuming RefArray = RefArray(), _ body: @escaping ObjectType.Call
    ) throws(ObjectError) -> Ref {
        for index in 0..<captures.count {
            checkOwnership(captures.raw(at: index), "Heap.function(_:capturing:_:)")
        }
        // Allocating may collect: the captures stay held by the array until moved in.
        let function: Ref
        do {
            function = Ref(adopting: try allocateObject(of: .function, itemCount: captures.count, immortal: false), heap: self)
        } catch {
            throw .memoryError(error)
        }
        let payload = function.raw.payload
        let code = Unmanaged.passRetained(FunctionCode(name: name, body: body))
        payload.store(UnsafeRawPointer(code.toOpaque()), at: FunctionLayout.codeOffset)
        while let capture = captures.popLast() {
            payload.initializeReference(at: payload.offset(ofItem: captures.count), to: capture)
        }
        return function
    }
}

extension Ref {
    /// Whether the object can be called: its type has a ``ObjectType/call`` (`callable()`).
    public var isCallable: Bool { raw.withType { $0.call != nil } }

    /// Calls the object with `arguments` and returns the result.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when the object is not
    ///   callable; whatever the call throws.
    public func call(_ arguments: borrowing RefArray) throws -> Ref {
        guard let call = raw.withType({ $0.call }) else {
            throw ObjectError.typeError("'\(raw.type.name)' object is not callable")
        }
        return try call(self, arguments)
    }

    /// Calls the object with no arguments (see ``call(_:)``).
    public func call() throws -> Ref { try call(RefArray()) }

    /// Calls the object with one argument (see ``call(_:)``).
    public func call(with argument: consuming Ref) throws -> Ref {
        var arguments = RefArray()
        arguments.append(argument)
        return try call(arguments)
    }

    /// A function's name (`__name__`).
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when this is not a function.
    public func functionName() throws(ObjectError) -> String {
        try requireKind(.function, "functionName")
        return FunctionLayout.code(of: raw).takeUnretainedValue().name
    }

    /// How many objects a function captures.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when this is not a function.
    public func captureCount() throws(ObjectError) -> Int {
        try requireKind(.function, "captureCount")
        return raw.payload.itemCount
    }

    /// Capture `index` of a function, a new reference.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when this is not a function;
    ///   ``ObjectError/indexError(_:)`` when there is no capture `index`, or
    ///   the collector has cleared it (only code that sees a function
    ///   after its cycle was broken — a finalizer that resurrects it — can).
    public func capture(at index: Int) throws(ObjectError) -> Ref {
        let count = try captureCount()
        guard index >= 0 && index < count else {
            throw .indexError("function capture index \(index) is outside 0..<\(count)")
        }
        guard let capture = raw.payload.reference(at: raw.payload.offset(ofItem: index)) else {
            throw .indexError("function capture \(index) has been cleared")
        }
        return Ref(retaining: capture, heap: heap)
    }
}
