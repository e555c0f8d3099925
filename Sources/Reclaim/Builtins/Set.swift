/// `set`: open addressing over a power-of-two table.
///
/// Payload: count, used (members plus deleted slots), capacity, address of
/// the table. A table slot is (hash, member); member 0 is empty, 1 deleted.
extension ObjectType {
    public static let set = ObjectType(
        name: "set", kind: .set, basicSize: 32, itemSize: 0,
        traverse: { object, visit in object.setMembers().forEach(visit) },
        clear: { object, heap in heap.clearSet(object) },
        dropReferences: { object, heap in heap.clearSet(object) },
        finalizer: nil,
        storageBlocks: { object in
            let capacity = object.payload.load(fromByteOffset: 16, as: Int.self)
            guard capacity > 0 else { return [] }
            return [(UnsafeRawPointer(object.setTable!), capacity * 16)]
        },
        hash: { _ in throw ObjectError.typeError("unhashable type: 'set'") },
        equals: nil, equalityFamily: "set", attributeNames: [], supportsWeakReferences: false)
}

extension RawRef {
    var setTable: UnsafeMutableRawPointer? {
        get { payload.load(fromByteOffset: 24, as: UnsafeMutableRawPointer?.self) }
        nonmutating set { payload.storeBytes(of: newValue, toByteOffset: 24, as: UnsafeMutableRawPointer?.self) }
    }

    /// The members of a set.
    func setMembers() -> [RawRef] {
        guard let table = setTable else { return [] }
        var members: [RawRef] = []
        for slot in 0..<payload.load(fromByteOffset: 16, as: Int.self) {
            let member = table.load(fromByteOffset: slot * 16 + 8, as: UInt.self)
            if member > 1 { members.append(RawRef(pointer: UnsafeMutableRawPointer(bitPattern: member)!)) }
        }
        return members
    }
}

extension Heap {
    /// A new empty set.
    public func set() throws(ObjectAllocationError) -> Ref {
        Ref(adopting: try allocateObject(of: .set, itemCount: 0), heap: self)
    }

    /// The slot of `member` (found) or where it would go.
    func setFind(_ table: UnsafeMutableRawPointer, capacity: Int, member: RawRef, hash: Int) -> (slot: Int, found: Bool) {
        let mask = capacity - 1
        var slot = hash & mask, perturb = UInt(bitPattern: hash), firstDeleted: Int? = nil
        while true {
            let stored = table.load(fromByteOffset: slot * 16 + 8, as: UInt.self)
            if stored == 0 { return (firstDeleted ?? slot, false) }
            if stored == 1 {
                if firstDeleted == nil { firstDeleted = slot }
            } else {
                let candidate = RawRef(pointer: UnsafeMutableRawPointer(bitPattern: stored)!)
                if candidate == member
                    || (table.load(fromByteOffset: slot * 16, as: Int.self) == hash && keysEqual(candidate, member)) {
                    return (slot, true)
                }
            }
            perturb >>= 5
            slot = (slot &* 5 &+ 1 &+ Int(truncatingIfNeeded: perturb)) & mask
        }
    }

    func resizeSet(_ set: RawRef, minimum: Int) throws(ObjectAllocationError) {
        var capacity = 8
        while capacity * 3 / 5 < minimum { capacity *= 2 }
        let members = set.setMembers()
        let hashes = set.setTable.map { table in
            (0..<set.payload.load(fromByteOffset: 16, as: Int.self)).compactMap { slot -> (Int, RawRef)? in
                let stored = table.load(fromByteOffset: slot * 16 + 8, as: UInt.self)
                guard stored > 1 else { return nil }
                return (table.load(fromByteOffset: slot * 16, as: Int.self),
                        RawRef(pointer: UnsafeMutableRawPointer(bitPattern: stored)!))
            }
        } ?? []
        assert(hashes.count == members.count)
        let table = try allocateBlock(byteCount: capacity * 16, for: .set)
        table.initializeMemory(as: UInt8.self, repeating: 0, count: capacity * 16)
        for (hash, member) in hashes {
            let slot = setFind(table, capacity: capacity, member: member, hash: hash).slot
            table.storeBytes(of: hash, toByteOffset: slot * 16, as: Int.self)
            table.storeBytes(of: member.pointer, toByteOffset: slot * 16 + 8, as: UnsafeMutableRawPointer.self)
        }
        if let old = set.setTable {
            freeBlock(old, byteCount: set.payload.load(fromByteOffset: 16, as: Int.self) * 16, for: .set)
        }
        set.setTable = table
        set.payload.storeBytes(of: capacity, toByteOffset: 16, as: Int.self)
        set.payload.storeBytes(of: hashes.count, toByteOffset: 8, as: Int.self)
    }

    /// `set.add(member)`; returns whether it was new.
    @discardableResult
    func setInsert(_ set: RawRef, _ member: RawRef) throws -> Bool {
        checkOwnership(member, "set.insert")
        let hash = try member.hashValueForKey()
        let count = set.payload.load(as: Int.self), used = set.payload.load(fromByteOffset: 8, as: Int.self)
        var capacity = set.payload.load(fromByteOffset: 16, as: Int.self)
        if set.setTable == nil || (used + 1) * 5 > capacity * 3 {
            try resizeSet(set, minimum: count + 1)
            capacity = set.payload.load(fromByteOffset: 16, as: Int.self)
        }
        let table = set.setTable!
        let (slot, found) = setFind(table, capacity: capacity, member: member, hash: hash)
        if found { return false }
        let wasDeleted = table.load(fromByteOffset: slot * 16 + 8, as: UInt.self) == 1
        member.retain()
        table.storeBytes(of: hash, toByteOffset: slot * 16, as: Int.self)
        table.storeBytes(of: member.pointer, toByteOffset: slot * 16 + 8, as: UnsafeMutableRawPointer.self)
        set.payload.storeBytes(of: count + 1, as: Int.self)
        if !wasDeleted { set.payload.storeBytes(of: set.payload.load(fromByteOffset: 8, as: Int.self) + 1, toByteOffset: 8, as: Int.self) }
        return true
    }

    func setContains(_ set: RawRef, _ member: RawRef) throws -> Bool {
        let hash = try member.hashValueForKey()
        guard let table = set.setTable else { return false }
        return setFind(table, capacity: set.payload.load(fromByteOffset: 16, as: Int.self), member: member, hash: hash).found
    }

    func setRemove(_ set: RawRef, _ member: RawRef) throws -> Bool {
        let hash = try member.hashValueForKey()
        guard let table = set.setTable else { return false }
        let (slot, found) = setFind(table, capacity: set.payload.load(fromByteOffset: 16, as: Int.self), member: member, hash: hash)
        guard found else { return false }
        let stored = RawRef(pointer: table.load(fromByteOffset: slot * 16 + 8, as: UnsafeMutableRawPointer.self))
        table.storeBytes(of: UInt(1), toByteOffset: slot * 16 + 8, as: UInt.self)
        set.payload.storeBytes(of: set.payload.load(as: Int.self) - 1, as: Int.self)
        stored.release()
        return true
    }

    func clearSet(_ set: RawRef) {
        guard let table = set.setTable else { return }
        let members = set.setMembers()
        let bytes = set.payload.load(fromByteOffset: 16, as: Int.self) * 16
        set.setTable = nil
        for offset in stride(from: 0, to: 32, by: 8) where offset != 24 {
            set.payload.storeBytes(of: 0, toByteOffset: offset, as: Int.self)
        }
        freeBlock(table, byteCount: bytes, for: .set)
        for member in members { member.release() }
    }
}

extension Ref {
    /// `set.add(member)`; returns whether it was not there yet.
    @discardableResult
    public func insert(_ member: borrowing Ref) throws -> Bool {
        try requireKind(.set, "insert")
        return try heap.setInsert(raw, member.raw)
    }

    /// `member in set` (or `key in dict`).
    public func contains(_ member: borrowing Ref) throws -> Bool {
        switch raw.type.kind {
        case .set: return try heap.setContains(raw, member.raw)
        case .dict: return try heap.dictGet(raw, key: member.raw) != nil
        default: throw ObjectError.typeError("argument of type '\(raw.type.name)' is not a set or dict")
        }
    }

    /// `set.discard(member)`; returns whether it was there.
    @discardableResult
    public func remove(_ member: borrowing Ref) throws -> Bool {
        try requireKind(.set, "remove")
        return try heap.setRemove(raw, member.raw)
    }
}
