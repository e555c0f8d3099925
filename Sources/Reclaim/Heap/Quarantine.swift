// Unsafe code here: a ring of freed blocks' addresses.
// Invariants: each listed block is a poisoned block of this heap's arena,
// no longer part of any object, with the byte count it was allocated
// with; it is listed once, and leaves the ring exactly once — when newer
// frees push it out, when the ring is drained, or forgotten with the arena.

/// Checked builds only: freed blocks wait here, poisoned, before the free
/// lists or the arena may hand them out again, as AddressSanitizer's
/// quarantine holds freed memory. A stale reference — a `RawRef` kept
/// past its object's end, such as the `raw` of a temporary `Ref` — then
/// finds a poisoned header, and its next retain, release or access stops
/// with "was already freed", instead of quietly reaching whatever object
/// took the block next. Holds the last `capacity` frees of blocks of at
/// most `maximumBlockSize` bytes.
struct Quarantine: ~Copyable {
    static let capacity = 4096
    /// Larger blocks (a container's grown storage) are poisoned but not
    /// held, so that holding 4096 of them cannot keep gigabytes resident.
    static let maximumBlockSize = 4096

    private let blocks = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: Quarantine.capacity)
    private let sizes = UnsafeMutablePointer<Int>.allocate(capacity: Quarantine.capacity)
    /// Where the next block goes, and how many are held.
    private var next = 0, count = 0

    /// Holds `block` of `rounded` bytes. When the ring is full, returns the
    /// oldest block, which the caller gives back for real.
    mutating func admit(_ block: UnsafeMutableRawPointer, _ rounded: Int) -> (block: UnsafeMutableRawPointer, size: Int)? {
        var oldest: (UnsafeMutableRawPointer, Int)?
        if count == Quarantine.capacity {
            oldest = (blocks[next], sizes[next])
        } else {
            count += 1
        }
        blocks[next] = block
        sizes[next] = rounded
        next = (next + 1) % Quarantine.capacity
        return oldest
    }

    /// Takes every held block out, oldest first, calling `body` with it and its size.
    mutating func drain(_ body: (UnsafeMutableRawPointer, Int) -> Void) {
        var position = (next - count + Quarantine.capacity) % Quarantine.capacity
        for _ in 0..<count {
            body(blocks[position], sizes[position])
            position = (position + 1) % Quarantine.capacity
        }
        next = 0
        count = 0
    }

    /// Forgets every held block (their arena is gone).
    mutating func forget() {
        next = 0
        count = 0
    }

    deinit {
        blocks.deallocate()
        sizes.deallocate()
    }
}
