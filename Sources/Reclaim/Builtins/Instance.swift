/// User classes: instances hold named attributes, one slot each (like a
/// class with `__slots__`), and may have a finalizer (`__del__`).
///
/// Payload: one slot per attribute, 0 while unset (`PayloadLayout`).
extension ObjectType {
    /// Makes a class whose instances have the attributes `attributes`.
    ///
    /// ```swift
    /// let person = ObjectType.makeClass("Person", attributes: ["name"]) { this in
    ///     print("\(try this.attribute("name").stringValue()) object is being deleted.")
    /// }
    /// ```
    public static func makeClass(
        _ name: String, attributes: [String], supportsWeakReferences: Bool = true, finalizer: Finalizer? = nil
    ) -> ObjectType {
        precondition(Set(attributes).count == attributes.count, "ObjectType.makeClass \(name): attribute names repeat")
        return ObjectType(
            name: name, kind: .instance, basicSize: PayloadLayout.wordSize * attributes.count, itemSize: 0,
            traverse: { object, visit in object.instanceSlots.forEach { if let value = $0 { visit(value) } } },
            clear: { object, _ in object.clearInstance() },
            dropReferences: { object, _ in object.clearInstance() },
            finalizer: finalizer, storageBlocks: nil,
            hash: ObjectType.identityHash, equals: ObjectType.identityEquals,
            equalityFamily: "instance:\(name)", attributeNames: attributes,
            supportsWeakReferences: supportsWeakReferences)
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
    /// A new instance of `type` (a class from ``ObjectType/makeClass(_:attributes:supportsWeakReferences:finalizer:)``)
    /// with every attribute unset.
    public func instance(of type: ObjectType) throws(ObjectAllocationError) -> Ref {
        precondition(type.kind == .instance, "Heap.instance(of:): \(type.name) is not a class made by ObjectType.makeClass")
        return Ref(adopting: try allocateObject(of: type, itemCount: 0), heap: self)
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

    func slot(_ name: String, _ operation: String) throws(ObjectError) -> Int {
        try requireKind(.instance, operation)
        guard let index = raw.type.slotIndex(of: name) else {
            throw .attributeError("'\(raw.type.name)' object has no attribute '\(name)'")
        }
        return index
    }

    /// The value of attribute `name`.
    public func attribute(_ name: String) throws(ObjectError) -> Ref {
        let index = try slot(name, "attribute")
        guard let value = raw.instanceSlots[index] else {
            throw .attributeError("'\(raw.type.name)' object has no attribute '\(name)'")
        }
        return Ref(retaining: value, heap: heap)
    }

    /// Sets attribute `name` to `value`.
    public func setAttribute(_ name: String, to value: borrowing Ref) throws(ObjectError) {
        let index = try slot(name, "setAttribute")
        heap.checkOwnership(value.raw, "\(raw.type.name).setAttribute")
        value.raw.retain()
        let old = raw.instanceSlots[index]
        raw.instanceSlots[index] = value.raw
        old?.release()
    }

    /// Unsets attribute `name` (`del obj.name`).
    public func deleteAttribute(_ name: String) throws(ObjectError) {
        let index = try slot(name, "deleteAttribute")
        guard let old = raw.instanceSlots[index] else {
            throw .attributeError("'\(raw.type.name)' object has no attribute '\(name)'")
        }
        raw.instanceSlots[index] = nil
        old.release()
    }
}
