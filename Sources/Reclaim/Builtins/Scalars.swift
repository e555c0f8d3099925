/// The atomic scalar types: `NoneType`, `bool`, `int` (64-bit), `float`.
/// None, True, False and the ints -5…256 are immortal singletons per heap.
extension ObjectType {
    /// `NoneType`: the type of the heap's immortal `None`.
    public static let none = ObjectType(
        name: "NoneType", kind: .none, basicSize: 0, itemSize: 0, traverse: nil, clear: nil,
        dropReferences: nil, finalizer: nil, storageBlocks: nil,
        hash: { _ in 0x4E6F_6E65 }, equals: { $0 == $1 }, equalityFamily: "NoneType",
        attributeNames: [], supportsWeakReferences: false)

    /// `bool`: `True` and `False`, hashed and compared as the integers 1 and 0.
    public static let bool = ObjectType(
        name: "bool", kind: .bool, basicSize: PayloadLayout.Number.size, itemSize: 0, traverse: nil, clear: nil,
        dropReferences: nil, finalizer: nil, storageBlocks: nil,
        hash: { Hashing.integer($0[PayloadLayout.Number.integer]) }, equals: numericEquals, equalityFamily: "number",
        attributeNames: [], supportsWeakReferences: false)

    /// `int`: a 64-bit signed integer; -5…256 are immortal per heap.
    public static let int = ObjectType(
        name: "int", kind: .int, basicSize: PayloadLayout.Number.size, itemSize: 0, traverse: nil, clear: nil,
        dropReferences: nil, finalizer: nil, storageBlocks: nil,
        hash: { Hashing.integer($0[PayloadLayout.Number.integer]) }, equals: numericEquals, equalityFamily: "number",
        attributeNames: [], supportsWeakReferences: false)

    /// `float`: a double, equal to ints and bools of the same value.
    public static let float = ObjectType(
        name: "float", kind: .float, basicSize: PayloadLayout.Number.size, itemSize: 0, traverse: nil, clear: nil,
        dropReferences: nil, finalizer: nil, storageBlocks: nil,
        hash: { Hashing.float($0[PayloadLayout.Number.float]) }, equals: numericEquals, equalityFamily: "number",
        attributeNames: [], supportsWeakReferences: false)
}

/// `1 == 1.0 == True`: ints and bools compare as integers, anything with a
/// float as doubles.
func numericEquals(_ lhs: RawRef, _ rhs: RawRef) -> Bool {
    let lhsFloat = lhs.type.kind == .float, rhsFloat = rhs.type.kind == .float
    if !lhsFloat && !rhsFloat { return lhs[PayloadLayout.Number.integer] == rhs[PayloadLayout.Number.integer] }
    let a = lhsFloat ? lhs[PayloadLayout.Number.float] : Double(lhs[PayloadLayout.Number.integer])
    let b = rhsFloat ? rhs[PayloadLayout.Number.float] : Double(rhs[PayloadLayout.Number.integer])
    return a == b
}

extension Heap {
    func createImmortals() throws(ObjectAllocationError) {
        func make(_ type: ObjectType, _ value: Int? = nil) throws(ObjectAllocationError) -> RawRef {
            let object = try allocateObject(of: type, itemCount: 0, immortal: true)
            if let value { object[PayloadLayout.Number.integer] = value }
            return object
        }
        core.pointee.none = try make(.none)
        core.pointee.falseObject = try make(.bool, 0)
        core.pointee.trueObject = try make(.bool, 1)
        for value in Heap.smallIntRange { core.pointee.smallInts.append(try make(.int, value)) }
        let empty = try make(.str)
        empty[PayloadLayout.Str.hash] = PayloadLayout.Str.unknownHash
        core.pointee.emptyString = empty
        core.pointee.emptyTuple = try make(.tuple)
    }

    /// How many immortal objects every heap has: None, True, False, the
    /// small ints, `''` and `()`.
    public static let immortalObjectCount = 3 + immortalSmallIntCount + 2

    /// `True` or `False`, immortal.
    public func bool(_ value: Bool) -> Ref {
        requireAlive("Heap.bool")
        return Ref(adopting: value ? core.pointee.trueObject! : core.pointee.falseObject!, heap: self)
    }

    /// An `int`; -5…256 are the heap's immortal small ints.
    public func int(_ value: Int) throws(ObjectAllocationError) -> Ref {
        if Heap.smallIntRange.contains(value) {
            requireAlive("Heap.int")
            return Ref(adopting: core.pointee.smallInts[value - Heap.smallIntRange.lowerBound], heap: self)
        }
        let object = try allocateObject(of: intType, itemCount: 0)
        object[PayloadLayout.Number.integer] = value
        return Ref(adopting: object, heap: self)
    }

    /// A `float`.
    public func float(_ value: Double) throws(ObjectAllocationError) -> Ref {
        let object = try allocateObject(of: .float, itemCount: 0)
        object[PayloadLayout.Number.float] = value
        return Ref(adopting: object, heap: self)
    }
}

extension Ref {
    /// Whether this is `None`.
    public var isNone: Bool { raw.type.kind == .none }

    /// The value of an `int` or `bool`.
    public func intValue() throws(ObjectError) -> Int {
        let kind = raw.type.kind
        guard kind == .int || kind == .bool else { throw .typeError("expected int, got \(raw.type.name)") }
        return raw[PayloadLayout.Number.integer]
    }

    /// The value of a `float` (or an `int` or `bool`, converted).
    public func floatValue() throws(ObjectError) -> Double {
        switch raw.type.kind {
        case .float: return raw[PayloadLayout.Number.float]
        case .int, .bool: return Double(raw[PayloadLayout.Number.integer])
        default: throw .typeError("expected float, got \(raw.type.name)")
        }
    }

    /// The truth of a `bool`.
    public func boolValue() throws(ObjectError) -> Bool {
        guard raw.type.kind == .bool else { throw .typeError("expected bool, got \(raw.type.name)") }
        return raw[PayloadLayout.Number.integer] != 0
    }
}
