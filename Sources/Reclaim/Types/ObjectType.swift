// Unsafe code here: a type's `storageBlocks` lists raw blocks.
// Invariants: each block listed is one the heap allocated for the object, with
// the byte count it was allocated with, valid until the object changes.

import Jemalloc

/// A type descriptor: what the heap and the collector need to know about
/// the objects of one type. The built-in types are made through this same
/// API; so are yours.
///
/// Layout: every object has ``basicSize`` payload bytes after its header,
/// plus ``itemSize`` bytes per item for variable-size types, whose first
/// payload word then holds the item count (and counts toward `basicSize`).
///
/// A type with a ``traverse`` function is a *container*: its objects carry
/// a gc word and are tracked by the cycle collector. A type without one is
/// *atomic* and never tracked.
public final class ObjectType: @unchecked Sendable, CustomStringConvertible, Hashable {
    /// Calls `visit` with each object this one holds a strong reference to.
    public typealias Traverse = (_ object: RawRef, _ visit: (RawRef) -> Void) -> Void
    /// Releases every reference the object holds and frees its out-of-line
    /// storage; leaves the object's own block alone. Runs when it dies.
    public typealias DropReferences = (_ object: RawRef, _ heap: Heap) -> Void
    /// Drops the object's references so a cycle through it breaks, leaving
    /// it valid (empty) — used by the collector.
    public typealias Clear = (_ object: RawRef, _ heap: Heap) -> Void
    /// CPython's `__del__`: runs once before the object dies; may resurrect it.
    public typealias Finalizer = (_ object: borrowing Ref) throws -> Void
    /// The out-of-line blocks of an object (for sizes and accounting):
    /// address and requested byte count of each.
    public typealias StorageBlocks = (_ object: RawRef) -> [(block: UnsafeRawPointer, byteCount: Int)]
    /// A hash for use as a dict key or set member; throws when unhashable.
    public typealias Hash = (_ object: RawRef) throws -> Int
    /// Equality for dict keys and set members (both of this type, or of any
    /// type in the same ``equalityFamily``).
    public typealias Equals = (_ lhs: RawRef, _ rhs: RawRef) -> Bool
    /// Calls an object of the type (CPython's `tp_call`): receives the
    /// object and the arguments, borrowed, and returns the result (the
    /// heap's `None` for none). Makes the type callable: its objects can
    /// be weak reference callbacks and `finalize` actions.
    public typealias Call = (_ callee: borrowing Ref, _ arguments: borrowing RefArray) throws -> Ref

    /// Python's `object.__hash__`: a hash of `object`'s identity (its
    /// address), the default of custom types and of classes.
    public static func identityHash(_ object: RawRef) -> Int { Hashing.integer(Int(bitPattern: object.pointer) >> 4) }

    /// Python's `object.__eq__`: an object equals only itself.
    public static func identityEquals(_ lhs: RawRef, _ rhs: RawRef) -> Bool { lhs == rhs }

    /// The type's name, as `type(x).__name__` gives it.
    public let name: String
    /// Fixed payload bytes after the header (a multiple of 8).
    public let basicSize: Int
    /// Bytes per item of a variable-size type; 0 for fixed-size types.
    public let itemSize: Int
    /// Lists the object's strong references; having one makes the type a container.
    public let traverse: Traverse?
    /// Breaks the object's references for the collector (see ``Clear``).
    public let clear: Clear?
    /// Releases the object's references and storage when it dies (see ``DropReferences``).
    public let dropReferences: DropReferences?
    /// The objects' `__del__`, if the type has one (see ``Finalizer``).
    public let finalizer: Finalizer?
    /// Lists the object's out-of-line blocks; `nil` when it has none.
    public let storageBlocks: StorageBlocks?
    /// Hashes an object as a dict key or set member; `nil` makes the type unhashable.
    public let hash: Hash?
    /// Compares dict keys and set members; `nil` makes them equal only to themselves.
    public let equals: Equals?
    /// Types whose values can compare equal to each other (`1 == 1.0 == True`).
    public let equalityFamily: String
    /// Calls an object of the type; `nil` when its objects are not callable.
    public let call: Call?
    /// For instance types: the attribute names, one slot each — the base
    /// class's first, then the class's own.
    public let attributeNames: [String]
    /// For a class made with a base class: that class (single inheritance).
    public let base: ObjectType?
    /// For a class whose instances have an attribute dictionary: the slot
    /// of `__dict__` (``dictionaryAttribute``).
    let dictionarySlot: Int?

    /// The name of the attribute that holds an instance's attribute
    /// dictionary, when its class has one.
    public static let dictionaryAttribute = "__dict__"

    /// Whether instances keep attributes beyond the named ones in an
    /// attribute dictionary (`__dict__`).
    public var hasAttributeDictionary: Bool { dictionarySlot != nil }

    /// Whether this type is `other` or derives from it (`issubclass`).
    public func isSubtype(of other: ObjectType) -> Bool {
        var type: ObjectType? = self
        while let current = type {
            if current === other { return true }
            type = current.base
        }
        return false
    }
    /// Whether weak references to its objects may be made.
    public let supportsWeakReferences: Bool

    /// Index of this type in per-heap counters.
    let index: Int
    /// Which built-in this is, for fast type checks.
    @usableFromInline let kind: Kind
    /// Attribute slots of an instance type; 0 for every other type.
    @usableFromInline let instanceSlotCount: Int
    /// For fixed-size types: the bytes of an object's block (gc word,
    /// header, payload, rounded to 8) and the size class jemalloc gives it.
    let fixedBlockSize: Int
    let fixedRealSize: Int
    /// The header flags a new object of this type starts with.
    let initialFlags: UInt16

    @usableFromInline
    enum Kind { case none, bool, int, float, str, bytes, tuple, list, dict, set, instance, weakReference, function, classObject, custom }

    /// Creates a type.
    ///
    /// - Parameters:
    ///   - basicSize: fixed payload bytes (a multiple of 8), including the
    ///     item count word of a variable-size type.
    ///   - itemSize: bytes per item, 0 for fixed-size types.
    ///   - traverse: makes the type a container the collector tracks.
    ///   - hash: by default ``identityHash(_:)``, as Python's `object`;
    ///     pass `nil` for an unhashable type.
    ///   - equals: by default ``identityEquals(_:_:)``, as Python's `object`.
    ///   - call: makes the objects callable (see ``Call``).
    public convenience init(
        name: String, basicSize: Int, itemSize: Int = 0,
        traverse: Traverse? = nil, clear: Clear? = nil, dropReferences: DropReferences? = nil,
        finalizer: Finalizer? = nil, storageBlocks: StorageBlocks? = nil,
        hash: Hash? = ObjectType.identityHash, equals: Equals? = ObjectType.identityEquals,
        call: Call? = nil, supportsWeakReferences: Bool = false
    ) {
        self.init(name: name, kind: .custom, basicSize: basicSize, itemSize: itemSize, traverse: traverse,
                  clear: clear, dropReferences: dropReferences, finalizer: finalizer,
                  storageBlocks: storageBlocks, hash: hash, equals: equals, equalityFamily: name,
                  attributeNames: [], supportsWeakReferences: supportsWeakReferences, call: call)
    }

    init(name: String, kind: Kind, basicSize: Int, itemSize: Int, traverse: Traverse?, clear: Clear?,
         dropReferences: DropReferences?, finalizer: Finalizer?, storageBlocks: StorageBlocks?,
         hash: Hash?, equals: Equals?, equalityFamily: String, attributeNames: [String],
         supportsWeakReferences: Bool, base: ObjectType? = nil, call: Call? = nil, owningHeapID: UInt16? = nil) {
        precondition(basicSize >= 0 && basicSize % 8 == 0, "ObjectType \(name): basicSize must be a multiple of 8")
        precondition(itemSize >= 0, "ObjectType \(name): itemSize must not be negative")
        precondition(itemSize == 0 || basicSize >= 8, "ObjectType \(name): a variable-size type needs its count word")
        self.name = name
        self.kind = kind
        self.basicSize = basicSize
        self.itemSize = itemSize
        self.traverse = traverse
        self.isContainer = traverse != nil
        self.hasFinalizer = finalizer != nil
        self.isUncollectable = traverse != nil && clear == nil && kind != .instance
        self.needsHeldCollection = finalizer != nil || self.isUncollectable
        self.clear = clear
        self.dropReferences = dropReferences
        self.finalizer = finalizer
        self.storageBlocks = storageBlocks
        self.hash = hash
        self.equals = equals
        self.equalityFamily = equalityFamily
        self.call = call
        self.attributeNames = attributeNames
        self.instanceSlotCount = kind == .instance ? attributeNames.count : 0
        self.base = base
        self.dictionarySlot = kind == .instance ? attributeNames.firstIndex(of: ObjectType.dictionaryAttribute) : nil
        let gc = traverse != nil ? ObjectHeader.gcWordSize : 0
        self.fixedBlockSize = (gc + ObjectHeader.size + basicSize + 7) & ~7
        self.fixedRealSize = Allocator.sizeClass(forByteCount: fixedBlockSize) ?? fixedBlockSize
        self.initialFlags = HeaderFlags.liveMagic.rawValue | (gc != 0 ? HeaderFlags.hasGCWord.rawValue : 0)
        self.supportsWeakReferences = supportsWeakReferences
        self.owningHeapID = owningHeapID
        self.hasClassObject = owningHeapID != nil
        self.traversedSlotCount = self.instanceSlotCount + (owningHeapID != nil ? 1 : 0)
        self.madeByConstructorOnly = owningHeapID != nil || kind == .function || kind == .classObject
        self.index = ObjectType.registry.withLock { $0.takeIndex() }
        ObjectType.registry.withLock { $0.add(self) }
    }

    deinit {
        // Only a class owned by a class object is ever freed: it left the
        // registry when its class object died.
        let index = self.index
        ObjectType.registry.withLock { $0.giveBack(index) }
    }

    /// Whether objects of this type are tracked by the collector (it has ``traverse``).
    public let isContainer: Bool
    let hasFinalizer: Bool
    /// A container without `clear`: the collector cannot break a cycle
    /// through it, so garbage that includes it goes to `gc.garbage`.
    let isUncollectable: Bool
    /// Whether the collector must hold garbage of this type while user
    /// code runs: it has a finalizer, or is uncollectable.
    let needsHeldCollection: Bool

    /// As Python prints a class: `<class 'name'>`.
    public var description: String { "<class '\(name)'>" }

    /// Types are equal only when they are the same descriptor.
    public static func == (lhs: ObjectType, rhs: ObjectType) -> Bool { lhs === rhs }
    /// Hashes the descriptor's identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    /// The live types (see ``TypeRegistry``).
    static let registry = ProcessLock(TypeRegistry())

    // MARK: Class objects

    /// Whether the type is owned by a class object (``Heap/makeClass(_:attributes:base:hasAttributeDictionary:supportsWeakReferences:finalizer:call:)``),
    /// which each instance holds in a slot after its attributes.
    let hasClassObject: Bool
    /// The heap of the class object that owns the type, if one does.
    let owningHeapID: UInt16?
    /// Whether objects of the type must be made by their own constructor
    /// (`Heap.instance(of:)`, `Heap.function`, `Heap.makeClass`), which
    /// fills fields `allocateObject(of:)` would leave empty.
    let madeByConstructorOnly: Bool
    /// An instance's attribute slots and, for a class with a class object,
    /// the slot holding that: the slots the collector traverses.
    @usableFromInline let traversedSlotCount: Int
    /// The class object that owns the type, while it lives (set once, when
    /// it is made; cleared when it dies). Not retained: it retains the type.
    /// Read and written only by the thread that owns the class object's heap.
    var owningClassObject: RawRef?
    /// Whether the class object that owned the type has died: no instance
    /// of it can be made any more.
    var classObjectDied = false
}
