/// The layout of every managed object, and the only code that reads or
/// writes header fields through raw pointers.
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
/// * The type reference is unretained: `ObjectType`s are immortal (kept in a
///   registry) once an object of them exists.
enum ObjectHeader {
    static let size = 16
    static let gcWordSize = 8
    static let refcountOffset = 0
    static let flagsOffset = 4
    static let heapOffset = 6
    static let typeOffset = 8

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
    /// collection tracks the object again (`trackHeldInOldest`) or frees it.
    static let held = HeaderFlags(rawValue: 1 << 7)
    /// Any of the states in which the collector counts the object as
    /// tracked: in a table, a candidate, or held.
    static let trackedInAnyWay: HeaderFlags = [.tracked, .collecting, .held]
}

extension RawRef {
    @inlinable @inline(__always)
    var refcount: UInt32 {
        get { pointer.load(fromByteOffset: 0, as: UInt32.self) }
        nonmutating set { pointer.storeBytes(of: newValue, toByteOffset: 0, as: UInt32.self) }
    }

    var flags: HeaderFlags {
        get { HeaderFlags(rawValue: pointer.load(fromByteOffset: ObjectHeader.flagsOffset, as: UInt16.self)) }
        nonmutating set { pointer.storeBytes(of: newValue.rawValue, toByteOffset: ObjectHeader.flagsOffset, as: UInt16.self) }
    }

    @inlinable @inline(__always)
    var heapID: UInt16 { pointer.load(fromByteOffset: 6, as: UInt16.self) }

    @inlinable @inline(__always)
    var typeReference: Unmanaged<ObjectType> {
        Unmanaged.fromOpaque(pointer.load(fromByteOffset: 8, as: UnsafeRawPointer.self))
    }

    /// The gc word of a container (the 8 bytes before the header).
    var gcWord: UInt64 {
        get { pointer.load(fromByteOffset: -ObjectHeader.gcWordSize, as: UInt64.self) }
        nonmutating set { pointer.storeBytes(of: newValue, toByteOffset: -ObjectHeader.gcWordSize, as: UInt64.self) }
    }

    /// The first byte of the payload.
    @usableFromInline
    var payload: UnsafeMutableRawPointer { pointer + ObjectHeader.size }

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
        object.pointer.storeBytes(of: immortal ? ObjectHeader.immortalRefcount : 1, as: UInt32.self)
        object.pointer.storeBytes(of: type.initialFlags, toByteOffset: ObjectHeader.flagsOffset, as: UInt16.self)
        object.pointer.storeBytes(of: heapID, toByteOffset: ObjectHeader.heapOffset, as: UInt16.self)
        object.pointer.storeBytes(of: UnsafeRawPointer(Unmanaged.passUnretained(type).toOpaque()),
                                  toByteOffset: ObjectHeader.typeOffset, as: UnsafeRawPointer.self)
        return object
    }

    /// The start of the object's block.
    var blockStart: UnsafeMutableRawPointer {
        flags.contains(.hasGCWord) ? pointer - ObjectHeader.gcWordSize : pointer
    }

    /// The gc word of a container that is not in the tracking table.
    static let untrackedGCWord: UInt64 = .max
}
