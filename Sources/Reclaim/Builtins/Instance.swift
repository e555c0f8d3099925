/// User classes: instances hold named attributes, one slot each (like a
/// class with `__slots__`), and, when the class asks for it, any other
/// attribute in an attribute dictionary (`__dict__`); a class may derive
/// from another (single inheritance) and have a finalizer (`__del__`).
///
/// Payload: one slot per attribute, 0 while unset (`PayloadLayout`); the
/// attribute dictionary, made when the first attribute goes in it, is the
/// slot `__dict__`.
extension ObjectType {
    /// Makes a class whose instances have the attributes `attributes`.
    ///
    /// - Parameters:
    ///   - base: a class this one derives from: its attributes come first
    ///     (at the same slots, so code written for the base reads a
    ///     derived instance the same way), and its finalizer, attribute
    ///     dictionary and weak references are inherited.
    ///   - hasAttributeDictionary: instances take attributes beyond
    ///     `attributes` too, in a dict at `__dict__` (a Python class
    ///     without `__slots__`).
    ///   - finalizer: `__del__`; the base's when nil.
    ///   - call: `__call__`, making instances callable (see
    ///     ``ObjectType/Call``); the base's when nil.
    ///
    /// ```swift
    /// let person = ObjectType.makeClass("Person", attributes: ["name"]) { this in
    ///     print("\(try this.attribute("name").stringValue()) object is being deleted.")
    /// }
    /// let student = ObjectType.makeClass("Student", attributes: ["school"], base: person)
    /// ```
    public static func makeClass(
        _ name: String, attributes: [String], base: ObjectType? = nil, hasAttributeDictionary: Bool = false,
        supportsWeakReferences: Bool = true, finalizer: Finalizer? = nil, call: Call? = nil
    ) -> ObjectType {
        if let base {
            precondition(!base.hasClassObject,
                         "ObjectType.makeClass \(name): base \(base.name) has a class object; derive from it with Heap.makeClass")
        }
        return makeClass(name, attributes: attributes, base: base, hasAttributeDictionary: hasAttributeDictionary,
                         supportsWeakReferences: supportsWeakReferences, finalizer: finalizer, call: call,
                         owningHeapID: nil)
    }

    /// ``makeClass(_:attributes:base:hasAttributeDictionary:supportsWeakReferences:finalizer:call:)``,
    /// and for `Heap.makeClass` a class whose instances hold their class
    /// object in a slot after their attributes.
    static func makeClass(
        _ name: String, attributes: [String], base: ObjectType?, hasAttributeDictionary: Bool,
        supportsWeakReferences: Bool, finalizer: Finalizer?, call: Call?, owningHeapID: UInt16?
    ) -> ObjectType {
        let hasClassObject = owningHeapID != nil
        if let base {
            precondition(base.kind == .instance, "ObjectType.makeClass \(name): base \(base.name) is not a class")
        }
        let inheritsDictionary = base?.hasAttributeDictionary ?? false
        let names = (base?.attributeNames ?? []) + attributes
            + (hasAttributeDictionary && !inheritsDictionary ? [dictionaryAttribute] : [])
        precondition(Set(names).count == names.count, "ObjectType.makeClass \(name): attribute names repeat")
        return ObjectType(
            name: name, kind: .instance, basicSize: PayloadLayout.wordSize * (names.count + (hasClassObject ? 1 : 0)),
            itemSize: 0,
            traverse: { object, visit in
                let count = object.withType { $0.traversedSlotCount }
                object.instanceSlots(count: count).forEach { if let value = $0 { visit(value) } }
            },
            clear: { object, _ in object.clearInstance() },
            // Not the class object: destruction lets it go after the
            // block is freed (`Heap.destroyNow`), since it owns the type.
            dropReferences: { object, _ in object.clearInstance() },
            finalizer: finalizer ?? base?.finalizer, storageBlocks: nil,
            hash: ObjectType.identityHash, equals: ObjectType.identityEquals,
            equalityFamily: "instance:\(name)", attributeNames: names,
            supportsWeakReferences: supportsWeakReferences || base?.supportsWeakReferences == true, base: base,
            call: call ?? base?.call, owningHeapID: owningHeapID)
    }

    /// The slot of attribute `name`.
    func slotIndex(of name: String) -> Int? { attributeNames.firstIndex(of: name) }
}

extension RawRef {
    /// Unsets every attribute, releasing the values (an instance's `clear`
    /// and `dropReferences`).
    func clearInstance() {
        clearInstance(slotCount: withType { $0.instanceSlotCount })
    }

    /// ``clearInstance()`` for callers that hold the type already: the
    /// collector and destruction call it directly, without the type's
    /// closures. Each slot is unset before its value is released.
    ///
    /// A value that is still a candidate of the running collection — only
    /// garbage it clears without holding is, since every reachable
    /// candidate is promoted before anything is cleared — only has its
    /// count decremented: the collection frees it (see
    /// `Heap.clearUnheldGarbage`). Outside a collection no object is a
    /// candidate.
    @inline(__always)
    func clearInstance(slotCount: Int) {
        let slots = instanceSlots(count: slotCount)
        for index in slots.indices {
            guard let value = slots[index] else { continue }
            slots[index] = nil
            if value.isCollecting { value.refcount &-= 1 } else { value.release() }
        }
    }
}

extension Heap {
    /// A new instance of `type` (a class from ``ObjectType/makeClass(_:attributes:base:hasAttributeDictionary:supportsWeakReferences:finalizer:call:)``,
    /// or the ``Ref/instanceType()`` of a live class object) with every attribute unset.
    public func instance(of type: ObjectType) throws(ObjectAllocationError) -> Ref {
        precondition(type.kind == .instance, "Heap.instance(of:): \(type.name) is not a class made by ObjectType.makeClass")
        let instance = try allocateObject(of: type, itemCount: 0, immortal: false)
        if type.hasClassObject { attachClassObject(to: instance, type: type) }
        return Ref(adopting: instance, heap: self)
    }
}

extension RawRef {
    /// The unsafe layer's attribute store: sets slot `index` of an instance
    /// to `value` (retained), releasing the old value. No checks in release builds.
    @inlinable @inline(__always)
    public func setSlot(_ index: Int, to value: RawRef) {
        #if DEBUG
        checkSlot(index, "setSlot")
        #endif
        value.retain()
        let slots = instanceSlots(count: index &+ 1)
        let old = slots[index]
        slots[index] = value
        old?.release()
    }

    /// The value in slot `index` of an instance (unretained), nil when unset.
    @inlinable
    public func slot(_ index: Int) -> RawRef? {
        #if DEBUG
        checkSlot(index, "slot")
        #endif
        return instanceSlots(count: index &+ 1)[index]
    }

    @usableFromInline
    func checkSlot(_ index: Int, _ operation: StaticString) {
        checkLive(operation)
        let type = self.type
        precondition(index >= 0 && index < type.instanceSlotCount,
                     "\(type.name).\(operation): no attribute slot \(index)")
    }
}

extension Ref {
    /// Sets the attribute in slot `index` (the position of its name in the
    /// class's attribute list): the fast path of ``setAttribute(_:to:)``.
    @inlinable @inline(__always)
    public func setAttribute(slot index: Int, to value: borrowing Ref) throws(ObjectError) {
        let slots = raw.withType { $0.instanceSlotCount }
        guard index >= 0 && index < slots else {
            throw .attributeError("'\(raw.type.name)' object has no attribute slot \(index)")
        }
        if value.heapID != heapID { value.raw.reportMisuse("\(raw.type.name).setAttribute: the \(value.raw.type.name) object belongs to another heap") }
        raw.setSlot(index, to: value.raw)
    }

    /// Sets entry `name` of an attribute dictionary (an instance's or a
    /// class's) to `value`.
    func setEntry(named name: String, of dictionary: RawRef, to value: RawRef) throws(ObjectError) {
        let key = try attributeKey(name)
        do {
            try heap.dictSet(dictionary, key: key.raw, value: value)
        } catch let error as ObjectAllocationError {
            throw .memoryError(error)
        } catch {
            // A str key's hash and equality cannot throw.
            throw .typeError("setAttribute: \(error)")
        }
    }

    func noAttribute(_ name: String) -> ObjectError {
        .attributeError("'\(raw.type.name)' object has no attribute '\(name)'")
    }

    /// The instance's attribute dictionary, nil while it has none (or its
    /// class gives it none). Only a dict counts: the slot is an ordinary
    /// one to the unsafe layer's `setSlot`.
    func attributeDictionary() -> RawRef? {
        guard let slot = raw.withType({ $0.dictionarySlot }), let dictionary = raw.instanceSlots[slot],
              dictionary.withType({ $0.kind == .dict }) else { return nil }
        return dictionary
    }

    /// `name` as a str key of the attribute dictionary.
    func attributeKey(_ name: String) throws(ObjectError) -> Ref {
        do {
            return try heap.str(name)
        } catch {
            throw .memoryError(error)
        }
    }

    /// The value of attribute `name`: its slot, or else the attribute
    /// dictionary's entry, or else — for an instance of a class with a
    /// class object — the class attribute of its class or a base. On a
    /// class object: its class attribute, or a base's.
    ///
    /// - Throws: ``ObjectError/attributeError(_:)`` when there is no such
    ///   attribute (or this is neither an instance nor a class object).
    public func attribute(_ name: String) throws(ObjectError) -> Ref {
        if let target = try proxyTarget() { return try target.attribute(name) }
        if isClass {
            guard let value = try ClassObjectLayout.lookUp(name, from: raw, heap: heap) else { throw noClassAttribute(name) }
            return Ref(retaining: value, heap: heap)
        }
        try requireKind(.instance, "attribute")
        if let index = raw.type.slotIndex(of: name) {
            guard let value = raw.instanceSlots[index] else { throw noAttribute(name) }
            return Ref(retaining: value, heap: heap)
        }
        if let dictionary = attributeDictionary() {
            let key = try attributeKey(name)
            // A str key's hash and equality cannot throw.
            if let value = try? heap.dictGet(dictionary, key: key.raw) { return Ref(retaining: value, heap: heap) }
        }
        if let classObject = classObject(),
           let value = try ClassObjectLayout.lookUp(name, from: classObject.raw, heap: heap) {
            return Ref(retaining: value, heap: heap)
        }
        throw noAttribute(name)
    }

    func noClassAttribute(_ name: String) -> ObjectError {
        .attributeError("type object '\(ClassObjectLayout.instanceType(of: raw).name)' has no attribute '\(name)'")
    }

    /// A class object's own attribute dictionary; nil once the collector has cleared it.
    func classAttributes(_ name: String) throws(ObjectError) -> RawRef {
        guard let attributes = raw.payload.reference(at: ClassObjectLayout.attributesOffset) else { throw noClassAttribute(name) }
        return attributes
    }

    /// Sets attribute `name` to `value`: in its slot, or else, when the
    /// class gives instances an attribute dictionary, in that (made on the
    /// first such attribute). On a class object: its class attribute.
    ///
    /// - Throws: ``ObjectError/attributeError(_:)`` when the class has no
    ///   such attribute and no attribute dictionary;
    ///   ``ObjectError/memoryError(_:)`` when the dictionary cannot grow.
    public func setAttribute(_ name: String, to value: borrowing Ref) throws(ObjectError) {
        heap.checkOwnership(value.raw, "\(raw.type.name).setAttribute")
        if let target = try proxyTarget() { return try target.setAttribute(name, to: value) }
        if isClass { return try setEntry(named: name, of: try classAttributes(name), to: value.raw) }
        try requireKind(.instance, "setAttribute")
        guard let index = raw.type.slotIndex(of: name) else {
            guard let slot = raw.withType({ $0.dictionarySlot }) else { throw noAttribute(name) }
            if attributeDictionary() == nil {
                // Allocating may run a collection, and its finalizers may give
                // this instance a dictionary meanwhile: look again after.
                let made: Ref
                do {
                    made = try heap.dict()
                } catch {
                    throw .memoryError(error)
                }
                if attributeDictionary() == nil {
                    // What the slot held is not a dict (the unsafe layer put
                    // it there): the dict goes in first, then it is let go.
                    let stray = raw.instanceSlots[slot]
                    raw.instanceSlots[slot] = made.takeRaw()
                    stray?.release()
                }
            }
            guard let dictionary = attributeDictionary() else { throw noAttribute(name) }
            return try setEntry(named: name, of: dictionary, to: value.raw)
        }
        if index == raw.withType({ $0.dictionarySlot }) && !value.raw.withType({ $0.kind == .dict }) {
            throw .typeError("__dict__ must be set to a dictionary, not a '\(value.raw.type.name)'")
        }
        value.raw.retain()
        let old = raw.instanceSlots[index]
        raw.instanceSlots[index] = value.raw
        old?.release()
    }

    /// Removes attribute `name` (`del obj.name`): unsets its slot, or
    /// removes it from the attribute dictionary, releasing the value (the
    /// slot or entry is gone before the release, which may run code).
    ///
    /// - Throws: ``ObjectError/attributeError(_:)`` when the instance has no
    ///   such attribute set (or this is not an instance).
    public func deleteAttribute(_ name: String) throws(ObjectError) {
        if let target = try proxyTarget() { return try target.deleteAttribute(name) }
        if isClass {
            let attributes = try classAttributes(name), key = try attributeKey(name)
            guard let old = try? heap.dictRemove(attributes, key: key.raw) else { throw noClassAttribute(name) }
            old.release()
            return
        }
        try requireKind(.instance, "deleteAttribute")
        if let index = raw.type.slotIndex(of: name) {
            guard let old = raw.instanceSlots[index] else { throw noAttribute(name) }
            raw.instanceSlots[index] = nil
            old.release()
            return
        }
        guard let dictionary = attributeDictionary() else { throw noAttribute(name) }
        let key = try attributeKey(name)
        guard let old = try? heap.dictRemove(dictionary, key: key.raw) else { throw noAttribute(name) }
        old.release()
    }
}
