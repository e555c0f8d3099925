/// Where a model check's choices come from: a seeded generator, for runs
/// of any length that repeat from their seed, or a fuzzer's input bytes,
/// which run out (the check then finishes).
struct ModelChoices {
    private var state: UInt64
    private let bytes: [UInt8]?
    private var position = 0

    /// Choices from a linear congruential generator started at `seed`.
    init(seed: UInt64) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        bytes = nil
    }

    /// Choices read from `bytes`: one byte for a bound up to 256, two above.
    init(bytes: [UInt8]) {
        state = 0
        self.bytes = bytes
    }

    /// Whether the choices end (a byte input's do; a seeded source's never).
    var isExhaustible: Bool { bytes != nil }

    /// Whether a byte input has been read to its end (a seeded source never is).
    var isExhausted: Bool {
        guard let bytes else { return false }
        return position >= bytes.count
    }

    /// A choice in `0..<bound` (`bound` at least 1). Past the end of a byte
    /// input every choice is 0.
    mutating func next(_ bound: Int) -> Int {
        precondition(bound > 0, "ModelChoices.next: bound \(bound) is not positive")
        guard let bytes else {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var value = 0
        for _ in 0..<(bound <= 256 ? 1 : 2) {
            value = value << 8 | (position < bytes.count ? Int(bytes[position]) : 0)
            position += 1
        }
        return value % bound
    }
}
