import Jemalloc

/// The size of an object two ways.
public struct ObjectSize: Equatable, Sendable, CustomStringConvertible {
    /// What `sys.getsizeof` reports: header (gc word included) and payload,
    /// plus the bytes asked for out-of-line storage (a list's item array).
    public var logical: Int
    /// What jemalloc holds for it: the real size (`sallocx`) of each of its
    /// blocks, size-class rounding included.
    public var real: Int

    public init(logical: Int, real: Int) {
        self.logical = logical
        self.real = real
    }

    public static func + (lhs: ObjectSize, rhs: ObjectSize) -> ObjectSize {
        ObjectSize(logical: lhs.logical + rhs.logical, real: lhs.real + rhs.real)
    }

    public var description: String { "\(logical) bytes (\(real) held by jemalloc)" }
}

/// Live objects and bytes of one type in a heap.
public struct TypeStatistics: Codable, Equatable, Sendable {
    public var typeName: String
    public var count: Int
    /// Bytes of their blocks, size-class rounded, out-of-line storage included.
    public var bytes: Int
}

extension Heap {
    /// `sys.getsizeof(object)`, with the real bytes beside it.
    public func sizeOf(_ object: borrowing Ref) -> ObjectSize { sizeOf(object.raw) }

    /// ``sizeOf(_:)`` for the unsafe layer.
    public func sizeOf(_ object: RawRef) -> ObjectSize {
        requireAlive("Heap.sizeOf")
        let type = object.type
        var logical = objectBlockByteCount(object, type: type)
        var real = Allocator.realSize(of: object.blockStart, options: options)
        for (block, byteCount) in type.storageBlocks?(object) ?? [] {
            logical += byteCount
            real += Allocator.realSize(of: block, options: options)
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
        ObjectType.registry.withLock { types in
            types.compactMap { type -> TypeStatistics? in
                let counters = self.counters(atIndex: type.index)
                guard counters.count > 0 || counters.bytes > 0 else { return nil }
                return TypeStatistics(typeName: type.name, count: counters.count, bytes: counters.bytes)
            }
        }.sorted { ($0.bytes, $1.typeName) > ($1.bytes, $0.typeName) }
    }

    /// Live objects in the heap, immortal ones included.
    public var liveObjectCount: Int {
        (0..<core.pointee.typeCounters.count).reduce(0) { $0 + core.pointee.typeCounters[$1].count }
    }

    /// Live objects of `type`.
    public func liveObjectCount(of type: ObjectType) -> Int {
        counters(atIndex: type.index).count
    }
}
