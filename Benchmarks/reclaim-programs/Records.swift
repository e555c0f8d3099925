import BenchmarkSupport
import Reclaim

/// `records`: an interpreter's churn. Each operation makes a record — a
/// dict holding an int under `id` and a list of three instances under
/// `items`, each instance holding an int — and puts it in a sliding
/// window, replacing the record made a window earlier, which dies. A
/// quarter of the records are cyclic: their instances refer back to the
/// record (in Swift, weakly). The checksum sums the values left in the window.
enum Records {
    static let item = ObjectType.makeClass("Item", attributes: ["value", "owner"])
    /// A class with a finalizer: while one of its instances lives, no
    /// collection can rule out running user code, so each one holds its
    /// garbage (the held path).
    static let finalizable = ObjectType.makeClass("Finalizable", attributes: []) { _ in }

    /// Through the safe layer (`Ref`), as an interpreter's built-ins would;
    /// with `finalizable` instances of a class with a finalizer alive
    /// throughout.
    static func onReclaim(operations: Int, window: Int, finalizable: Int = 0) -> ProgramFigures {
        let heap = try! Heap()
        let tally = CollectorTally(heap)
        let kept = try! heap.list()
        for _ in 0..<finalizable { try! kept.append(heap.instance(of: Self.finalizable)) }
        let idKey = try! heap.str("id"), itemsKey = try! heap.str("items")
        let started = nowNanoseconds()
        // Lists grow as they are filled, as Python's do.
        let slots = try! heap.list()
        for index in 0..<operations {
            let items = try! heap.list()
            for offset in 0..<3 {
                let member = try! heap.instance(of: item)
                try! member.setAttribute(slot: 0, to: heap.int(index + offset))
                try! items.append(member)
            }
            let record = try! heap.dict()
            try! record.setValue(heap.int(index), forKey: idKey)
            try! record.setValue(items, forKey: itemsKey)
            if index % 4 == 0 {
                for offset in 0..<3 { try! items.item(at: offset).setAttribute(slot: 1, to: record) }
            }
            if index < window { try! slots.append(record) } else { try! slots.setItem(at: index % window, to: record) }
        }
        var checksum = 0
        try! slots.forEach { record in
            let items = try! record.value(forKey: itemsKey)!
            checksum += try! items.length() + items.item(at: 0).attribute("value").intValue()
        }
        precondition(try! kept.length() == finalizable)
        return ProgramFigures(.records, .reclaim, started: started, tally: tally, checksum: checksum)
    }

    final class Item {
        var value: Int
        weak var owner: Record?

        init(value: Int) { self.value = value }
    }

    final class Record {
        let id: Int
        var items: [Item]

        init(id: Int, items: [Item]) {
            self.id = id
            self.items = items
        }
    }

    static func withARC(operations: Int, window: Int) -> ProgramFigures {
        let started = nowNanoseconds()
        var slots: [Record] = []
        for index in 0..<operations {
            let record = Record(id: index, items: (0..<3).map { Item(value: index + $0) })
            if index % 4 == 0 { for member in record.items { member.owner = record } }
            if index < window { slots.append(record) } else { slots[index % window] = record }
        }
        let checksum = slots.reduce(0) { $0 + $1.items.count + $1.items[0].value }
        return ProgramFigures(.records, .swiftARC, started: started, tally: nil, checksum: checksum)
    }
}
