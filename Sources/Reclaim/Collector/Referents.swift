import CReclaimIntrinsics

extension RawRef {
    /// Calls `visit` with each object this one refers to, without retaining
    /// the type.
    ///
    /// Instances, lists, tuples and dicts — the containers collections
    /// mostly walk — are read here directly, so the loop inlines into the
    /// phase calling it; every other type goes through its `traverse`.
    /// (Only the built-ins and `makeClass` give a type these kinds, with
    /// exactly these traversals.)
    @inline(__always)
    func traverseReferents(_ visit: (RawRef) -> Void) {
        withType { type in
            switch type.kind {
            case .instance:
                for case let value? in instanceSlots(count: type.traversedSlotCount) { visit(value) }
            case .tuple:
                for case let item? in tupleSlots { visit(RawRef(pointer: item)) }
            case .list:
                for item in listItems { visit(item) }
            case .dict:
                forEachDictEntry { key, value in
                    visit(key)
                    visit(value)
                }
            default:
                type.traverse?(self, visit)
            }
        }
    }

    /// The first object this one refers to, for the kinds read directly
    /// (an instance's first set slot, a tuple's or list's first item, a
    /// dict's first value); nil for the others and when there is none.
    var firstReferent: RawRef? {
        withType { type -> RawRef? in
            switch type.kind {
            case .instance:
                for case let value? in instanceSlots(count: type.traversedSlotCount) { return value }
            case .tuple:
                for case let item? in tupleSlots { return RawRef(pointer: item) }
            case .list:
                return listItems.first
            case .dict:
                let layout = dictLayout
                guard let entries = layout.entries else { return nil }
                for number in 0..<layout.used {
                    let entry = entries + number &* DictLayout.entrySize
                    if DictLayout.key(entry) != nil { return DictLayout.value(entry) }
                }
            default:
                break
            }
            return nil
        }
    }

    /// Prefetches the headers (gc word and flags: one cache line) of the
    /// objects this one refers to.
    @inline(__always)
    func prefetchReferents() {
        traverseReferents { reclaim_prefetch_for_write($0.gcWordAddress) }
    }

    /// Prefetches the start of this object's block: its gc word, header and
    /// the beginning of its payload (two lines, for the blocks that cross one).
    @inline(__always)
    func prefetchBlock() {
        reclaim_prefetch_for_write(gcWordAddress)
        reclaim_prefetch_for_write(gcWordAddress + 56)
    }

    /// Prefetches the first line of this object's out-of-line storage: a
    /// list's items, a dict's entries. Its payload must be in cache already
    /// (the storage's address is read from it).
    @inline(__always)
    func prefetchStorage() {
        withType { type in
            switch type.kind {
            case .list:
                if let items = listItems.baseAddress { reclaim_prefetch_for_write(items) }
            case .dict:
                if let entries = dictLayout.entries { reclaim_prefetch_for_write(entries) }
            default:
                break
            }
        }
    }

    /// Whether this object keeps its references in a block of their own
    /// (a list or a dict), rather than in its own block.
    @inline(__always)
    var hasStorage: Bool {
        withType { type in type.kind == .list || type.kind == .dict }
    }

    /// About how many references a traversal of this object visits: its
    /// cost to a collection, known without traversing (a list's or a
    /// tuple's count, twice a dict's, a set's, an instance's slots; 1 for
    /// other types).
    @inline(__always)
    var referenceCountEstimate: Int {
        withType { type in
            switch type.kind {
            case .instance: return type.traversedSlotCount
            case .tuple, .list, .set: return itemCount
            case .dict: return itemCount &* 2
            default: return 1
            }
        }
    }
}
