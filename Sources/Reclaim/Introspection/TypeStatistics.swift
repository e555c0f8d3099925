/// Live objects and bytes of one type in a heap.
public struct TypeStatistics: Codable, Equatable, Sendable {
    /// The type's name.
    public var typeName: String
    /// Its live objects.
    public var count: Int
    /// Bytes of their blocks, size-class rounded, out-of-line storage included.
    public var bytes: Int
}
