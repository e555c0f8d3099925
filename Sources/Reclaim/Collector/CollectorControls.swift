#if canImport(Glibc)
import Glibc
#endif

/// When a collection callback is called (`gc.callbacks` phases).
public enum CollectionPhase: String, Sendable {
    case start, stop
}

/// What a collection callback learns (`gc.callbacks` info).
public struct CollectionInfo: Equatable, Sendable {
    /// The oldest generation collected.
    public var generation: Int
    /// Unreachable objects freed (0 at `start`).
    public var collected: Int
    /// Unreachable objects that could not be freed (0 at `start`).
    public var uncollectable: Int
    /// The containers examined.
    public var candidates: Int
    /// Seconds the collection took (0 at `start`).
    public var duration: Double
}

/// Called at the start and the end of every collection.
public typealias CollectionCallback = (_ phase: CollectionPhase, _ info: CollectionInfo) -> Void

/// The collector's debugging output (`gc.set_debug`).
public struct CollectorDebugFlags: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Figures of each collection.
    public static let stats = CollectorDebugFlags(rawValue: 1 << 0)
    /// Each collectable object found.
    public static let collectable = CollectorDebugFlags(rawValue: 1 << 1)
    /// Each uncollectable object found.
    public static let uncollectable = CollectorDebugFlags(rawValue: 1 << 2)
    /// Keep every unreachable object in ``Heap/garbage`` instead of freeing it.
    public static let saveAll = CollectorDebugFlags(rawValue: 1 << 5)
    /// What a leak hunt wants: collectable, uncollectable and saveAll.
    public static let leak: CollectorDebugFlags = [.collectable, .uncollectable, .saveAll]
}

/// Callbacks, debug flags, the debug sink and saved garbage of a heap.
struct CollectorControls {
    var callbacks: [CollectionCallback] = []
    var debugFlags: CollectorDebugFlags = []
    var debugSink: (String) -> Void = { line in
        var standardError = StandardError()
        print(line, to: &standardError)
    }
    /// Unreachable objects kept under `saveAll`, each holding a reference.
    var garbage: [RawRef] = []
}

extension Heap {
    /// Called at the start and end of every collection (`gc.callbacks`).
    public var collectionCallbacks: [CollectionCallback] {
        get { core.pointee.controls.callbacks }
        set { core.pointee.controls.callbacks = newValue }
    }

    /// The collector's debugging output (`gc.set_debug` / `gc.get_debug`).
    public var collectorDebugFlags: CollectorDebugFlags {
        get { core.pointee.controls.debugFlags }
        set { core.pointee.controls.debugFlags = newValue }
    }

    /// Where debugging lines go; stderr by default.
    public var collectorDebugSink: (String) -> Void {
        get { core.pointee.controls.debugSink }
        set { core.pointee.controls.debugSink = newValue }
    }

    /// Unreachable objects kept by collections under ``CollectorDebugFlags/saveAll``
    /// (`gc.garbage`), oldest first.
    public var garbage: [RawRef] { core.pointee.controls.garbage }

    /// Empties ``garbage``, releasing its references (`del gc.garbage[:]`).
    public func releaseGarbage() {
        let saved = core.pointee.controls.garbage
        core.pointee.controls.garbage = []
        for object in saved { object.release() }
    }

    func debugLine(_ flag: CollectorDebugFlags, _ line: @autoclosure () -> String) {
        if core.pointee.controls.debugFlags.contains(flag) { core.pointee.controls.debugSink(line()) }
    }

    func notifyCallbacks(_ phase: CollectionPhase, _ info: CollectionInfo) {
        for callback in core.pointee.controls.callbacks { callback(phase, info) }
    }
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
