/// `--arena N` named an arena that is not initialised.
public struct UnknownArena: Error, Equatable, Sendable, CustomStringConvertible {
    /// The index asked for.
    public var index: Int
    /// The indices of the arenas in use.
    public var known: [Int]

    /// The arena asked for, and those in use.
    public var description: String {
        "no arena \(index) is in use; arenas in use: \(known.map(String.init).joined(separator: ", "))"
    }
}
