import CJemalloc

/// Sized allocation through jemalloc's non-standard API.
///
/// Unsafe by nature: the caller owns each returned block and must free it
/// exactly once, with ``deallocate(_:byteCount:options:)`` given the same
/// byte count (or any size between it and the block's real size) and the same
/// arena and cache options it was allocated with. Invariants kept here:
///
/// * `mallocx` is never called with size 0 (undefined behaviour in jemalloc);
///   such requests throw instead.
/// * A `nil` return from `mallocx` becomes ``AllocationError`` — never a crash
///   and never a forced unwrap.
/// * `sdallocx` receives the flags of allocation minus `MALLOCX_ZERO`, so the
///   block goes back to the arena and cache it came from.
public enum Allocator {
    /// Allocates `byteCount` bytes with `options`.
    ///
    /// - Throws: ``AllocationError`` when `byteCount` is 0 or jemalloc has no memory.
    @inlinable
    public static func allocate(
        byteCount: Int, options: AllocationOptions = .default
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        guard byteCount > 0 else {
            throw AllocationError(byteCount: byteCount, alignment: options.alignment, reason: .zeroSize)
        }
        guard let block = mallocx(byteCount, options.flags) else {
            throw AllocationError(byteCount: byteCount, alignment: options.alignment, reason: .outOfMemory)
        }
        return block
    }

    /// Frees a block of `byteCount` bytes allocated with `options`
    /// (`sdallocx`: the size spares jemalloc a lookup).
    @inlinable
    public static func deallocate(
        _ block: UnsafeMutableRawPointer, byteCount: Int, options: AllocationOptions = .default
    ) {
        sdallocx(block, byteCount, options.deallocationFlags)
    }

    /// The real size of a block: its size class, which may exceed what was
    /// requested (`sallocx`).
    @inlinable
    public static func realSize(of block: UnsafeRawPointer, options: AllocationOptions = .default) -> Int {
        sallocx(block, options.deallocationFlags)
    }

    /// The size class a request of `byteCount` bytes rounds up to, without
    /// allocating (`nallocx`); `nil` when the request is 0 or too large.
    @inlinable
    public static func sizeClass(forByteCount byteCount: Int, options: AllocationOptions = .default) -> Int? {
        guard byteCount > 0 else { return nil }
        let size = nallocx(byteCount, options.deallocationFlags)
        return size == 0 ? nil : size
    }
}
