/// The size of an object two ways.
public struct ObjectSize: Equatable, Sendable, CustomStringConvertible {
    /// What `sys.getsizeof` reports: header (gc word included) and payload,
    /// plus the bytes asked for out-of-line storage (a list's item array).
    public var logical: Int
    /// What jemalloc holds for it: the real size (`sallocx`) of each of its
    /// blocks, size-class rounding included.
    public var real: Int

    /// A size from its two figures.
    public init(logical: Int, real: Int) {
        self.logical = logical
        self.real = real
    }

    /// Both figures added (the size of two objects together).
    public static func + (lhs: ObjectSize, rhs: ObjectSize) -> ObjectSize {
        ObjectSize(logical: lhs.logical + rhs.logical, real: lhs.real + rhs.real)
    }

    /// `48 bytes (48 held by jemalloc)`.
    public var description: String { "\(logical) bytes (\(real) held by jemalloc)" }
}
