import Jemalloc

extension Introspection {
    /// `sys.getsizeof(object)`, with the real bytes beside it.
    public func sizeOf(_ object: borrowing Ref) -> ObjectSize { sizeOf(object.raw) }

    /// ``sizeOf(_:)`` for the unsafe layer.
    public func sizeOf(_ object: RawRef) -> ObjectSize {
        heap.requireAlive("Introspection.sizeOf")
        let type = object.type
        var logical = heap.objectBlockByteCount(object, type: type)
        var real = Allocator.realSize(of: object.blockStart, options: heap.options)
        for (block, byteCount) in type.storageBlocks?(object) ?? [] {
            logical += byteCount
            real += heap.realStorageSize(block)
        }
        return ObjectSize(logical: logical, real: real)
    }

    /// The size of everything reachable from `object` through strong
    /// references, each object counted once (pympler's `asizeof`).
    public func deepSizeOf(_ object: borrowing Ref) -> ObjectSize {
        var seen: Set<RawRef> = [object.raw]
        var pending = [object.raw]
        var total = ObjectSize(logical: 0, real: 0)
        while let next = pending.popLast() {
            total = total + sizeOf(next)
            next.type.traverse?(next) { referent in
                if seen.insert(referent).inserted { pending.append(referent) }
            }
        }
        return total
    }

    /// Live objects and bytes per type, most bytes first.
    public func typeStatistics() -> [TypeStatistics] {
        ObjectType.registry.withLock { registry in
            registry.live.compactMap { type -> TypeStatistics? in
                let counters = self.heap.counters(atIndex: type.index)
                guard counters.count > 0 || counters.bytes > 0 else { return nil }
                return TypeStatistics(typeName: type.name, count: counters.count, bytes: counters.bytes)
            }
        }.sorted { ($0.bytes, $1.typeName) > ($1.bytes, $0.typeName) }
    }
}
