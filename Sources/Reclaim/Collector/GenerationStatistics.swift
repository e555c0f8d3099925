/// Collections of one generation so far (`gc.get_stats()`).
public struct GenerationStatistics: Codable, Equatable, Sendable {
    /// Collections of this generation.
    public var collections = 0
    /// Objects found unreachable that stayed so (resurrected ones are not
    /// counted), less the uncollectable ones, plus weak references freed
    /// once their callbacks ran: CPython's count.
    public var collected = 0
    /// Unreachable objects that could not be freed: their type has no
    /// `clear` to break the cycle (finalizers never stop collection, PEP 442).
    public var uncollectable = 0
    /// Candidates the collections of this generation examined, in all
    /// (CPython 3.15's `candidates`).
    public var candidates = 0
    /// Time the collections of this generation took, in seconds, in all
    /// (CPython 3.15's `duration`).
    public var duration: Double = 0

    /// No collections yet.
    public init() {}

    enum CodingKeys: String, CodingKey { case collections, collected, uncollectable, candidates, duration }

    /// Reads statistics written before `candidates` and `duration` were
    /// recorded as well: they are 0 there.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        collections = try container.decode(Int.self, forKey: .collections)
        collected = try container.decode(Int.self, forKey: .collected)
        uncollectable = try container.decode(Int.self, forKey: .uncollectable)
        candidates = try container.decodeIfPresent(Int.self, forKey: .candidates) ?? 0
        duration = try container.decodeIfPresent(Double.self, forKey: .duration) ?? 0
    }
}
