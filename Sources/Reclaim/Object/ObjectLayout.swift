/// The layout of every managed object — its header, and the payload of
/// each built-in type — and the only code that reads or writes a header
/// field, a payload field or a reference slot through a raw pointer.
/// Every byte offset of an object is a named constant here.
///
/// ```
///              ┌──────────────────────────────┐
///  block ────► │ gc word (8 B): containers    │  index in the heap's tracking
///              │ only                         │  table; collector scratch
///  object ───► ├──────────────────────────────┤ ◄── RawRef points here
///              │ refcount  UInt32             │  0xFFFF_FFFF = immortal
///              │ flags     UInt16             │  live magic, tracked, finalized…
///              │ heap id   UInt16             │  which heap owns the object
///              ├──────────────────────────────┤
///              │ type      ObjectType (8 B)   │  unretained class reference
///              ├──────────────────────────────┤
///              │ payload: basicSize +         │  int value, list fields,
///              │ itemSize × count             │  str bytes, instance slots…
///              └──────────────────────────────┘
/// ```
///
/// An untracked object has 16 bytes of header (CPython 3.11: 16); a container
/// that the collector tracks has 24 (CPython 3.11: 32, its PyGC_Head being two
/// pointers). The gc word is an index into a per-heap table rather than list
/// links: the collector walks a dense array instead of chasing pointers.
///
/// Invariants:
/// * A `RawRef` is the address of the header, 8-byte aligned, inside a block
///   the owning heap allocated; the gc word, when present, is the 8 bytes
///   before it and the block starts there.
/// * `flags` carries ``HeaderFlags/liveMagic`` for as long as the object is
///   live; freeing overwrites the whole block with ``poisonByte`` in checked
///   builds, which clears the magic, so a stale reference is caught.
/// * The type reference is unretained: a type outlives its objects. Most
///   types are immortal (kept in the registry); a class with a class
///   object is owned by it, and each instance holds that class object.
@usableFromInline
enum ObjectHeader {
    @usableFromInline static let size = 16
    static let gcWordSize = 8
    @usableFromInline static let refcountOffset = 0
    @usableFromInline static let flagsOffset = 4
    @usableFromInline static let heapOffset = 6
    @usableFromInline static let typeOffset = 8

    /// The refcount of immortal objects (PEP 683): retain and release leave it.
    static let immortalRefcount: UInt32 = .max

    /// Freed blocks are filled with this byte in checked builds.
    static let poisonByte: UInt8 = 0xDB
}

/// Bits of the header's `flags` field.
struct HeaderFlags: OptionSet {
    let rawValue: UInt16

    /// Set on every live object: a freed, poisoned block fails this check.
    static let liveMagic = HeaderFlags(rawValue: 0xA500)
    static let magicMask = HeaderFlags(rawValue: 0xFF00)
    /// The object is in the heap's tracking table (has a gc word and is a container).
    static let tracked = HeaderFlags(rawValue: 1 << 0)
    /// Its finalizer has run (PEP 442): it never runs again.
    static let finalized = HeaderFlags(rawValue: 1 << 1)
    /// It is being destroyed: its refcount reached zero.
    static let destroying = HeaderFlags(rawValue: 1 << 2)
    /// The block has a gc word before the header.
    static let hasGCWord = HeaderFlags(rawValue: 1 << 3)
    /// A candidate of the running collection.
    static let collecting = HeaderFlags(rawValue: 1 << 4)
    /// Weak references refer to the object (the heap's table lists them).
    static let hasWeakReferences = HeaderFlags(rawValue: 1 << 5)
    /// Found reachable by the running collection.
    static let reachable = HeaderFlags(rawValue: 1 << 6)
    /// Found unreachable and held by the running collection while its
    /// finalizers and callbacks run: out of every table, yet tracked as far
    /// as anything else can tell (CPython keeps such objects in its
    /// `unreachable` list, and `gc.is_tracked` says so). Cleared when the
    /// collection tracks the object again (`trackHeldAmongSurvivors`) or frees it.
    static let held = HeaderFlags(rawValue: 1 << 7)
    /// Any of the states in which the collector counts the object as
    /// tracked: in a table, a candidate, or held.
    static let trackedInAnyWay: HeaderFlags = [.tracked, .collecting, .held]
}

extension RawRef {
    @inlinable @inline(__always)
    var refcount: UInt32 {
        get { pointer.load(fromByteOffset: ObjectHeader.refcountOffset, as: UInt32.self) }
        nonmutating set { pointer.storeBytes(of: newValue, toByteOffset: ObjectHeader.refcountOffset, as: UInt32.self) }
    }

    var flags: HeaderFlags {
        get { HeaderFlags(rawValue: pointer.load(fromByteOffset: ObjectHeader.flagsOffset, as: UInt16.self)) }
        nonmutating set { pointer.storeBytes(of: newValue.rawValue, toByteOffset: ObjectHeader.flagsOffset, as: UInt16.self) }
    }

    @inlinable @inline(__always)
    var heapID: UInt16 { pointer.load(fromByteOffset: ObjectHeader.heapOffset, as: UInt16.self) }

    @inlinable @inline(__always)
    var typeReference: Unmanaged<ObjectType> {
        Unmanaged.fromOpaque(pointer.load(fromByteOffset: ObjectHeader.typeOffset, as: UnsafeRawPointer.self))
    }

    /// The gc word of a container (the 8 bytes before the header).
    var gcWord: UInt64 {
        get { pointer.load(fromByteOffset: -ObjectHeader.gcWordSize, as: UInt64.self) }
        nonmutating set { pointer.storeBytes(of: newValue, toByteOffset: -ObjectHeader.gcWordSize, as: UInt64.self) }
    }

    /// The first byte of the payload.
    @usableFromInline
    var payloadAddress: UnsafeMutableRawPointer { pointer + ObjectHeader.size }

    /// Whether the object is a candidate of the running collection.
    @inline(__always)
    var isCollecting: Bool {
        pointer.load(fromByteOffset: ObjectHeader.flagsOffset, as: UInt16.self) & HeaderFlags.collecting.rawValue != 0
    }

    /// Calls `body` with the object's type, without retaining it (a type
    /// outlives its objects; see `ObjectHeader`). Code that may free the
    /// object's class object runs after `body`, not in it.
    @usableFromInline @inline(__always)
    func withType<Result>(_ body: (ObjectType) throws -> Result) rethrows -> Result {
        try typeReference._withUnsafeGuaranteedRef(body)
    }

    /// Writes the type reference alone (a freed, poisoned block keeps it in
    /// checked builds, so that a stale reference's message can name its type).
    func storeTypeReference(_ type: ObjectType) {
        pointer.storeBytes(of: UnsafeRawPointer(Unmanaged.passUnretained(type).toOpaque()),
                           toByteOffset: ObjectHeader.typeOffset, as: UnsafeRawPointer.self)
    }

    /// Whether the header still carries the live magic.
    @usableFromInline
    var hasLiveMagic: Bool {
        pointer.load(fromByteOffset: ObjectHeader.flagsOffset, as: UInt16.self) & HeaderFlags.magicMask.rawValue
            == HeaderFlags.liveMagic.rawValue
    }

    /// Writes a fresh header at the start of `block` (after the gc word
    /// when the type is a container), returning the object. The gc word is
    /// left for `Heap.track`, or set untracked by the caller.
    @inline(__always)
    static func initialize(block: UnsafeMutableRawPointer, type: ObjectType, heapID: UInt16, immortal: Bool) -> RawRef {
        let hasGCWord = type.isContainer
        let object = RawRef(pointer: hasGCWord ? block + ObjectHeader.gcWordSize : block)
        object.pointer.storeBytes(of: immortal ? ObjectHeader.immortalRefcount : 1,
                                  toByteOffset: ObjectHeader.refcountOffset, as: UInt32.self)
        object.pointer.storeBytes(of: type.initialFlags, toByteOffset: ObjectHeader.flagsOffset, as: UInt16.self)
        object.pointer.storeBytes(of: heapID, toByteOffset: ObjectHeader.heapOffset, as: UInt16.self)
        object.storeTypeReference(type)
        return object
    }

    /// The start of the object's block.
    var blockStart: UnsafeMutableRawPointer {
        blockStart(isContainer: flags.contains(.hasGCWord))
    }

    /// The start of the block of an object whose type is a container or
    /// not (a container's block starts with its gc word).
    @inline(__always)
    func blockStart(isContainer: Bool) -> UnsafeMutableRawPointer {
        isContainer ? gcWordAddress : pointer
    }

    /// Where a container's gc word is.
    @inline(__always)
    var gcWordAddress: UnsafeMutableRawPointer { pointer - ObjectHeader.gcWordSize }

    /// The gc word of a container that is not in the tracking table.
    static let untrackedGCWord: UInt64 = .max
}

// MARK: Payloads

/// A field of a built-in's payload: its byte offset from the payload's
/// start and the type of value stored there.
struct PayloadField<Value> {
    let offset: Int
}

/// The payload of each built-in type, field by field. Every field is a
/// machine word (8 bytes), so the offsets count words.
///
/// ```
/// int, bool      value: Int
/// float          value: Double
/// str            count: Int │ hash: Int (Int.min until computed) │ count UTF-8 bytes
/// bytes          count: Int │ count bytes
/// tuple          count: Int │ count slots
/// list           count: Int │ capacity: Int │ items: address of a block of capacity slots, or 0
/// dict           count │ used │ entry capacity │ index capacity │ storage: address or 0
///                  storage: index table (Int32 per slot: -1 empty, -2 deleted, else an
///                  entry number), padded to 8 bytes, then the entries (hash, key, value)
///                  in insertion order; a deleted entry's key is 0
/// set            count │ used (members plus deleted slots) │ capacity │ table: address or 0
///                  table: capacity slots of (hash, member); member 0 empty, 1 deleted
/// weakref        referent: address, 0 once cleared
/// instance       one slot per attribute
/// ```
///
/// A *slot* is a reference: an object's address, or 0 for none (an unset
/// attribute, a tuple item not yet set). Each kind of slot is read and
/// written through one typed view below (`instanceSlots`, `tupleSlots`,
/// `listItems`); a dict's entries and a set's table through `DictLayout`
/// and `SetTable`, with the offsets named here.
enum PayloadLayout {
    static let wordSize = 8
    /// The item count, first in every variable-size payload and in the
    /// payloads of list, dict and set (what `len()` reads).
    static let count = PayloadField<Int>(offset: 0)

    enum Number {
        static let size = 8
        static let integer = PayloadField<Int>(offset: 0)
        static let float = PayloadField<Double>(offset: 0)
    }

    enum Str {
        static let size = 16
        static let hash = PayloadField<Int>(offset: 8)
        static let bytes = 16
        /// The hash of a str whose hash is not computed yet.
        static let unknownHash = Int.min
    }

    enum Bytes {
        static let size = 8
        static let bytes = 8
    }

    enum Tuple {
        static let size = 8
        static let items = 8
    }

    enum List {
        static let size = 24
        static let capacity = PayloadField<Int>(offset: 8)
        static let items = PayloadField<UnsafeMutablePointer<RawRef>?>(offset: 16)
    }

    enum Dict {
        static let used = PayloadField<Int>(offset: 8)
        static let entryCapacity = PayloadField<Int>(offset: 16)
        static let indexCapacity = PayloadField<Int>(offset: 24)
        static let storage = PayloadField<UnsafeMutableRawPointer?>(offset: 32)
        static let size = 40
        /// An index table slot's bytes: 1 up to 128 slots, 2 up to 2^15,
        /// 4 beyond (as CPython's `DK_IXSIZE`), so a small dict's table
        /// of 8 slots and 5 entries is 128 bytes, a size class of its own.
        /// Entry numbers stay below 2/3 of the slots, so each fits, as do
        /// the marks -1 (empty) and -2 (deleted).
        static func indexSize(capacity: Int) -> Int { capacity <= 128 ? 1 : capacity <= 1 << 15 ? 2 : 4 }
        /// An entry: its bytes, and where its hash, key and value are.
        static let entrySize = 24
        static let entryHash = 0
        static let entryKey = 8
        static let entryValue = 16
    }

    enum Set {
        static let used = PayloadField<Int>(offset: 8)
        static let capacity = PayloadField<Int>(offset: 16)
        static let table = PayloadField<UnsafeMutableRawPointer?>(offset: 24)
        static let size = 32
        /// A table slot: its bytes, and where its hash and member are.
        static let slotSize = 16
        static let slotHash = 0
        static let slotMember = 8
        /// The member word of an empty slot and of a deleted one.
        static let emptyMember: UInt = 0
        static let deletedMember: UInt = 1
    }

    enum WeakReference {
        static let referent = PayloadField<UnsafeMutableRawPointer?>(offset: 0)
        /// A callable callback object, held (0 for none, or a Swift callback).
        static let callbackObject = 8
        static let size = 16
    }

    enum Instance {
        static let slots = 0
    }
}

extension RawRef {
    /// A payload field of this object.
    @inline(__always)
    subscript<Value>(field: PayloadField<Value>) -> Value {
        get { payloadAddress.load(fromByteOffset: field.offset, as: Value.self) }
        nonmutating set { payloadAddress.storeBytes(of: newValue, toByteOffset: field.offset, as: Value.self) }
    }

    /// The item count of a variable-size object, list, dict or set.
    @inline(__always)
    var itemCount: Int {
        get { self[PayloadLayout.count] }
        nonmutating set { self[PayloadLayout.count] = newValue }
    }

    /// The attribute slots of an instance of a type with `count` of them
    /// (nil: unset). Every read and write of an instance's attributes —
    /// the collector's included — goes through this one typed view.
    @usableFromInline @inline(__always)
    func instanceSlots(count: Int) -> UnsafeMutableBufferPointer<RawRef?> {
        UnsafeMutableBufferPointer(start: (payloadAddress + PayloadLayout.Instance.slots).assumingMemoryBound(to: RawRef?.self),
                                   count: count)
    }

    /// The attribute slots of an instance.
    var instanceSlots: UnsafeMutableBufferPointer<RawRef?> {
        instanceSlots(count: typeReference._withUnsafeGuaranteedRef { $0.instanceSlotCount })
    }

    /// The slots of a tuple, nil where one being built has no item yet.
    /// Every read and write of a tuple's items goes through this one typed
    /// view. (A slot is an optional address, not a `RawRef`: a `RawRef`'s
    /// pointer is never null, so the compiler may fold a test of one for
    /// zero away.)
    @inline(__always)
    var tupleSlots: UnsafeBufferPointer<UnsafeMutableRawPointer?> {
        UnsafeBufferPointer(start: (payloadAddress + PayloadLayout.Tuple.items).assumingMemoryBound(to: UnsafeMutableRawPointer?.self),
                            count: itemCount)
    }

    /// ``tupleSlots`` to fill a new tuple or clear a dying one.
    @inline(__always)
    var mutableTupleSlots: UnsafeMutableBufferPointer<UnsafeMutableRawPointer?> {
        UnsafeMutableBufferPointer(mutating: tupleSlots)
    }

    /// The block of a list's item slots as raw memory (nil while it has none).
    var listItemBlock: UnsafeRawPointer? { listStorage.map(UnsafeRawPointer.init) }

    /// The raw block of a list's item slots `items`, to free it.
    static func listItemBlock(_ items: UnsafeMutablePointer<RawRef>) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(items)
    }

    /// The block of a list's item slots (nil while it has none).
    @inline(__always)
    var listStorage: UnsafeMutablePointer<RawRef>? {
        get { self[PayloadLayout.List.items] }
        nonmutating set { self[PayloadLayout.List.items] = newValue }
    }

    /// The items of a list.
    @inline(__always)
    var listItems: UnsafeMutableBufferPointer<RawRef> {
        UnsafeMutableBufferPointer(start: listStorage, count: itemCount)
    }

    /// The UTF-8 bytes of a `str`.
    var stringBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: payloadAddress + PayloadLayout.Str.bytes, count: itemCount)
    }

    /// The storage of a `str`'s UTF-8 bytes, to write them once.
    var mutableStringBytes: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: payloadAddress + PayloadLayout.Str.bytes, count: itemCount)
    }

    /// The contents of a `bytes`.
    var byteContents: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: payloadAddress + PayloadLayout.Bytes.bytes, count: itemCount)
    }

    /// The storage of a `bytes`'s contents, to write them once.
    var mutableByteContents: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: payloadAddress + PayloadLayout.Bytes.bytes, count: itemCount)
    }

    /// The referent of a weakref, nil once cleared.
    var weakReferent: RawRef? {
        get { self[PayloadLayout.WeakReference.referent].map(RawRef.init(pointer:)) }
        nonmutating set { self[PayloadLayout.WeakReference.referent] = newValue?.pointer }
    }

    /// Zeroes `byteCount` bytes of payload (a multiple of 8) one word at
    /// a time: for the small fixed payloads of allocation's fast path.
    @inline(__always)
    func zeroPayloadWords(_ byteCount: Int) {
        var offset = 0
        while offset < byteCount {
            payloadAddress.storeBytes(of: 0, toByteOffset: offset, as: Int.self)
            offset &+= PayloadLayout.wordSize
        }
    }

    /// Zeroes the first `byteCount` bytes of the payload.
    func zeroPayload(byteCount: Int) {
        payloadAddress.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    }

    /// A new block for `capacity` list items, typed as their slots.
    static func listItemBlock(_ block: UnsafeMutableRawPointer) -> UnsafeMutablePointer<RawRef> {
        block.assumingMemoryBound(to: RawRef.self)
    }
}

// MARK: Tables of dicts and sets

/// A view of a dict's payload fields and of its storage block's index
/// table and entries, at the offsets `PayloadLayout.Dict` names.
struct DictLayout {
    let object: RawRef
    var count: Int {
        get { object.itemCount }
        nonmutating set { object.itemCount = newValue }
    }
    var used: Int {
        get { object[PayloadLayout.Dict.used] }
        nonmutating set { object[PayloadLayout.Dict.used] = newValue }
    }
    var entryCapacity: Int {
        get { object[PayloadLayout.Dict.entryCapacity] }
        nonmutating set { object[PayloadLayout.Dict.entryCapacity] = newValue }
    }
    var indexCapacity: Int {
        get { object[PayloadLayout.Dict.indexCapacity] }
        nonmutating set { object[PayloadLayout.Dict.indexCapacity] = newValue }
    }
    var storage: UnsafeMutableRawPointer? {
        get { object[PayloadLayout.Dict.storage] }
        nonmutating set { object[PayloadLayout.Dict.storage] = newValue }
    }

    /// The storage block, as `ObjectType.storageBlocks` lists it.
    var storageBlock: UnsafeRawPointer? { storage.map(UnsafeRawPointer.init) }

    static func indexBytes(_ indexCapacity: Int) -> Int {
        (indexCapacity * PayloadLayout.Dict.indexSize(capacity: indexCapacity) + PayloadLayout.wordSize - 1) & ~(PayloadLayout.wordSize - 1)
    }
    static let entrySize = PayloadLayout.Dict.entrySize
    static func storageByteCount(indexCapacity: Int, entryCapacity: Int) -> Int {
        indexBytes(indexCapacity) + entryCapacity * entrySize
    }
    var storageByteCount: Int { DictLayout.storageByteCount(indexCapacity: indexCapacity, entryCapacity: entryCapacity) }

    /// Index slot `slot`: an entry number, -1 (empty) or -2 (deleted).
    @inline(__always)
    func index(at slot: Int) -> Int {
        let capacity = indexCapacity, table = storage.unsafelyUnwrapped
        checkSlot(slot, capacity)
        switch PayloadLayout.Dict.indexSize(capacity: capacity) {
        case 1: return Int(table.load(fromByteOffset: slot, as: Int8.self))
        case 2: return Int(table.load(fromByteOffset: slot &* 2, as: Int16.self))
        default: return Int(table.load(fromByteOffset: slot &* 4, as: Int32.self))
        }
    }

    /// Sets index slot `slot` to `value`: an entry number, -1 or -2.
    @inline(__always)
    func setIndex(_ value: Int, at slot: Int) {
        let capacity = indexCapacity, table = storage.unsafelyUnwrapped
        checkSlot(slot, capacity)
        switch PayloadLayout.Dict.indexSize(capacity: capacity) {
        case 1: table.storeBytes(of: Int8(value), toByteOffset: slot, as: Int8.self)
        case 2: table.storeBytes(of: Int16(value), toByteOffset: slot &* 2, as: Int16.self)
        default: table.storeBytes(of: Int32(value), toByteOffset: slot &* 4, as: Int32.self)
        }
    }

    /// Marks every index slot of a new table of `capacity` slots at `table` empty (-1).
    static func emptyIndices(_ table: UnsafeMutableRawPointer, capacity: Int) {
        table.initializeMemory(as: UInt8.self, repeating: 0xFF, count: capacity * PayloadLayout.Dict.indexSize(capacity: capacity))
    }

    /// In debug builds, stops when `slot` is outside the table.
    @inline(__always)
    func checkSlot(_ slot: Int, _ capacity: Int) {
        #if DEBUG
        precondition(storage != nil && slot >= 0 && slot < capacity, "DictLayout: index slot \(slot) outside 0..<\(capacity)")
        #endif
    }
    /// Where entry 0 lies in a storage block at `storage` whose index
    /// table has `indexCapacity` slots: the entries follow the index
    /// slots, rounded up to a word.
    @inline(__always)
    static func entries(in storage: UnsafeMutableRawPointer, indexCapacity: Int) -> UnsafeMutableRawPointer {
        storage + indexBytes(indexCapacity)
    }

    /// Where entry 0 lies; nil while the dict has no storage.
    @inline(__always)
    var entries: UnsafeMutableRawPointer? {
        storage.map { DictLayout.entries(in: $0, indexCapacity: indexCapacity) }
    }

    /// Entry `number` of the storage, which must exist.
    func entry(_ number: Int) -> UnsafeMutableRawPointer {
        entries! + number * DictLayout.entrySize
    }
    static func hash(_ entry: UnsafeMutableRawPointer) -> Int {
        entry.load(fromByteOffset: PayloadLayout.Dict.entryHash, as: Int.self)
    }
    static func key(_ entry: UnsafeMutableRawPointer) -> RawRef? {
        entry.load(fromByteOffset: PayloadLayout.Dict.entryKey, as: UnsafeMutableRawPointer?.self).map(RawRef.init(pointer:))
    }
    static func value(_ entry: UnsafeMutableRawPointer) -> RawRef {
        RawRef(pointer: entry.load(fromByteOffset: PayloadLayout.Dict.entryValue, as: UnsafeMutableRawPointer.self))
    }
    static func set(_ entry: UnsafeMutableRawPointer, hash: Int, key: RawRef?, value: RawRef?) {
        entry.storeBytes(of: hash, toByteOffset: PayloadLayout.Dict.entryHash, as: Int.self)
        entry.storeBytes(of: key?.pointer, toByteOffset: PayloadLayout.Dict.entryKey, as: UnsafeMutableRawPointer?.self)
        entry.storeBytes(of: value?.pointer, toByteOffset: PayloadLayout.Dict.entryValue, as: UnsafeMutableRawPointer?.self)
    }
}

/// A set's table, a block of the heap's arena: `capacity` slots, each a
/// hash and a member word at the offsets `PayloadLayout.Set` names. The
/// member word is an object's address, or the empty (0) or deleted (1)
/// mark. A small handle: it neither owns nor frees the block.
struct SetTable {
    /// The table's block.
    let block: UnsafeMutableRawPointer

    init(_ block: UnsafeMutableRawPointer) { self.block = block }

    /// The block, as `ObjectType.storageBlocks` lists it.
    var storageBlock: UnsafeRawPointer { UnsafeRawPointer(block) }

    /// A table of `capacity` empty slots in `block`, which it zeroes.
    init(emptying block: UnsafeMutableRawPointer, capacity: Int) {
        block.initializeMemory(as: UInt8.self, repeating: 0, count: SetTable.byteCount(capacity: capacity))
        self.block = block
    }

    /// The bytes of a table of `capacity` slots.
    static func byteCount(capacity: Int) -> Int { capacity * PayloadLayout.Set.slotSize }

    @inline(__always)
    func hash(_ slot: Int) -> Int {
        block.load(fromByteOffset: slot &* PayloadLayout.Set.slotSize &+ PayloadLayout.Set.slotHash, as: Int.self)
    }

    /// The member word of `slot`: an address, or the empty or deleted mark.
    @inline(__always)
    func memberWord(_ slot: Int) -> UInt {
        block.load(fromByteOffset: slot &* PayloadLayout.Set.slotSize &+ PayloadLayout.Set.slotMember, as: UInt.self)
    }

    /// The member in `slot`; nil when the slot is empty or deleted.
    @inline(__always)
    func member(_ slot: Int) -> RawRef? {
        let word = memberWord(slot)
        guard word > PayloadLayout.Set.deletedMember else { return nil }
        return UnsafeMutableRawPointer(bitPattern: word).map(RawRef.init(pointer:))
    }

    @inline(__always)
    func store(_ slot: Int, hash: Int, member: RawRef) {
        block.storeBytes(of: hash, toByteOffset: slot &* PayloadLayout.Set.slotSize &+ PayloadLayout.Set.slotHash, as: Int.self)
        block.storeBytes(of: member.pointer, toByteOffset: slot &* PayloadLayout.Set.slotSize &+ PayloadLayout.Set.slotMember,
                         as: UnsafeMutableRawPointer.self)
    }

    @inline(__always)
    func markDeleted(_ slot: Int) {
        block.storeBytes(of: PayloadLayout.Set.deletedMember,
                         toByteOffset: slot &* PayloadLayout.Set.slotSize &+ PayloadLayout.Set.slotMember, as: UInt.self)
    }
}

extension RawRef {
    /// A set's table, nil while it has none.
    var setTable: SetTable? {
        get { self[PayloadLayout.Set.table].map(SetTable.init) }
        nonmutating set { self[PayloadLayout.Set.table] = newValue?.block }
    }

    var setCapacity: Int {
        get { self[PayloadLayout.Set.capacity] }
        nonmutating set { self[PayloadLayout.Set.capacity] = newValue }
    }

    var setUsed: Int {
        get { self[PayloadLayout.Set.used] }
        nonmutating set { self[PayloadLayout.Set.used] = newValue }
    }
}
