/// A type whose live objects grew between two ``Introspection/growth(limit:)`` calls.
public struct TypeGrowth: Codable, Equatable, Sendable {
    /// The type's name.
    public var typeName: String
    /// Live objects of the type now.
    public var count: Int
    /// How many more there are than at the previous call.
    public var increase: Int

    /// A growth record with the given figures.
    public init(typeName: String, count: Int, increase: Int) {
        self.typeName = typeName
        self.count = count
        self.increase = increase
    }
}

extension Introspection {
    /// The types with more live objects than at the previous call, largest
    /// increase first (objgraph's `show_growth`); the first call compares with
    /// an empty heap. Each call becomes the baseline of the next.
    public func growth(limit: Int? = nil) -> [TypeGrowth] {
        var grown: [TypeGrowth] = []
        var baseline: [Int: Int] = [:]
        ObjectType.registry.withLock { registry in
            for type in registry.live {
                let count = heap.counters(atIndex: type.index).count
                guard count > 0 else { continue }
                baseline[type.index] = count
                let increase = count - (heap.core.pointee.growthBaseline[type.index] ?? 0)
                if increase > 0 { grown.append(TypeGrowth(typeName: type.name, count: count, increase: increase)) }
            }
        }
        heap.core.pointee.growthBaseline = baseline
        grown.sort { ($0.increase, $1.typeName) > ($1.increase, $0.typeName) }
        return limit.map { Array(grown.prefix(max(0, $0))) } ?? grown
    }

    /// The types with the most live objects, most first (objgraph's `most_common_types`).
    public func mostCommonTypes(limit: Int = 10) -> [TypeStatistics] {
        Array(typeStatistics().sorted { ($0.count, $1.typeName) > ($1.count, $0.typeName) }.prefix(max(0, limit)))
    }
}
