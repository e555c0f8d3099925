/// `set`: open addressing over a power-of-two table.
///
/// The payload and the table are described in `PayloadLayout`; `SetTable`
/// reads and writes the table's slots.
extension ObjectType {
    /// `set`: a container of hashable members in an open-addressing table; unhashable itself.
    public static let set = ObjectType(
        name: "set", kind: .set, basicSize: PayloadLayout.Set.size, itemSize: 0,
        traverse: { object, visit in object.setMembers().forEach(visit) },
        clear: { object, heap in heap.clearSet(object) },
        dropReferences: { object, heap in heap.clearSet(object) },
        finalizer: nil,
        storageBlocks: { object in
            let capacity = object.setCapacity
            guard capacity > 0 else { return [] }
            return [(object.setTable!.storageBlock, SetTable.byteCount(capacity: capacity))]
        },
        hash: { _ in throw ObjectError.typeError("unhashable type: 'set'") },
        equals: nil, equalityFamily: "set", attributeNames: [], supportsWeakReferences: false)
}

extension RawRef {
    /// The members of a set.
    func setMembers() -> [RawRef] {
        guard let table = setTable else { return [] }
        var members: [RawRef] = []
        for slot in 0..<setCapacity {
            if let member = table.member(slot) { members.append(member) }
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
    func setFind(_ table: SetTable, capacity: Int, member: RawRef, hash: Int) -> (slot: Int, found: Bool) {
        let mask = capacity - 1
        var slot = hash & mask, perturb = UInt(bitPattern: hash), firstDeleted: Int? = nil
        while true {
            let stored = table.memberWord(slot)
            if stored == PayloadLayout.Set.emptyMember { return (firstDeleted ?? slot, false) }
            if stored == PayloadLayout.Set.deletedMember {
                if firstDeleted == nil { firstDeleted = slot }
            } else if let candidate = table.member(slot) {
                if candidate == member
                    || (table.hash(slot) == hash && keysEqual(candidate, member)) {
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
            (0..<set.setCapacity).compactMap { slot -> (Int, RawRef)? in
                table.member(slot).map { (table.hash(slot), $0) }
            }
        } ?? []
        assert(hashes.count == members.count)
        let table = SetTable(emptying: try allocateBlock(byteCount: SetTable.byteCount(capacity: capacity), for: .set),
                             capacity: capacity)
        for (hash, member) in hashes {
            let slot = setFind(table, capacity: capacity, member: member, hash: hash).slot
            table.store(slot, hash: hash, member: member)
        }
        if let old = set.setTable {
            freeBlock(old.block, byteCount: SetTable.byteCount(capacity: set.setCapacity), for: .set)
        }
        set.setTable = table
        set.setCapacity = capacity
        set.setUsed = hashes.count
    }

    /// `set.add(member)`; returns whether it was new.
    @discardableResult
    func setInsert(_ set: RawRef, _ member: RawRef) throws -> Bool {
        checkOwnership(member, "set.insert")
        let hash = try member.hashValueForKey()
        let count = set.itemCount, used = set.setUsed
        var capacity = set.setCapacity
        if set.setTable == nil || (used + 1) * 5 > capacity * 3 {
            try resizeSet(set, minimum: count + 1)
            capacity = set.setCapacity
        }
        let table = set.setTable!
        let (slot, found) = setFind(table, capacity: capacity, member: member, hash: hash)
        if found { return false }
        let wasDeleted = table.memberWord(slot) == PayloadLayout.Set.deletedMember
        member.retain()
        table.store(slot, hash: hash, member: member)
        set.itemCount = count + 1
        if !wasDeleted { set.setUsed += 1 }
        return true
    }

    func setContains(_ set: RawRef, _ member: RawRef) throws -> Bool {
        let hash = try member.hashValueForKey()
        guard let table = set.setTable else { return false }
        return setFind(table, capacity: set.setCapacity, member: member, hash: hash).found
    }

    func setRemove(_ set: RawRef, _ member: RawRef) throws -> Bool {
        let hash = try member.hashValueForKey()
        guard let table = set.setTable else { return false }
        let (slot, found) = setFind(table, capacity: set.setCapacity, member: member, hash: hash)
        guard found else { return false }
        let stored = table.member(slot)!
        table.markDeleted(slot)
        set.itemCount -= 1
        stored.release()
        return true
    }

    func clearSet(_ set: RawRef) {
        guard let table = set.setTable else { return }
        let members = set.setMembers()
        let bytes = SetTable.byteCount(capacity: set.setCapacity)
        set.setTable = nil
        set.itemCount = 0
        set.setUsed = 0
        set.setCapacity = 0
        freeBlock(table.block, byteCount: bytes, for: .set)
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
