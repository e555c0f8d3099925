/// `dict`: insertion-ordered, as CPython's compact dict.
///
/// The payload and the storage block (index table, then entries) are
/// described in `PayloadLayout`; `DictLayout` reads and writes them.
extension ObjectType {
    /// The `dict` type: a container, unhashable, without weak references.
    public static let dict = ObjectType(
        name: "dict", kind: .dict, basicSize: PayloadLayout.Dict.size, itemSize: 0,
        traverse: { object, visit in
            object.forEachDictEntry { key, value in visit(key); visit(value) }
        },
        clear: { object, heap in heap.clearDict(object) },
        dropReferences: { object, heap in heap.clearDict(object) },
        finalizer: nil,
        storageBlocks: { object in
            guard let storage = object.dictLayout.storageBlock else { return [] }
            return [(storage, object.dictLayout.storageByteCount)]
        },
        hash: { _ in throw ObjectError.typeError("unhashable type: 'dict'") },
        equals: nil, equalityFamily: "dict", attributeNames: [], supportsWeakReferences: false)
}

extension DictLayout {
    /// Where `key` is: its index slot and entry number (nil when absent,
    /// with the slot where it would go).
    func find(_ key: RawRef, hash: Int) -> (slot: Int, entry: Int?) {
        let mask = indexCapacity - 1
        var slot = hash & mask, perturb = UInt(bitPattern: hash), firstDeleted: Int? = nil
        while true {
            let number = index(at: slot)
            if number == -1 { return (firstDeleted ?? slot, nil) }
            if number == -2 {
                if firstDeleted == nil { firstDeleted = slot }
            } else {
                let candidate = entry(number)
                if let existing = DictLayout.key(candidate),
                   existing == key || (DictLayout.hash(candidate) == hash && keysEqual(existing, key)) {
                    return (slot, number)
                }
            }
            perturb >>= 5
            slot = (slot &* 5 &+ 1 &+ Int(truncatingIfNeeded: perturb)) & mask
        }
    }
}

extension RawRef {
    var dictLayout: DictLayout { DictLayout(object: self) }

    /// Whether the object could be part of a cycle: a container, other than
    /// a tuple the collector has found to hold only such objects
    /// (CPython's `_PyObject_GC_MAY_BE_TRACKED`).
    var mayBeTracked: Bool {
        withType {
            // A candidate of the running collection is tracked, though out of its table.
            $0.isContainer && ($0.kind != .tuple || !flags.isDisjoint(with: .trackedInAnyWay))
        }
    }

    /// Each live entry of a dict, in insertion order.
    @inline(__always)
    func forEachDictEntry(_ body: (RawRef, RawRef) -> Void) {
        let layout = dictLayout
        // Read once: `body` may write to any object (a collection's counts),
        // so the compiler would otherwise read the layout again for each entry.
        guard let entries = layout.entries else { return }
        let used = layout.used
        for number in 0..<used {
            let entry = entries + number &* DictLayout.entrySize
            if let key = DictLayout.key(entry) { body(key, DictLayout.value(entry)) }
        }
    }

    /// The hash of a dict key or set member; throws for unhashable types.
    func hashValueForKey() throws -> Int {
        // Through `withType`: the type is not retained for the call.
        try withType { type in
            // The common key, inline: a str whose hash is cached. The call
            // through the type's closure would retain and release its context.
            if type.kind == .str {
                let cached = self[PayloadLayout.Str.hash]
                if cached != PayloadLayout.Str.unknownHash { return cached }
            }
            guard let hash = type.hash else { throw ObjectError.typeError("unhashable type: '\(type.name)'") }
            return try hash(self)
        }
    }
}

/// Key equality: identity, or equal values of the same equality family.
func keysEqual(_ lhs: RawRef, _ rhs: RawRef) -> Bool {
    if lhs == rhs { return true }
    let a = lhs.type, b = rhs.type
    guard a.equalityFamily == b.equalityFamily, let equals = a.equals else { return false }
    return equals(lhs, rhs)
}

extension Heap {
    /// A new empty dict. Like CPython, a dict is untracked until a key or
    /// value that may be part of a cycle goes in.
    public func dict() throws(ObjectAllocationError) -> Ref {
        let object = try allocateObject(of: dictType, itemCount: 0)
        untrack(object)
        return Ref(adopting: object, heap: self)
    }

    /// Rebuilds a dict's storage with room for `minimumEntries`, dropping
    /// deleted entries: the live entries are copied in order into a new
    /// block, indexed there, and the old block is freed.
    func resizeDict(_ dict: RawRef, minimumEntries: Int) throws(ObjectAllocationError) {
        let layout = dict.dictLayout
        var indexCapacity = 8
        while indexCapacity * 2 / 3 < minimumEntries { indexCapacity *= 2 }
        let entryCapacity = indexCapacity * 2 / 3
        let byteCount = DictLayout.storageByteCount(indexCapacity: indexCapacity, entryCapacity: entryCapacity)
        let block = try allocateBlock(byteCount: byteCount, for: dictType)
        // Write the new table into the block before publishing it; `layout`
        // reads the old storage until then.
        let oldStorage = layout.storage, oldBytes = layout.storageByteCount
        DictLayout.emptyIndices(block, capacity: indexCapacity)
        let entriesStart = DictLayout.entries(in: block, indexCapacity: indexCapacity)
        var used = 0
        if oldStorage != nil {
            for number in 0..<layout.used {
                let entry = layout.entry(number)
                guard let key = DictLayout.key(entry) else { continue }
                let target = entriesStart + used * DictLayout.entrySize
                DictLayout.set(target, hash: DictLayout.hash(entry), key: key, value: DictLayout.value(entry))
                used += 1
            }
        }
        layout.storage = block
        layout.indexCapacity = indexCapacity
        layout.entryCapacity = entryCapacity
        layout.used = used
        for number in 0..<used {
            let entry = layout.entry(number)
            let (slot, _) = layout.find(DictLayout.key(entry)!, hash: DictLayout.hash(entry))
            layout.setIndex(number, at: slot)
        }
        if let oldStorage { freeBlock(oldStorage, byteCount: oldBytes, for: dictType) }
    }

    /// `dict[key] = value`.
    func dictSet(_ dict: RawRef, key: RawRef, value: RawRef) throws {
        checkOwnership(key, "dict.setValue")
        checkOwnership(value, "dict.setValue")
        let hash = try key.hashValueForKey()
        var layout = dict.dictLayout
        if layout.storage == nil { try resizeDict(dict, minimumEntries: 1); layout = dict.dictLayout }
        var (slot, number) = layout.find(key, hash: hash)
        if let number {
            let entry = layout.entry(number)
            if dict.flags.isDisjoint(with: .trackedInAnyWay) && value.mayBeTracked { track(dict) }
            value.retain()
            let old = DictLayout.value(entry)
            DictLayout.set(entry, hash: hash, key: DictLayout.key(entry), value: value)
            old.release()
            return
        }
        if layout.used == layout.entryCapacity {
            try resizeDict(dict, minimumEntries: layout.count + 1)
            layout = dict.dictLayout
            slot = layout.find(key, hash: hash).slot
        }
        if dict.flags.isDisjoint(with: .trackedInAnyWay) && (key.mayBeTracked || value.mayBeTracked) { track(dict) }
        key.retain()
        value.retain()
        DictLayout.set(layout.entry(layout.used), hash: hash, key: key, value: value)
        layout.setIndex(layout.used, at: slot)
        layout.used += 1
        layout.count += 1
    }

    /// `dict.get(key)`: the value (retained) or nil.
    func dictGet(_ dict: RawRef, key: RawRef) throws -> RawRef? {
        let layout = dict.dictLayout
        let hash = try key.hashValueForKey()
        guard layout.storage != nil, let number = layout.find(key, hash: hash).entry else { return nil }
        return DictLayout.value(layout.entry(number))
    }

    /// `dict.pop(key, None)`: removes the entry, handing its value's reference to the caller.
    func dictRemove(_ dict: RawRef, key: RawRef) throws -> RawRef? {
        let layout = dict.dictLayout
        let hash = try key.hashValueForKey()
        guard layout.storage != nil else { return nil }
        let (slot, found) = layout.find(key, hash: hash)
        guard let number = found else { return nil }
        let entry = layout.entry(number)
        let oldKey = DictLayout.key(entry)!, value = DictLayout.value(entry)
        DictLayout.set(entry, hash: 0, key: nil, value: nil)
        layout.setIndex(-2, at: slot)
        layout.count -= 1
        oldKey.release()
        return value
    }

    /// Releases every key and value and frees the storage: the dict is empty.
    /// The storage is detached first — releasing can run code that looks at
    /// the dict — and its entries are released from the detached block,
    /// which is the caller's alone until it is freed last.
    func clearDict(_ dict: RawRef) {
        let layout = dict.dictLayout
        guard let storage = layout.storage, let entries = layout.entries else { return }
        let bytes = layout.storageByteCount, used = layout.used
        layout.storage = nil
        layout.count = 0
        layout.used = 0
        layout.entryCapacity = 0
        layout.indexCapacity = 0
        for number in 0..<used {
            let entry = entries + number * DictLayout.entrySize
            guard let key = DictLayout.key(entry) else { continue }
            key.release()
            DictLayout.value(entry).release()
        }
        freeBlock(storage, byteCount: bytes, for: dictType)
    }
}

extension Ref {
    /// `dict.get(key)`: the value, or nil when the key is absent.
    public func value(forKey key: borrowing Ref) throws -> Ref? {
        try requireKind(.dict, "value(forKey:)")
        // Through `heap`, retained: hashing and comparing keys can run a
        // class's own code, which must not be able to free the heap mid-call.
        guard let found = try heap.dictGet(raw, key: key.raw) else { return nil }
        found.retain()
        return sibling(adopting: found)
    }

    /// `dict[key] = value`.
    public func setValue(_ value: borrowing Ref, forKey key: borrowing Ref) throws {
        try requireKind(.dict, "setValue(_:forKey:)")
        // Retained, as in `value(forKey:)`; replacing a value can run a finalizer too.
        try heap.dictSet(raw, key: key.raw, value: value.raw)
    }

    /// `dict.pop(key, None)`: removes the key, returning its value or nil.
    public func removeValue(forKey key: borrowing Ref) throws -> Ref? {
        try requireKind(.dict, "removeValue(forKey:)")
        // Retained, as in `value(forKey:)`.
        guard let removed = try heap.dictRemove(raw, key: key.raw) else { return nil }
        return sibling(adopting: removed)
    }

    /// Sets every key of `other`, a dict, to its value there, in its order
    /// (`dict.update(other)`). Keys already present keep their position.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when either is not a dict;
    ///   what a key's hash or equality throws.
    public func update(from other: borrowing Ref) throws {
        try requireKind(.dict, "update(from:)")
        try other.requireKind(.dict, "update(from:)")
        // The entries are read first: `other` may be this dict.
        var entries: [(key: RawRef, value: RawRef)] = []
        try other.forEachEntry { key, value in entries.append((key.raw, value.raw)) }
        for entry in entries { entry.key.retain(); entry.value.retain() }
        defer { for entry in entries { entry.key.release(); entry.value.release() } }
        for entry in entries { try heap.dictSet(raw, key: entry.key, value: entry.value) }
    }

    /// A new container with the same items, themselves not copied: a list's
    /// (`list.copy()`), a dict's keys and values in their order
    /// (`dict.copy()`), or a set's members (`set.copy()`).
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` for any other kind; what a
    ///   key's hash or equality throws; ``ObjectError/memoryError(_:)``
    ///   when the copy cannot be allocated.
    public func shallowCopy() throws -> Ref {
        switch raw.type.kind {
        case .list:
            return try items()
        case .dict:
            let copy = try heap.dict()
            try copy.update(from: self)
            return copy
        case .set:
            let copy = try heap.set()
            try forEach { member in _ = try copy.insert(member) }
            return copy
        default:
            throw ObjectError.typeError("shallowCopy: '\(raw.type.name)' object has no copy()")
        }
    }

    /// Each key and value of a dict, borrowed, in insertion order.
    ///
    /// - Throws: ``ObjectError/runtimeError(_:)`` when `body` adds or
    ///   removes entries (CPython's "dictionary changed size during
    ///   iteration"); what `body` throws.
    public func forEachEntry(_ body: (borrowing Ref, borrowing Ref) throws -> Void) throws {
        try requireKind(.dict, "forEachEntry")
        let heap = self.heap
        // A view of the dict: each read sees its storage as it is now.
        let layout = raw.dictLayout
        let count = layout.count
        var number = 0
        while layout.storage != nil && number < layout.used {
            let entry = layout.entry(number)
            number += 1
            guard let key = DictLayout.key(entry) else { continue }
            let value = DictLayout.value(entry)
            try withBorrowed(key, heap: heap) { key in try withBorrowed(value, heap: heap) { value in try body(key, value) } }
            guard layout.count == count else { throw ObjectError.runtimeError("dictionary changed size during iteration") }
        }
    }
}
