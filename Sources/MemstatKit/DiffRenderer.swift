import Reclaim

extension TextRenderer {
    /// How many types or size classes a diff lists.
    static let diffRows = 20

    /// `+1.2 KiB`, `-3`, or `-` for no change.
    static func signed(_ value: Int, bytes: Bool) -> String {
        guard value != 0 else { return "-" }
        return (value > 0 ? "+" : "") + (bytes ? Units.bytes(value) : Units.count(value))
    }

    static func changeTable(_ rows: [(String, SnapshotComparison.Change, Bool)]) -> TextTable {
        var table = TextTable([.init("", .left), .init("before"), .init("after"), .init("change")])
        for (name, change, bytes) in rows {
            let format: (Int) -> String = { bytes ? Units.bytes($0) : Units.count($0) }
            table.append([name, format(change.before), format(change.after), signed(change.delta, bytes: bytes)])
        }
        return table
    }

    static func heapDiffSections(_ diff: SnapshotComparison) -> [String] {
        let names = "\(diff.olderLabel.map { "'\($0)'" } ?? "older") -> \(diff.newerLabel.map { "'\($0)'" } ?? "newer")"
        let totals = changeTable([
            ("live objects", diff.liveObjects, false), ("live bytes", diff.liveBytes, true),
            ("arena allocated", diff.arenaAllocated, true), ("arena active", diff.arenaActive, true),
            ("arena resident", diff.arenaResident, true),
        ])
        let collections = diff.collections.map { Units.count($0) }.joined(separator: " / ")
        let heading = "Heap snapshots \(names), \(Units.seconds(max(0, diff.elapsedSeconds))) apart\n"
        let collector = "  collections between them (generations 0 / 1 / 2): \(collections)\n"
            + "  objects the collector freed between them: \(Units.count(diff.collected))"
        var types = TextTable([.init("type", .left), .init("objects"), .init("change"), .init("bytes"), .init("change")])
        for row in diff.types.prefix(diffRows) {
            types.append([truncated(row.typeName, to: 30), Units.count(row.count), signed(row.countDelta, bytes: false),
                          Units.bytes(row.bytes), signed(row.bytesDelta, bytes: true)])
        }
        let more = diff.types.count > diffRows ? "\n  (\(diff.types.count - diffRows) more types changed)" : ""
        let typeSection = diff.types.isEmpty
            ? "Types\n  (no type changed)"
            : "Types by change in bytes\n" + types.render() + more
        return [heading + totals.render() + "\n" + collector, typeSection]
    }

    static func allocatorDiffSections(_ diff: AllocatorComparison) -> [String] {
        let totals = changeTable([
            ("allocated", diff.allocated, true), ("active", diff.active, true), ("resident", diff.resident, true),
            ("mapped", diff.mapped, true), ("retained", diff.retained, true), ("metadata", diff.metadata, true),
        ])
        var arenas = TextTable([.init("arena", .left), .init("allocated"), .init("change"), .init("resident"),
                                .init("change")])
        for arena in diff.arenas {
            arenas.append([String(arena.index), Units.bytes(arena.allocated.after),
                           signed(arena.allocated.delta, bytes: true), Units.bytes(arena.resident.after),
                           signed(arena.resident.delta, bytes: true)])
        }
        var sections = ["Allocator totals\n" + totals.render()]
        if !diff.arenas.isEmpty { sections.append("Arenas\n" + arenas.render()) }
        if !diff.bins.isEmpty {
            var bins = TextTable([.init("size B"), .init("regions"), .init("change"), .init("bytes"), .init("change")])
            for bin in diff.bins.prefix(diffRows) {
                bins.append([Units.count(bin.sizeClass), Units.count(bin.regions.after),
                             signed(bin.regions.delta, bytes: false), Units.bytes(bin.allocatedBytes.after),
                             signed(bin.allocatedBytes.delta, bytes: true)])
            }
            sections.append("Size classes listed in both reports, by change in bytes\n" + bins.render())
        }
        return sections
    }
}
