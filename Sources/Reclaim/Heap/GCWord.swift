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
