/// A control value for display: options and build settings hold booleans,
/// integers and strings.
public enum SettingValue: Codable, Equatable, Sendable, CustomStringConvertible {
    case bool(Bool)
    case integer(Int64)
    case text(String)

    /// The value as text: `true` or `false`, the integer in decimal, or the string itself.
    public var description: String {
        switch self {
        case .bool(let value): return String(value)
        case .integer(let value): return String(value)
        case .text(let value): return value
        }
    }

    /// Reads a single JSON value: a boolean, else a signed or unsigned integer, else a string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(UInt64.self) { self = .integer(Int64(truncatingIfNeeded: value)) }
        else { self = .text(try container.decode(String.self)) }
    }

    /// Writes the value as a single JSON boolean, integer or string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        }
    }
}

/// One named setting: a `config.*` or `opt.*` control and its value.
public struct Setting: Codable, Equatable, Sendable {
    /// The name without its `config.` or `opt.` prefix.
    public var name: String
    /// The control's value.
    public var value: SettingValue

    /// A setting named `name` holding `value`.
    public init(name: String, value: SettingValue) {
        self.name = name
        self.value = value
    }
}

/// How jemalloc was built (`version`, `config.*`) and the options in force in
/// this process (`opt.*`).
public enum BuildConfiguration {
    enum Kind { case bool, unsigned, size, signedSize, int64, string }

    /// `config.*`: every one is a boolean except `malloc_conf`.
    static let configNames: [(String, Kind)] = [
        ("cache_oblivious", .bool), ("debug", .bool), ("fill", .bool), ("lazy_lock", .bool),
        ("malloc_conf", .string), ("opt_safety_checks", .bool), ("prof", .bool),
        ("prof_libgcc", .bool), ("prof_libunwind", .bool), ("stats", .bool), ("utrace", .bool),
        ("xmalloc", .bool),
    ]

    /// The `opt.*` controls worth showing, in the manual's order.
    static let optionNames: [(String, Kind)] = [
        ("abort", .bool), ("abort_conf", .bool), ("confirm_conf", .bool), ("retain", .bool),
        ("dss", .string), ("narenas", .unsigned), ("percpu_arena", .string),
        ("oversize_threshold", .size), ("background_thread", .bool), ("max_background_threads", .size),
        ("dirty_decay_ms", .signedSize), ("muzzy_decay_ms", .signedSize),
        ("lg_extent_max_active_fit", .size), ("stats_print", .bool), ("stats_print_opts", .string),
        ("stats_interval", .int64), ("stats_interval_opts", .string), ("junk", .string),
        ("zero", .bool), ("tcache", .bool), ("tcache_max", .size), ("thp", .string),
        ("metadata_thp", .string), ("prof", .bool), ("prof_prefix", .string), ("prof_active", .bool),
        ("lg_prof_sample", .size), ("lg_prof_interval", .signedSize), ("prof_final", .bool),
        ("prof_leak", .bool),
    ]

    static let versionControl = MallctlControl<String>("version")

    /// jemalloc's version string, for example `5.3.0-0-g54eaed1d…`.
    public static func version() throws(MallctlError) -> String { try versionControl.read() }

    /// The build settings (`config.*`).
    public static func settings() throws(MallctlError) -> [Setting] {
        try read(prefix: "config.", configNames)
    }

    /// The options in force (`opt.*`); options this build does not have are left out.
    public static func options() throws(MallctlError) -> [Setting] {
        try read(prefix: "opt.", optionNames)
    }

    static func read(prefix: String, _ names: [(String, Kind)]) throws(MallctlError) -> [Setting] {
        var settings: [Setting] = []
        for (name, kind) in names {
            let control = prefix + name
            do {
                let value: SettingValue
                switch kind {
                case .bool: value = .bool(try Mallctl.read(control, as: Bool.self))
                case .unsigned: value = .integer(Int64(try Mallctl.read(control, as: UInt32.self)))
                case .size, .signedSize: value = .integer(Int64(try Mallctl.read(control, as: Int.self)))
                case .int64: value = .integer(try Mallctl.read(control, as: Int64.self))
                case .string: value = .text(try Mallctl.read(control, as: String.self))
                }
                settings.append(Setting(name: name, value: value))
            } catch where error.reason == .notAvailable || error.reason == .unknownControl {
                continue
            }
        }
        return settings
    }
}
