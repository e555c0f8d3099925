/// The encoding of a tracked container's gc word: its generation (0–3) in
/// bits 32–33 and its index in that generation's table in bits 0–31.
/// `UInt64.max` marks an untracked container.
enum GCWord {
    @inline(__always)
    static func make(generation: Int, index: Int) -> UInt64 { UInt64(generation) << 32 | UInt64(index) }
    @inline(__always)
    static func generation(_ word: UInt64) -> Int { Int((word >> 32) & 3) }
    @inline(__always)
    static func index(_ word: UInt64) -> Int { Int(word & 0xFFFF_FFFF) }
}

/// The encoding of a candidate's gc word during a collection: its position
/// in the candidate list in bits 32–63 and its scratch count in bits 0–31.
/// The count starts as the reference count (32 bits) and only goes down,
/// never below the references from other candidates, so subtracting from
/// the whole word never disturbs the position.
enum ScratchWord {
    @inline(__always)
    static func make(position: Int, count: UInt32) -> UInt64 { UInt64(position) << 32 | UInt64(count) }
    @inline(__always)
    static func position(_ word: UInt64) -> Int { Int(word >> 32) }
    @inline(__always)
    static func count(_ word: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: word) }
}
