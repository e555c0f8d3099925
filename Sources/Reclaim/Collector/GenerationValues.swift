/// One figure for each of the collector's three generations: its counts
/// (`gc.get_count()`) or its thresholds (`gc.get_threshold()`). The young
/// generation is 0, where new containers start; the middle one is 1; the
/// old one is 2.
public struct GenerationValues: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Generation 0's figure.
    public var young: Int
    /// Generation 1's figure.
    public var middle: Int
    /// Generation 2's figure.
    public var old: Int

    /// Figures for generations 0, 1 and 2.
    public init(young: Int, middle: Int, old: Int) {
        self.young = young
        self.middle = middle
        self.old = old
    }

    /// 0 for every generation.
    public static let zero = GenerationValues(young: 0, middle: 0, old: 0)

    /// The three figures, youngest first.
    public var values: [Int] { [young, middle, old] }

    /// As Python prints the tuple: `(700, 10, 10)`.
    public var description: String { "(\(young), \(middle), \(old))" }
}
