// Unsafe code here: a class object's payload holds its instances' type as
// a retained `Unmanaged<ObjectType>`. Invariants: the word is set once,
// right after allocation and before the class object is handed out; it
// is released once, when the class object dies or its heap is destroyed,
// after which the word is 0 and nothing reads it.

/// Class objects: classes made at run time as heap objects of type `type`,
/// as CPython's heap types are. A class object owns its instances' type
/// descriptor and holds its class attributes in a dict and its base
/// class; every instance holds its class object, so the class lives as
/// long as an instance, a subclass or a reference does — and then dies,
/// its type leaving the process's registry. A class object can be in a
/// cycle (through its attributes), be garbage, and be weakly referenced.
///
/// Payload (``ObjectPayload``): the type (a retained `ObjectType`), the
/// class attribute dict, the base class object (0 for none).
extension ObjectType {
    /// `type`: class objects made by ``Heap/makeClass(_:attributes:base:hasAttributeDictionary:supportsWeakReferences:finalizer:call:)``.
    public static let classObject = ObjectType(
        name: "type", kind: .classObject, basicSize: ClassObjectLayout.size, itemSize: 0,
        traverse: { object, visit in
            if let attributes = object.payload.reference(at: ClassObjectLayout.attributesOffset) { visit(attributes) }
            if let base = object.payload.reference(at: ClassObjectLayout.baseOffset) { visit(base) }
        },
        // As CPython's type_clear: the attributes go; the base stays until the class dies.
        clear: { object, _ in _ = object.payload.takeReference(at: ClassObjectLayout.attributesOffset) },
        dropReferences: { object, heap in ClassObjectLayout.die(object, heap: heap) },
        finalizer: nil, storageBlocks: nil,
        hash: ObjectType.identityHash, equals: ObjectType.identityEquals,
        equalityFamily: "type", attributeNames: [], supportsWeakReferences: true)
}

extension ObjectType {
    /// Checked builds: the type a freed instance of a class with a class
    /// object names, since its class may be gone when a stale reference
    /// is caught.
    static let freedClassInstance = ObjectType.makeClass("instance of a run-time class", attributes: [])
}

/// Where a class object keeps its type, attributes and base.
enum ClassObjectLayout {
    static let typeOffset = 0
    static let attributesOffset = 8
    static let baseOffset = 16
    static let size = 24

    static func instanceType(of classObject: RawRef) -> ObjectType {
        Unmanaged<ObjectType>.fromOpaque(classObject.payload.load(UnsafeRawPointer.self, at: typeOffset))
            .takeUnretainedValue()
    }

    /// The class object an instance of a class with one holds.
    static func classObject(ofInstance instance: RawRef, type: ObjectType) -> RawRef? {
        instance.instanceSlots(count: type.traversedSlotCount)[type.instanceSlotCount]
    }

    /// The value of class attribute `name` on `classObject` or the first of
    /// its bases that has it (Python's lookup along the MRO of single inheritance).
    static func lookUp(_ name: String, from classObject: RawRef, heap: Heap) throws(ObjectError) -> RawRef? {
        let key: Ref
        do {
            key = try heap.str(name)
        } catch {
            throw .memoryError(error)
        }
        var current: RawRef? = classObject
        while let next = current {
            if let attributes = next.payload.reference(at: attributesOffset),
               let value = try? heap.dictGet(attributes, key: key.raw) {
                return value
            }
            current = next.payload.reference(at: baseOffset)
        }
        return nil
    }

    /// The class object dies: its attributes and base go, then its type
    /// leaves the registry and is let go.
    static func die(_ classObject: RawRef, heap: Heap) {
        _ = classObject.payload.takeReference(at: attributesOffset)
        _ = classObject.payload.takeReference(at: baseOffset)
        releaseType(of: classObject, heap: heap)
    }

    /// Marks the type dead, takes it out of the registry and the heap's
    /// growth baseline, and releases the class object's hold on it.
    static func releaseType(of classObject: RawRef, heap: Heap) {
        let word = classObject.payload.load(UnsafeRawPointer?.self, at: typeOffset)
        guard let word else { return }
        classObject.payload.store(UnsafeRawPointer?.none, at: typeOffset)
        let type = Unmanaged<ObjectType>.fromOpaque(word)
        type._withUnsafeGuaranteedRef { type in
            #if DEBUG
            precondition(heap.isDestroyed || heap.liveObjectCount(of: type) == 0,
                         "class \(type.name) dies with \(heap.liveObjectCount(of: type)) instances alive")
            #endif
            type.owningClassObject = nil
            type.classObjectDied = true
            ObjectType.registry.withLock { $0.remove(type) }
            heap.core.pointee.growthBaseline[type.index] = nil
        }
        type.release()
    }
}

extension Heap {
    /// A new class, as a class object (Python's `class` statement): a heap
    /// object of type `type` that owns its instances' type, holds its class
    /// attributes, and dies when nothing refers to it — not its instances
    /// (each holds it), not its subclasses, not a reference — so a program
    /// that makes classes as it runs does not grow (see ``TypeRegistry``).
    ///
    /// The three references it takes are consumed: pass a `copy()` of one
    /// kept for later.
    ///
    /// - Parameters:
    ///   - attributes: the names of the instances' slots, after the base's.
    ///   - base: the class object this class derives from; its slots,
    ///     attribute dictionary, weak references, finalizer and call are
    ///     inherited, and its class attributes are found through this one's.
    ///   - hasAttributeDictionary: instances take attributes beyond `attributes` too.
    ///   - finalizer: a callable `__del__`, called with the instance. It is
    ///     a class attribute: the collector sees what it holds. (Only a class
    ///     made with one, or derived from one, runs finalizers.)
    ///   - call: a callable `__call__`, called with the instance and the
    ///     call's arguments: instances are callable.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when `base` is not a class
    ///   object or `finalizer` or `call` is not callable;
    ///   ``ObjectError/memoryError(_:)`` when the class cannot be allocated.
    public func makeClass(
        _ name: String, attributes: [String], base: consuming Ref? = nil, hasAttributeDictionary: Bool = false,
        supportsWeakReferences: Bool = true, finalizer: consuming Ref? = nil, call: consuming Ref? = nil
    ) throws(ObjectError) -> Ref {
        let operation = "Heap.makeClass"
        let baseObject = Ref.rawReference(base)
        let finalizerObject = Ref.rawReference(finalizer), callObject = Ref.rawReference(call)
        for object in [baseObject, finalizerObject, callObject].compactMap({ $0 }) { checkOwnership(object, operation) }
        if let baseObject, baseObject.withType({ $0.kind != .classObject }) {
            throw .typeError("\(operation): a base must be a class, not '\(baseObject.type.name)'")
        }
        for case let (role, object?) in [("__del__", finalizerObject), ("__call__", callObject)] {
            guard object.withType({ $0.call != nil }) else {
                throw .typeError("\(operation): \(role) must be callable, not '\(object.type.name)'")
            }
        }
        let baseType = baseObject.map(ClassObjectLayout.instanceType(of:))
        // Allocating may collect; the parameters hold every object used here.
        let classObject: Ref
        do {
            classObject = Ref(adopting: try allocateObject(of: .classObject, itemCount: 0, immortal: false), heap: self)
        } catch {
            throw .memoryError(error)
        }
        let attributeDictionary: Ref
        do {
            attributeDictionary = try dict()
        } catch {
            throw .memoryError(error)
        }
        for case let (role, object?) in [("__del__", finalizerObject), ("__call__", callObject)] {
            try attributeDictionary.setEntry(named: role, of: attributeDictionary.raw, to: object)
        }
        var finalizerCode: ObjectType.Finalizer?, callCode: ObjectType.Call?
        if finalizerObject != nil { finalizerCode = { this in try ClassObjectLayout.callFinalizer(this) } }
        if callObject != nil { callCode = { this, arguments in try ClassObjectLayout.callInstance(this, arguments) } }
        let type = ObjectType.makeClass(
            name, attributes: attributes, base: baseType, hasAttributeDictionary: hasAttributeDictionary,
            supportsWeakReferences: supportsWeakReferences, finalizer: finalizerCode, call: callCode,
            owningHeapID: identity.id)
        let payload = classObject.raw.payload
        payload.store(UnsafeRawPointer(Unmanaged.passRetained(type).toOpaque()), at: ClassObjectLayout.typeOffset)
        payload.initializeReference(at: ClassObjectLayout.attributesOffset, to: attributeDictionary)
        if let baseObject {
            payload.initializeReference(at: ClassObjectLayout.baseOffset, to: Ref(retaining: baseObject, heap: self))
        }
        type.owningClassObject = classObject.raw
        // Held to here: the objects read above stay alive through every allocation.
        _ = consume base
        _ = consume finalizer
        _ = consume call
        return classObject
    }

    /// A new instance of the class `classObject`, every attribute unset (calling the class).
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when `classObject` is not a
    ///   class object; ``ObjectError/memoryError(_:)`` when the instance
    ///   cannot be allocated.
    public func instance(ofClass classObject: borrowing Ref) throws(ObjectError) -> Ref {
        checkOwnership(classObject.raw, "Heap.instance(ofClass:)")
        guard classObject.raw.withType({ $0.kind == .classObject }) else {
            throw .typeError("Heap.instance(ofClass:): expected a class, got '\(classObject.raw.type.name)'")
        }
        do {
            return try instance(of: ClassObjectLayout.instanceType(of: classObject.raw))
        } catch {
            throw .memoryError(error)
        }
    }

    /// Gives a new instance of a class with a class object its reference to it.
    func attachClassObject(to instance: RawRef, type: ObjectType) {
        guard type.owningHeapID == identity.id else {
            preconditionFailure("Heap.instance(of:): class \(type.name): its class object belongs to another heap")
        }
        // At count 0 the class object is being destroyed (a weak reference
        // callback or finalize action runs): it may not come back.
        guard let classObject = type.owningClassObject, classObject.refcount > 0 else {
            preconditionFailure("Heap.instance(of:): class \(type.name): its class object has died")
        }
        classObject.retain()
        instance.instanceSlots(count: type.traversedSlotCount)[type.instanceSlotCount] = classObject
    }

    /// When a heap is destroyed, its class objects' types die with it.
    func releaseClassTypes() {
        let id = identity.id
        // Only this heap's types are read past their `let`s: the others
        // belong to other threads.
        let owned = ObjectType.registry.withLock { registry in
            registry.live.filter { $0.owningHeapID == id }
        }.compactMap(\.owningClassObject)
        for classObject in owned { ClassObjectLayout.releaseType(of: classObject, heap: self) }
    }
}

extension ClassObjectLayout {
    /// The finalizer of a class made with a callable `__del__`: looks it up
    /// from the instance's class and calls it with the instance.
    static func callFinalizer(_ this: borrowing Ref) throws {
        let heap = this.heap
        guard let classObject = this.raw.withType({ classObject(ofInstance: this.raw, type: $0) }),
              let finalizer = try lookUp("__del__", from: classObject, heap: heap) else { return }
        _ = try Ref(retaining: finalizer, heap: heap).call(with: this.copy())
    }

    /// The call of a class made with a callable `__call__`: calls it with
    /// the instance, then the arguments.
    static func callInstance(_ this: borrowing Ref, _ arguments: borrowing RefArray) throws -> Ref {
        let heap = this.heap
        guard let classObject = this.raw.withType({ classObject(ofInstance: this.raw, type: $0) }),
              let function = try lookUp("__call__", from: classObject, heap: heap) else {
            throw ObjectError.typeError("'\(this.raw.type.name)' object is not callable")
        }
        var all = RefArray()
        all.append(this.copy())
        for index in 0..<arguments.count { all.append(arguments.element(at: index)) }
        return try Ref(retaining: function, heap: heap).call(all)
    }
}

extension Ref {
    /// The object of an optional reference, borrowed.
    static func rawReference(_ reference: borrowing Ref?) -> RawRef? {
        switch reference {
        case .some(let reference): return reference.raw
        case .none: return nil
        }
    }

    /// Whether this is a class object.
    public var isClass: Bool { raw.withType { $0.kind == .classObject } }

    /// The type of a class object's instances, for ``RawRef/type`` checks
    /// and per-type figures; it lives as long as the class object.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when this is not a class object.
    public func instanceType() throws(ObjectError) -> ObjectType {
        try requireKind(.classObject, "instanceType")
        return ClassObjectLayout.instanceType(of: raw)
    }

    /// The class object of an instance whose class has one, nil for other
    /// objects (`type(x)` for runtime-made classes).
    public func classObject() -> Ref? {
        let found = raw.withType { type -> RawRef? in
            type.hasClassObject ? ClassObjectLayout.classObject(ofInstance: raw, type: type) : nil
        }
        return found.map { Ref(retaining: $0, heap: heap) }
    }
}
