/// The process's live types, by index: what per-type figures are listed
/// by (`typeStatistics`, `growth`), and where each type's index in the
/// heaps' per-type counters comes from.
///
/// A type made by `ObjectType(…)` or `ObjectType.makeClass` is registered
/// for the rest of the process: object headers refer to their type
/// without retaining it, and nothing tells when the last object of such a
/// type has died in every heap. A class made by `Heap.makeClass` is owned
/// by its class object instead, which every instance holds: when the
/// class object dies, no instance is left, the type leaves the registry,
/// and its index is given to a later type once the descriptor itself is
/// freed (a `deinit` — Swift code may still hold it).
struct TypeRegistry {
    /// Types by index; nil where a type has left.
    private(set) var types: [ObjectType?] = []
    /// Indices free to give again, from types that were freed.
    private var freeIndices: [Int] = []

    /// An index for a new type.
    mutating func takeIndex() -> Int {
        if let index = freeIndices.popLast() { return index }
        types.append(nil)
        return types.count - 1
    }

    mutating func add(_ type: ObjectType) {
        types[type.index] = type
    }

    /// The type leaves the list; its index stays taken until ``giveBack(_:)``.
    mutating func remove(_ type: ObjectType) {
        if types[type.index] === type { types[type.index] = nil }
    }

    /// A freed type's index, free for the next type.
    mutating func giveBack(_ index: Int) {
        precondition(types[index] == nil, "TypeRegistry: type index \(index) given back while its type is listed")
        freeIndices.append(index)
    }

    /// The types listed now.
    var live: [ObjectType] { types.compactMap { $0 } }
}
