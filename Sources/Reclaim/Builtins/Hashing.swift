/// Hashes for dict keys and set members, with Python's rule that values
/// which compare equal hash equally (`hash(1) == hash(1.0) == hash(True)`).
enum Hashing {
    /// Python's hash of an integer: the value itself, except -1 (reserved
    /// in CPython as an error marker), which hashes to -2.
    static func integer(_ value: Int) -> Int { value == -1 ? -2 : value }

    /// A float equal to an integer hashes as that integer; others by their bits.
    static func float(_ value: Double) -> Int {
        if value.rounded(.towardZero) == value, abs(value) < 9.2e18 { return integer(Int(value)) }
        if value.isNaN { return 0 }
        return integer(Int(truncatingIfNeeded: value.bitPattern &* 0x9E37_79B9_7F4A_7C15))
    }

    /// FNV-1a over bytes.
    static func bytes(_ buffer: some Sequence<UInt8>) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in buffer {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return integer(Int(truncatingIfNeeded: hash))
    }

    /// Combines element hashes in order (the xxHash-style mixing CPython
    /// uses for tuples).
    static func combine(_ hashes: some Sequence<Int>, count: Int) -> Int {
        var accumulator: UInt64 = 0x27D4_EB2F_1656_67C5
        for hash in hashes {
            accumulator = accumulator &+ UInt64(bitPattern: Int64(hash)) &* 0xC2B2_AE3D_27D4_EB4F
            accumulator = (accumulator << 31) | (accumulator >> 33)
            accumulator = accumulator &* 0x9E37_79B1_85EB_CA87
        }
        accumulator = accumulator &+ (UInt64(count) ^ 0x27D4_EB2F_1656_67C5 ^ 3_527_539)
        return integer(Int(truncatingIfNeeded: accumulator))
    }
}
