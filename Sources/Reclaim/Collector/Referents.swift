import CReclaimIntrinsics

extension RawRef {
    /// Calls `visit` with each object this one refers to, without retaining
    /// the type.
    ///
    /// Instances, lists and tuples — the containers collections mostly
    /// walk — are read here directly, so the loop inlines into the phase
    /// calling it; every other type goes through its `traverse`. (Only the
    /// built-ins and `makeClass` give a type these kinds, with exactly
    /// these traversals.) Slots hold an address or 0 for none.
    @inline(__always)
    func traverseReferents(_ visit: (RawRef) -> Void) {
        typeReference._withUnsafeGuaranteedRef { type in
            switch type.kind {
            case .instance:
                RawRef.visitSlots(payload, count: type.instanceSlotCount, visit)
            case .tuple:
                RawRef.visitSlots(payload + 8, count: payload.load(as: Int.self), visit)
            case .list:
                if let items = listStorage { RawRef.visitSlots(UnsafeMutableRawPointer(items), count: listCount, visit) }
            default:
                type.traverse?(self, visit)
            }
        }
    }

    /// Prefetches the headers (gc word and flags: one cache line) of the
    /// objects this one refers to.
    @inline(__always)
    func prefetchReferents() {
        traverseReferents { reclaim_prefetch_for_write($0.pointer - ObjectHeader.gcWordSize) }
    }

    /// Visits the non-zero references among `count` slots at `slots`.
    @inline(__always)
    static func visitSlots(_ slots: UnsafeMutableRawPointer, count: Int, _ visit: (RawRef) -> Void) {
        var offset = 0
        let end = count &* 8
        while offset < end {
            if let pointer = UnsafeMutableRawPointer(bitPattern: slots.load(fromByteOffset: offset, as: UInt.self)) {
                visit(RawRef(pointer: pointer))
            }
            offset &+= 8
        }
    }

    /// Whether the object is a candidate of the running collection.
    @inline(__always)
    var isCollecting: Bool {
        pointer.load(fromByteOffset: ObjectHeader.flagsOffset, as: UInt16.self) & HeaderFlags.collecting.rawValue != 0
    }
}
