// Unsafe code here: storage blocks, in the arena or mapped.
// Invariants: a storage block of n bytes made here is a page mapping (in
// `HeapCore.mappedStorage`) exactly when `MappedStorage.isMapped(n)`, and an
// arena block otherwise, so the byte count its owner keeps tells which; it
// is resized and freed with that same byte count, by the functions here.
// (Dicts and sets make their tables with `allocateBlock`, in the arena at
// any size; `realStorageSize` looks a block up rather than assume.)

import Jemalloc

/// Out-of-line storage — a list's item block — in the heap: a block of
/// the arena below `MappedStorage.threshold` bytes, a page mapping of its
/// own from there on (see `MappedStorage`). Counted against the owning
/// type either way, at the size it really takes.
extension Heap {
    /// A storage block of `byteCount` bytes for a `type` object.
    ///
    /// - Throws: ``ObjectAllocationError`` naming the type when there is no memory.
    func allocateStorage(byteCount: Int, for type: ObjectType) throws(ObjectAllocationError) -> UnsafeMutableRawPointer {
        guard MappedStorage.isMapped(byteCount) else { return try allocateBlock(byteCount: byteCount, for: type) }
        guard byteCount <= Heap.maximumBlockSize else {
            throw ObjectAllocationError(typeName: type.name, reason: .tooLarge(byteCount: byteCount))
        }
        guard let (block, length) = core.pointee.mappedStorage.map(byteCount) else {
            throw ObjectAllocationError(typeName: type.name, reason: .outOfMemory(byteCount: byteCount))
        }
        countMappedBytes(length, for: type)
        return block
    }

    /// `block`, a storage block of `oldByteCount` bytes, resized to
    /// `newByteCount` bytes, the first `keptByteCount` kept. A mapped block
    /// that stays mapped is remapped (no copy); otherwise the bytes are
    /// copied to a new block and the old one freed. On a throw, `block` is
    /// unchanged and still owned by the caller.
    ///
    /// - Throws: ``ObjectAllocationError`` naming the type when there is no memory.
    func resizeStorage(_ block: UnsafeMutableRawPointer, from oldByteCount: Int, to newByteCount: Int,
                       keeping keptByteCount: Int, for type: ObjectType) throws(ObjectAllocationError) -> UnsafeMutableRawPointer {
        precondition(keptByteCount <= min(oldByteCount, newByteCount),
                     "Heap.resizeStorage: keeping \(keptByteCount) bytes of a \(type.name) block resized \(oldByteCount) → \(newByteCount)")
        if MappedStorage.isMapped(oldByteCount) && MappedStorage.isMapped(newByteCount) {
            guard newByteCount <= Heap.maximumBlockSize else {
                throw ObjectAllocationError(typeName: type.name, reason: .tooLarge(byteCount: newByteCount))
            }
            guard let (moved, growth) = core.pointee.mappedStorage.remap(block, to: newByteCount) else {
                throw ObjectAllocationError(typeName: type.name, reason: .outOfMemory(byteCount: newByteCount))
            }
            countMappedBytes(growth, for: type)
            return moved
        }
        let grown = try allocateStorage(byteCount: newByteCount, for: type)
        grown.copyMemory(from: block, byteCount: keptByteCount)
        freeStorage(block, byteCount: oldByteCount, for: type)
        return grown
    }

    /// Frees a storage block of `byteCount` bytes made by ``allocateStorage(byteCount:for:)``.
    func freeStorage(_ block: UnsafeMutableRawPointer, byteCount: Int, for type: ObjectType) {
        guard MappedStorage.isMapped(byteCount) else { return freeBlock(block, byteCount: byteCount, for: type) }
        countMappedBytes(-core.pointee.mappedStorage.unmap(block), for: type)
    }

    /// The bytes a storage block really takes: its mapping's length, or
    /// jemalloc's size of its arena block. Looked up by address, not
    /// decided by size: a dict's or set's table of a megabyte or more is an
    /// arena block (they are rebuilt, not resized, so a mapping would not
    /// save the copy).
    func realStorageSize(_ block: UnsafeRawPointer) -> Int {
        core.pointee.mappedStorage.lengthIfMapped(UnsafeMutableRawPointer(mutating: block))
            ?? Allocator.realSize(of: block, options: options)
    }

    /// Bytes of storage the heap keeps in mappings of its own, outside its
    /// arena: after ``flushCache()``, the arena's allocated bytes and these
    /// add up to ``liveBlockBytes``.
    public var mappedStorageBytes: Int { core.pointee.mappedStorage.totalBytes }

    /// Adds `delta` mapped bytes to `type`'s bytes and the traced total.
    private func countMappedBytes(_ delta: Int, for type: ObjectType) {
        counters(of: type).pointee.bytes += delta
        if delta > 0 { countAllocatedBytes(delta) } else { core.pointee.tracedBytes += delta }
    }
}
