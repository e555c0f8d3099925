/// Heap-profiling controls (`prof.*`), which work only in a process started
/// with profiling enabled (`MALLOC_CONF=prof:true`).
public enum Profiling {
    /// Profiling cannot be used in this process.
    public struct Unavailable: Error, Equatable, Sendable, CustomStringConvertible {
        /// Whether the jemalloc build has profiling at all (`config.prof`).
        public var builtWithProfiling: Bool

        /// An error saying whether the build has profiling at all.
        public init(builtWithProfiling: Bool) { self.builtWithProfiling = builtWithProfiling }

        /// A sentence saying why profiling is off and how to turn it on (`MALLOC_CONF=prof:true`, or a build with `--enable-prof`).
        public var description: String {
            builtWithProfiling
                ? "heap profiling is off: the process did not start with opt.prof (set MALLOC_CONF=prof:true before it starts)"
                : "heap profiling is not available: this jemalloc was built without --enable-prof"
        }
    }

    static let activeControl = MallctlControl<Bool>("prof.active")
    static let dumpControl = MallctlControl<String>("prof.dump")
    static let resetControl = MallctlControl<Int>("prof.reset")

    /// Whether this process was started with profiling (`opt.prof`).
    public static func isEnabled() -> Bool {
        (try? Mallctl.read("opt.prof", as: Bool.self)) ?? false
    }

    static func requireEnabled() throws(Unavailable) {
        guard isEnabled() else {
            throw Unavailable(builtWithProfiling: (try? Mallctl.read("config.prof", as: Bool.self)) ?? false)
        }
    }

    /// Whether allocations are being sampled now (`prof.active`).
    public static func isActive() throws -> Bool {
        try requireEnabled()
        return try activeControl.read()
    }

    /// Starts or stops sampling (`prof.active`).
    public static func setActive(_ active: Bool) throws {
        try requireEnabled()
        try activeControl.write(active)
    }

    /// Writes a heap profile to `path` (`prof.dump`), readable with `jeprof`.
    public static func dump(to path: String) throws {
        try requireEnabled()
        try dumpControl.write(path)
    }

    /// Discards the samples so far and sets the sample rate to one per
    /// 2^`lgSample` bytes on average (`prof.reset`).
    public static func reset(lgSample: Int) throws {
        try requireEnabled()
        try resetControl.write(lgSample)
    }
}
