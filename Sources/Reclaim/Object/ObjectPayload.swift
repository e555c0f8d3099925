// Unsafe code here: loads and stores at byte offsets into an object's payload.
// Invariants: every access lies inside the payload the object's type
// describes — `basicSize` bytes, then `itemSize` bytes per item for the
// item count stored in the first word — and is aligned for its value;
// `checkAccess` stops the process otherwise, in every build. The view is
// valid while its object lives, as the `RawRef` it holds.

/// The payload of an object — the bytes after its header, laid out by its
/// type's ``ObjectType/basicSize`` and ``ObjectType/itemSize`` — read and
/// written by byte offset with typed values. It is what a custom type's
/// `traverse`, `clear` and `dropReferences`, and its constructors, use
/// instead of address arithmetic: an offset outside the payload, or
/// misaligned for the value, stops the process with a message naming the
/// type and the operation.
///
/// A variable-size type (`itemSize > 0`) keeps its item count in the first
/// word (offset 0), which can be read but not written; item `index` starts
/// at ``offset(ofItem:)``.
///
/// Reference fields hold an object's address, or 0 for none. Reading one
/// borrows (``reference(at:)``); ``initializeReference(at:to:)``,
/// ``exchangeReference(at:with:)`` and ``takeReference(at:)`` move
/// ownership in and out, so that the counts stay right without explicit
/// retains and releases.
///
/// Like ``RawRef``, a payload is a view of an object it does not own: use it
/// only while the object is alive.
///
/// ```swift
/// // A cons cell: two references, car at 0 and cdr at 8.
/// let cell = ObjectType(
///     name: "Cell", basicSize: 16,
///     traverse: { object, visit in
///         for offset in [0, 8] { if let item = object.payload.reference(at: offset) { visit(item) } }
///     },
///     clear: { object, _ in                // lets the collector break cycles of cells
///         for offset in [0, 8] { _ = object.payload.takeReference(at: offset) }
///     },
///     dropReferences: { object, _ in
///         for offset in [0, 8] { _ = object.payload.takeReference(at: offset) }
///     })
/// let pair = Ref(adopting: try heap.allocateObject(of: cell), heap: heap)
/// pair.raw.payload.initializeReference(at: 0, to: try heap.int(1))
/// ```
public struct ObjectPayload {
    /// The object whose payload this is.
    public let object: RawRef
    /// Bytes of the fixed part (the type's `basicSize`).
    public let fixedByteCount: Int
    /// Bytes of each item (the type's `itemSize`; 0 for a fixed-size type).
    public let itemByteCount: Int

    init(object: RawRef) {
        self.object = object
        (fixedByteCount, itemByteCount) = object.withType { ($0.basicSize, $0.itemSize) }
    }

    /// The number of items of a variable-size object (0 for a fixed-size one).
    public var itemCount: Int { itemByteCount == 0 ? 0 : object.itemCount }

    /// All the payload's bytes: the fixed part and every item.
    public var byteCount: Int { fixedByteCount + itemCount * itemByteCount }

    /// The offset of item `index`'s first byte.
    public func offset(ofItem index: Int) -> Int {
        let count = itemCount
        guard index >= 0 && index < count else {
            fail("offset(ofItem:)", "item \(index) is outside 0..<\(count)")
        }
        return fixedByteCount + index * itemByteCount
    }

    /// The value of type `Value` stored at `offset`.
    public func load<Value: BitwiseCopyable>(_ type: Value.Type = Value.self, at offset: Int) -> Value {
        checkAccess(Value.self, at: offset, "load(_:at:)")
        return object.payloadAddress.load(fromByteOffset: offset, as: Value.self)
    }

    /// Stores `value` at `offset`. For a reference field, use the
    /// reference methods, which keep the counts.
    public func store<Value: BitwiseCopyable>(_ value: Value, at offset: Int) {
        checkAccess(Value.self, at: offset, "store(_:at:)")
        if itemByteCount > 0 && offset < PayloadLayout.wordSize {
            fail("store(_:at:)", "offset \(offset) is in the item count word, which only allocation writes")
        }
        object.payloadAddress.storeBytes(of: value, toByteOffset: offset, as: Value.self)
    }

    // MARK: Reference fields

    /// The object the reference field at `offset` holds, borrowed (nil when
    /// it holds none): for `traverse`, and for reading without taking.
    public func reference(at offset: Int) -> RawRef? {
        let address = load(UInt.self, at: offset)
        return address == 0 ? nil : RawRef(pointer: UnsafeMutableRawPointer(bitPattern: address)!)
    }

    /// Puts `value` in the empty reference field at `offset`, which takes
    /// over its reference (a constructor's way to fill a field).
    public func initializeReference(at offset: Int, to value: consuming Ref) {
        guard reference(at: offset) == nil else {
            fail("initializeReference(at:to:)", "the field at offset \(offset) already holds a reference")
        }
        let raw = value.takeRaw()
        checkSameHeap(raw, "initializeReference(at:to:)")
        store(UInt(bitPattern: raw.pointer), at: offset)
    }

    /// Puts `value` (or none) in the reference field at `offset` and gives
    /// back what it held, owned: dropping the result releases it.
    public func exchangeReference(at offset: Int, with value: consuming Ref?) -> Ref? {
        let old = reference(at: offset)
        let new: UInt
        switch consume value {
        case .some(let reference):
            let raw = reference.takeRaw()
            checkSameHeap(raw, "exchangeReference(at:with:)")
            new = UInt(bitPattern: raw.pointer)
        case .none: new = 0
        }
        store(new, at: offset)
        return old.map { Ref(adopting: $0, heap: object.heap) }
    }

    /// Empties the reference field at `offset` and gives back what it held,
    /// owned: for `clear` and `dropReferences`, where dropping the result
    /// releases it.
    public func takeReference(at offset: Int) -> Ref? {
        exchangeReference(at: offset, with: nil)
    }

    // MARK: Checks

    /// Stops the process unless a `Value` at `offset` lies inside the
    /// payload and is aligned for it.
    func checkAccess<Value>(_: Value.Type, at offset: Int, _ operation: String) {
        let size = MemoryLayout<Value>.size, alignment = MemoryLayout<Value>.alignment
        guard offset >= 0, offset <= byteCount - size, offset % alignment == 0 else {
            fail(operation, "\(size) bytes at offset \(offset) are not an aligned part of its \(byteCount) payload bytes")
        }
    }

    /// Stops the process when `value` belongs to another heap than the object.
    func checkSameHeap(_ value: RawRef, _ operation: String) {
        guard value.heapID != object.heapID else { return }
        let name = value.withType { $0.name }
        fail(operation, "the \(name) object belongs to another heap")
    }

    func fail(_ operation: String, _ problem: String) -> Never {
        let name = object.withType { $0.name }
        preconditionFailure("ObjectPayload.\(operation): \(name) object at \(object.pointer): \(problem)")
    }
}

extension RawRef {
    /// The object's payload, typed (see ``ObjectPayload``).
    public var payload: ObjectPayload { ObjectPayload(object: self) }
}
