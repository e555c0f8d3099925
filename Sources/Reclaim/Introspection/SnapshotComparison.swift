/// What changed between two heap snapshots (tracemalloc's
/// `Snapshot.compare_to`, by type): made by ``HeapSnapshot/compared(to:)``.
public struct SnapshotComparison: Codable, Equatable, Sendable {
    /// One type's figures in the newer snapshot and their change since the older.
    public struct TypeDelta: Codable, Equatable, Sendable {
        /// The type's name.
        public var typeName: String
        /// Live objects of the type in the newer snapshot.
        public var count: Int
        /// Change in live objects since the older snapshot.
        public var countDelta: Int
        /// Bytes of the type's live blocks in the newer snapshot.
        public var bytes: Int
        /// Change in those bytes since the older snapshot.
        public var bytesDelta: Int
    }

    /// A figure in both snapshots.
    public struct Change: Codable, Equatable, Sendable {
        /// The figure in the older of the two.
        public var before: Int
        /// The figure in the newer of the two.
        public var after: Int
        /// `after - before`, held to `Int`'s range (figures read from a
        /// damaged file can be anything).
        public var delta: Int { difference(after, before) }

        /// A change from `before` to `after`.
        public init(before: Int, after: Int) {
            self.before = before
            self.after = after
        }
    }

    /// The older snapshot's label, if it has one.
    public var olderLabel: String?
    /// The newer snapshot's label, if it has one.
    public var newerLabel: String?
    /// Seconds between the two snapshots.
    public var elapsedSeconds: Double
    /// Live objects, immortal ones included.
    public var liveObjects: Change
    /// Bytes of live blocks (``HeapSnapshot/liveBytes``).
    public var liveBytes: Change
    /// Bytes allocated in the heap's arena.
    public var arenaAllocated: Change
    /// Bytes of the arena's active pages (`pactive × page`).
    public var arenaActive: Change
    /// Bytes of the arena's resident pages (`stats.arenas.<i>.resident`).
    public var arenaResident: Change
    /// Collections of generations 0, 1 and 2 between the two.
    public var collections: [Int]
    /// Unreachable objects collected between the two, all generations.
    public var collected: Int
    /// Every type present in either snapshot whose figures changed, largest
    /// change in bytes first (ties: largest change in count, then by name).
    public var types: [TypeDelta]
}

extension HeapSnapshot {
    /// The changes from `older` to this snapshot.
    public func compared(to older: HeapSnapshot) -> SnapshotComparison {
        let before = Dictionary(older.types.map { ($0.typeName, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(types.map { ($0.typeName, $0) }, uniquingKeysWith: { first, _ in first })
        let deltas = Set(before.keys).union(after.keys).compactMap { name -> SnapshotComparison.TypeDelta? in
            let old = before[name], new = after[name]
            let delta = SnapshotComparison.TypeDelta(
                typeName: name, count: new?.count ?? 0, countDelta: difference(new?.count ?? 0, old?.count ?? 0),
                bytes: new?.bytes ?? 0, bytesDelta: difference(new?.bytes ?? 0, old?.bytes ?? 0))
            return delta.countDelta == 0 && delta.bytesDelta == 0 ? nil : delta
        }.sorted {
            ($0.bytesDelta.magnitude, $0.countDelta.magnitude, $1.typeName) > ($1.bytesDelta.magnitude, $1.countDelta.magnitude, $0.typeName)
        }
        let olderGenerations = older.collector.generations, newerGenerations = collector.generations
        let collections = zip(olderGenerations, newerGenerations).map { difference($1.collections, $0.collections) }
        let collected = zip(olderGenerations, newerGenerations).reduce(0) {
            sum($0, difference($1.1.collected, $1.0.collected))
        }
        return SnapshotComparison(
            olderLabel: older.label, newerLabel: label, elapsedSeconds: takenAt - older.takenAt,
            liveObjects: .init(before: older.liveObjects, after: liveObjects),
            liveBytes: .init(before: older.liveBytes, after: liveBytes),
            arenaAllocated: .init(before: older.arena.allocated, after: arena.allocated),
            arenaActive: .init(before: older.arena.active, after: arena.active),
            arenaResident: .init(before: older.arena.resident, after: arena.resident),
            collections: collections, collected: collected, types: deltas)
    }
}

/// `a - b`, or the nearest `Int` when that overflows.
func difference(_ a: Int, _ b: Int) -> Int {
    let (result, overflow) = a.subtractingReportingOverflow(b)
    return overflow ? (b < 0 ? Int.max : Int.min) : result
}

/// `a + b`, or the nearest `Int` when that overflows.
func sum(_ a: Int, _ b: Int) -> Int {
    let (result, overflow) = a.addingReportingOverflow(b)
    return overflow ? (b > 0 ? Int.max : Int.min) : result
}
