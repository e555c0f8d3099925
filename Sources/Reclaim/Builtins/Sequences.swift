#if canImport(Glibc)
import Glibc
#endif

/// `tuple` (items inline, immutable) and `list` (items in an out-of-line
/// block of the heap's arena, grown as CPython grows lists).
///
/// Their payloads are described, field by field, in `PayloadLayout`.
extension ObjectType {
    /// `tuple`: a fixed-size container with its items inline, hashable when its items are.
    public static let tuple = ObjectType(
        name: "tuple", kind: .tuple, basicSize: PayloadLayout.Tuple.size, itemSize: PayloadLayout.wordSize,
        // A tuple being built holds zeroed slots (no reference) until filled.
        traverse: { object, visit in
            for case let item? in object.tupleSlots { visit(RawRef(pointer: item)) }
        },
        clear: { object, heap in heap.clearTuple(object) },
        // Last item first, as CPython's tupledealloc (finalizers run in that order).
        dropReferences: { object, _ in
            for case let item? in object.tupleSlots.reversed() { RawRef(pointer: item).release() }
        },
        finalizer: nil, storageBlocks: nil,
        hash: { object in
            let slots = object.tupleSlots
            var hashes: [Int] = []
            hashes.reserveCapacity(slots.count)
            for slot in slots {
                guard let item = slot else { throw ObjectError.typeError("hash: the tuple is still being built") }
                hashes.append(try RawRef(pointer: item).hashValueForKey())
            }
            return Hashing.combine(hashes, count: slots.count)
        },
        equals: { lhs, rhs in
            let a = lhs.tupleSlots, b = rhs.tupleSlots
            return a.count == b.count && zip(a, b).allSatisfy { left, right in
                guard let left, let right else { return left == right }
                return keysEqual(RawRef(pointer: left), RawRef(pointer: right))
            }
        },
        equalityFamily: "tuple", attributeNames: [], supportsWeakReferences: false)

    /// `list`: a container whose items live in a growable storage block
    /// (in the heap's arena, or mapped from a megabyte on); unhashable.
    public static let list = ObjectType(
        name: "list", kind: .list, basicSize: PayloadLayout.List.size, itemSize: 0,
        traverse: { object, visit in object.listItems.forEach(visit) },
        clear: { object, heap in heap.clearList(object) },
        dropReferences: { object, heap in heap.clearList(object) },
        finalizer: nil,
        storageBlocks: { object in
            let capacity = object[PayloadLayout.List.capacity]
            guard capacity > 0 else { return [] }
            return [(object.listItemBlock!, capacity * PayloadLayout.wordSize)]
        },
        hash: { _ in throw ObjectError.typeError("unhashable type: 'list'") },
        equals: nil, equalityFamily: "list", attributeNames: [], supportsWeakReferences: false)
}


extension Heap {
    /// An empty tuple is the heap's immortal one.
    public func tuple() -> Ref {
        requireAlive("Heap.tuple")
        return Ref(adopting: core.pointee.emptyTuple!, heap: self)
    }

    /// A tuple of `count` items made by `element`.
    ///
    /// - Throws: ``ObjectAllocationError`` when the tuple cannot be
    ///   allocated, or what `element` throws: an open set, so untyped
    ///   (the tuple made so far is released first).
    public func tuple(count: Int, element: (Int) throws -> Ref) throws -> Ref {
        if count == 0 { return tuple() }
        let object = try allocateObject(of: .tuple, itemCount: count)
        let slots = object.mutableTupleSlots
        // Until filled, slots stay zeroed (no reference), as CPython's NULL
        // slots: a collection run by `element` keeps the tuple tracked, and
        // a throw midway leaves a tuple whose release skips them.
        let tuple = Ref(adopting: object, heap: self)
        for index in 0..<count {
            let item = try element(index)
            checkOwnership(item.raw, "tuple")
            slots[index] = item.takeRaw().pointer
        }
        return tuple
    }

    /// A tuple holding `items` (each retained).
    public func tuple(_ items: [RawRef]) throws(ObjectAllocationError) -> Ref {
        if items.isEmpty { return tuple() }
        let object = try allocateObject(of: .tuple, itemCount: items.count)
        let slots = object.mutableTupleSlots
        for (index, item) in items.enumerated() {
            checkOwnership(item, "tuple")
            item.retain()
            slots[index] = item.pointer
        }
        return Ref(adopting: object, heap: self)
    }

    /// A new empty list with room for `capacity` items.
    ///
    /// - Throws: ``ObjectAllocationError`` when `capacity` is negative or
    ///   too large.
    public func list(capacity: Int = 0) throws(ObjectAllocationError) -> Ref {
        let object = try allocateObject(of: listType, itemCount: 0)
        let list = Ref(adopting: object, heap: self)
        // Sizing the storage checks the capacity (negative or too large throws).
        if capacity != 0 { try resizeList(object, capacity: capacity) }
        return list
    }

    /// Gives a list room for `capacity` items, keeping its items: a new
    /// item block, or the old one resized (a mapped one without a copy,
    /// see `MappedStorage`).
    func resizeList(_ list: RawRef, capacity: Int) throws(ObjectAllocationError) {
        let byteCount = try Heap.byteCount(capacity, times: PayloadLayout.wordSize, of: listType)
        let block = if let old = list.listStorage {
            try resizeStorage(RawRef.listItemBlock(old), from: list[PayloadLayout.List.capacity] * PayloadLayout.wordSize,
                              to: byteCount, keeping: list.itemCount * PayloadLayout.wordSize, for: listType)
        } else {
            try allocateStorage(byteCount: byteCount, for: listType)
        }
        list.listStorage = RawRef.listItemBlock(block)
        list[PayloadLayout.List.capacity] = capacity
    }

    /// Appends `item` (retained) to a list, growing it as CPython does.
    func listAppend(_ list: RawRef, _ item: RawRef) throws(ObjectAllocationError) {
        checkOwnership(item, "list.append")
        let count = list.itemCount
        if count == list[PayloadLayout.List.capacity] {
            let wanted = count + 1
            try resizeList(list, capacity: (wanted + (wanted >> 3) + 6) & ~3)
        }
        item.retain()
        list.listStorage![count] = item
        list.itemCount = count + 1
    }

    /// Releases every item and frees the item block: the list is empty.
    func clearList(_ list: RawRef) {
        guard let storage = list.listStorage else { return }
        let count = list.itemCount, capacity = list[PayloadLayout.List.capacity]
        // Detach first: releasing items can run code that looks at the list.
        list.itemCount = 0
        list.listStorage = nil
        list[PayloadLayout.List.capacity] = 0
        // Last item first, as CPython's list_dealloc and list_clear.
        for index in stride(from: count - 1, through: 0, by: -1) { storage[index].release() }
        freeStorage(RawRef.listItemBlock(storage), byteCount: capacity * PayloadLayout.wordSize, for: listType)
    }

    /// Replaces every item of a tuple by None, releasing them.
    func clearTuple(_ tuple: RawRef) {
        let slots = tuple.mutableTupleSlots
        for index in slots.indices {
            let item = slots[index]
            slots[index] = core.pointee.none!.pointer
            if let item { RawRef(pointer: item).release() }
        }
    }
}

extension Ref {
    /// Throws a `TypeError` naming `operation` unless this is an object of
    /// `kind`. Inline, on the path of every safe-layer container operation:
    /// one comparison, and the message is built only for the error.
    @inline(__always)
    func requireKind(_ kind: ObjectType.Kind, _ operation: StaticString) throws(ObjectError) {
        guard raw.withType({ $0.kind }) == kind else { throw wrongKind(kind, operation) }
    }

    /// The error of ``requireKind(_:_:)``, out of line.
    @inline(never)
    private func wrongKind(_ kind: ObjectType.Kind, _ operation: StaticString) -> ObjectError {
        .typeError("\(operation): expected \(Self.kindName(kind)), got \(raw.type.name)")
    }

    static func kindName(_ kind: ObjectType.Kind) -> String {
        switch kind {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .str: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .set: return "set"
        case .instance: return "instance"
        case .weakReference: return "weakref"
        case .function: return "function"
        case .classObject: return "type"
        case .custom: return "object"
        }
    }

    /// Appends `item` to a list (`list.append`).
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when this is not a list;
    ///   ``ObjectError/memoryError(_:)`` when its storage cannot grow.
    public func append(_ item: borrowing Ref) throws(ObjectError) {
        try requireKind(.list, "append")
        let object = raw, itemObject = item.raw
        let failure = withOwningHeap { heap -> ObjectAllocationError? in
            do throws(ObjectAllocationError) {
                try heap.listAppend(object, itemObject)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw .memoryError(failure) }
    }

    /// `len()` of a str (bytes of UTF-8), bytes, tuple, list, dict or set.
    public func length() throws(ObjectError) -> Int {
        switch raw.type.kind {
        case .str, .bytes, .tuple, .list, .dict, .set: return raw.itemCount
        default: throw .typeError("object of type '\(raw.type.name)' has no len()")
        }
    }

    /// How many items a tuple or list has (both keep the count first).
    func sequenceCount(_ operation: String) throws(ObjectError) -> Int {
        switch raw.type.kind {
        case .tuple, .list: return raw.itemCount
        default: throw .typeError("\(operation): '\(raw.type.name)' object is not a tuple or list")
        }
    }

    /// Item `position` (in range) of a tuple or list. A tuple still being
    /// built (reached through the collector's tables from code its
    /// `element` runs) has empty slots: reading one throws.
    func sequenceItem(at position: Int, _ operation: String) throws(ObjectError) -> RawRef {
        if raw.type.kind == .list { return raw.listItems[position] }
        guard let slot = raw.tupleSlots[position] else {
            throw .typeError("\(operation): the tuple is still being built; item \(position) is not set yet")
        }
        return RawRef(pointer: slot)
    }

    /// Item `index` of a tuple or list (negative indices count from the end).
    public func item(at index: Int) throws(ObjectError) -> Ref {
        let count = try sequenceCount("item(at:)")
        let position = index < 0 ? index + count : index
        guard position >= 0 && position < count else {
            throw .indexError("\(raw.type.name) index \(index) out of range for length \(count)")
        }
        let item = try sequenceItem(at: position, "item(at:)")
        item.retain()
        return sibling(adopting: item)
    }

    /// Replaces item `index` of a list.
    public func setItem(at index: Int, to value: borrowing Ref) throws(ObjectError) {
        try requireKind(.list, "setItem(at:to:)")
        let count = raw.itemCount
        let position = index < 0 ? index + count : index
        guard position >= 0 && position < count else {
            throw .indexError("list assignment index \(index) out of range for length \(count)")
        }
        let valueObject = value.raw
        withOwningHeap { heap in heap.checkOwnership(valueObject, "list.setItem") }
        value.raw.retain()
        let old = raw.listStorage![position]
        raw.listStorage![position] = value.raw
        old.release()
    }

    /// Removes and returns item `index` of a list (`list.pop(index)`); by
    /// default the last. A negative index counts from the end.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when this is not a list;
    ///   ``ObjectError/indexError(_:)`` when the list is empty or `index`
    ///   is out of range.
    public func pop(at index: Int = -1) throws(ObjectError) -> Ref {
        try requireKind(.list, "pop")
        let count = raw.itemCount
        guard count > 0 else { throw .indexError("pop from empty list") }
        let position = index < 0 ? index + count : index
        guard position >= 0 && position < count else {
            throw .indexError("pop index \(index) out of range for length \(count)")
        }
        let storage = raw.listStorage!
        let item = storage[position]
        for later in position..<(count - 1) { storage[later] = storage[later + 1] }
        raw.itemCount = count - 1
        return Ref(adopting: item, heap: heap)
    }

    /// The position of the first item of a tuple or list equal to `value`
    /// (`list.index`), nil when there is none. Items compare as dict keys
    /// do: by the type's `equals` within its equality family (so `1`
    /// equals `1.0`), by identity for a type without `equals`.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when this is not a tuple or list.
    public func firstIndex(of value: borrowing Ref) throws(ObjectError) -> Int? {
        var index = 0
        while index < (try sequenceCount("firstIndex(of:)")) {
            if keysEqual(try sequenceItem(at: index, "firstIndex(of:)"), value.raw) { return index }
            index += 1
        }
        return nil
    }

    /// Removes the first item of a list equal to `value` (`list.remove`),
    /// compared as ``firstIndex(of:)`` compares, and releases it.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when this is not a list;
    ///   ``ObjectError/valueError(_:)`` when no item equals `value`.
    public func removeFirst(equalTo value: borrowing Ref) throws(ObjectError) {
        try requireKind(.list, "removeFirst(equalTo:)")
        guard let index = try firstIndex(of: value) else { throw .valueError("list.remove(x): x not in list") }
        _ = try pop(at: index)
    }

    /// Inserts `item` before position `index` of a list (`list.insert`). As
    /// in Python, a negative index counts from the end, and an index past
    /// either end inserts at that end.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when this is not a list;
    ///   ``ObjectError/memoryError(_:)`` when its storage cannot grow.
    public func insert(_ item: borrowing Ref, at index: Int) throws(ObjectError) {
        try requireKind(.list, "insert(_:at:)")
        let count = raw.itemCount
        let position = index < 0 ? max(0, index + count) : min(index, count)
        // Appending grows the storage, retains the item and checks its heap;
        // the item then moves down to its place.
        do {
            try heap.listAppend(raw, item.raw)
        } catch {
            throw .memoryError(error)
        }
        let storage = raw.listStorage!
        for later in stride(from: count, to: position, by: -1) { storage[later] = storage[later - 1] }
        storage[position] = item.raw
    }

    /// Appends every item of a tuple or list (`list.extend`); the items of
    /// `other` are read first, so a list may extend itself.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when this is not a list or
    ///   `other` is not a tuple or list; ``ObjectError/memoryError(_:)``
    ///   when the storage cannot grow.
    public func extend(with other: borrowing Ref) throws(ObjectError) {
        try requireKind(.list, "extend(with:)")
        let count = try other.sequenceCount("extend(with:)")
        var items: [RawRef] = []
        items.reserveCapacity(count)
        for position in 0..<count { items.append(try other.sequenceItem(at: position, "extend(with:)")) }
        // Held while appending: code that growing may run cannot free them.
        for item in items { item.retain() }
        defer { for item in items { item.release() } }
        for item in items {
            do {
                try heap.listAppend(raw, item)
            } catch {
                throw .memoryError(error)
            }
        }
    }

    /// Removes every item of a list (`list.clear()`). The list is empty
    /// before any item is released (last first), so a finalizer that runs
    /// meanwhile sees it empty.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when this is not a list.
    public func removeAll() throws(ObjectError) {
        try requireKind(.list, "removeAll")
        heap.clearList(raw)
    }

    /// A new list of the items from `start` up to, not including, `end` of a
    /// tuple or list (`sequence[start:end]`). As Python's slices: nil means
    /// the start or the end, a negative index counts from the end, and
    /// indices past either end are clamped.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when this is not a tuple or
    ///   list; ``ObjectError/memoryError(_:)`` when the new list cannot be
    ///   allocated.
    public func items(from start: Int? = nil, to end: Int? = nil) throws(ObjectError) -> Ref {
        _ = try sequenceCount("items(from:to:)")
        // The new list first: allocating may run a collection whose
        // finalizers change this list, so its bounds are read afterwards,
        // and its count again before each item.
        let slice: Ref
        do {
            slice = try heap.list()
        } catch {
            throw .memoryError(error)
        }
        let count = try sequenceCount("items(from:to:)")
        func clamped(_ index: Int?, _ otherwise: Int) -> Int {
            guard let index else { return otherwise }
            return index < 0 ? max(0, index + count) : min(index, count)
        }
        let lower = clamped(start, 0), upper = max(lower, clamped(end, count))
        for position in lower..<upper {
            guard position < (try sequenceCount("items(from:to:)")) else { break }
            let item = try sequenceItem(at: position, "items(from:to:)")
            do {
                try heap.listAppend(slice.raw, item)
            } catch {
                throw .memoryError(error)
            }
        }
        return slice
    }

    /// Calls `body` with each item of a tuple, list, set or the keys of a
    /// dict, borrowed: no reference count changes. A list may change under
    /// `body` (the walk goes by index, as CPython's list iterator does).
    ///
    /// - Throws: ``ObjectError/runtimeError(_:)`` when `body` changes the
    ///   size of a dict or set (as CPython raises); what `body` throws.
    public func forEach(_ body: (borrowing Ref) throws -> Void) throws {
        let heap = self.heap
        switch raw.type.kind {
        case .tuple, .list:
            // A list may change under `body`; walk it by index.
            var index = 0
            while index < (try sequenceCount("forEach")) {
                try withBorrowed(try sequenceItem(at: index, "forEach"), heap: heap, body)
                index += 1
            }
        case .dict:
            try forEachEntry { key, _ in try body(key) }
        case .set:
            // The members listed first, and held, so that one `body` removes
            // (and another it adds in its place) is not freed under the walk.
            let count = raw.itemCount
            var members = RefArray()
            for member in raw.setMembers() { members.append(Ref(retaining: member, heap: heap)) }
            for index in 0..<members.count {
                try members.withElement(at: index, body)
                guard raw.itemCount == count else { throw ObjectError.runtimeError("Set changed size during iteration") }
            }
        default:
            throw ObjectError.typeError("'\(raw.type.name)' object is not iterable")
        }
    }
}
