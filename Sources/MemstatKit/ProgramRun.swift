// Unsafe code here: mkdtemp(3) on a Swift array's bytes.
// Invariants: the template is NUL-terminated and mkdtemp writes within it.

#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Jemalloc

/// Runs a program with jemalloc preloaded and collects the statistics
/// reports it writes: `memstat run`.
///
/// The program gets `LD_PRELOAD` with `libjemalloc.so.2` and
/// `libReclaimPreload.so`, and `MALLOC_CONF` asking for a JSON report at exit
/// (and every `interval` bytes allocated, when given). The preload library
/// writes those reports to a private directory instead of the program's
/// stderr, one file per process, so the program's own output passes through
/// untouched and its children's reports do not mix with its own.
public struct ProgramRun {
    /// Why the program could not be run or reported on.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// Not found on `PATH` or at the path given: exit 127.
        case notFound(String)
        /// Found but not executable: exit 126.
        case notExecutable(String)
        /// Killed by a signal: exit 128 + the signal number.
        case signaled(program: String, signal: Int32)
        /// The program ended without a report (it called `_exit`, or is
        /// statically linked and ignored `LD_PRELOAD`); carries its status.
        case noReport(program: String, exitStatus: Int32)
        /// The library to preload is missing.
        case missingLibrary(String)
        /// Spawning failed for another reason.
        case spawnFailed(program: String, errno: Int32)
        /// Heap profiling needs a tool that is not installed.
        case missingTool(String)
        /// `--leaks`: the program ended without writing its final heap profile.
        case noProfile(program: String, exitStatus: Int32)
        /// `--leaks`: jeprof could not read the profile.
        case profileUnreadable(String)

        /// The exit status memstat ends with.
        public var exitStatus: Int32 {
            switch self {
            case .notFound: return 127
            case .notExecutable: return 126
            case .signaled(_, let signal): return 128 + signal
            case .noReport(_, let status): return status
            case .missingLibrary, .spawnFailed, .missingTool, .profileUnreadable: return 1
            case .noProfile(_, let status): return status == 0 ? 1 : status
            }
        }

        /// A sentence naming the program and what went wrong, such as `ls: command not found`.
        public var description: String {
            switch self {
            case .notFound(let program):
                return "\(program): command not found"
            case .notExecutable(let program):
                return "\(program): permission denied (not an executable file)"
            case .signaled(let program, let signal):
                return "\(program) was killed by \(signalName(signal)) (signal \(signal)); it wrote no statistics"
            case .noReport(let program, let status):
                return "\(program) exited with status \(status) but no jemalloc statistics arrived: "
                    + "it either ended without running exit handlers (for example through _exit) "
                    + "or is statically linked and ignored LD_PRELOAD"
            case .missingLibrary(let what):
                return "cannot find \(what)"
            case .spawnFailed(let program, let code):
                return "\(program): \(String(cString: strerror(code)))"
            case .missingTool(let what):
                return "heap profiling needs \(what), which is not on PATH"
            case .noProfile(let program, let status):
                return "\(program) exited with status \(status) but wrote no heap profile: it either ended "
                    + "without running exit handlers (for example through _exit), is statically linked and "
                    + "ignored LD_PRELOAD, or runs on a jemalloc built without profiling"
            case .profileUnreadable(let reason):
                return reason
            }
        }
    }

    /// What a finished run produced.
    public struct Outcome {
        /// The program's process identifier.
        public var pid: Int32
        /// The program's exit status.
        public var exitStatus: Int32
        /// Seconds from spawning the program to its exit (monotonic clock).
        public var elapsedSeconds: Double
        /// The report written at exit.
        public var final: AllocatorSnapshot
        /// The totals at each `stats_interval` report, in order.
        public var series: [Report.SeriesPoint]
        /// What was live at exit, by allocation site (`profiling` only).
        public var leaks: LeakReport?
    }

    /// The program and its arguments; the first is resolved as the shell does.
    public var command: [String]
    /// Bytes allocated between two interval reports; `nil` for none.
    public var interval: Int?
    /// The jemalloc shared library to preload.
    public var jemallocLibrary: String
    /// The preload library that redirects the reports.
    public var preloadLibrary: String
    /// Heap profiling for `--leaks`; `nil` for none.
    public var profiling: LeakProfiling?

    /// A run of `command` with the given libraries and options (see each property).
    public init(command: [String], interval: Int?, jemallocLibrary: String, preloadLibrary: String,
                profiling: LeakProfiling? = nil) {
        self.command = command
        self.interval = interval
        self.jemallocLibrary = jemallocLibrary
        self.preloadLibrary = preloadLibrary
        self.profiling = profiling
    }

    /// Finds both libraries: jemalloc's from this process's own mapping,
    /// the preload library from `RECLAIM_PRELOAD_LIBRARY` or next to the
    /// memstat executable.
    public static func locateLibraries(executable: String) throws(Failure) -> (jemalloc: String, preload: String) {
        guard let jemalloc = SharedLibrary.path() else {
            throw .missingLibrary("libjemalloc.so.2: memstat is not running on a shared jemalloc")
        }
        let directory = (executable as NSString).deletingLastPathComponent
        let candidates = [ProcessInfo.processInfo.environment["RECLAIM_PRELOAD_LIBRARY"],
                          directory + "/libReclaimPreload.so",
                          directory + "/../lib/libReclaimPreload.so"].compactMap { $0 }
        guard let preload = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw .missingLibrary("libReclaimPreload.so next to \(executable) (build it with `swift build`, "
                                  + "or set RECLAIM_PRELOAD_LIBRARY)")
        }
        return (jemalloc, preload)
    }

    /// Resolves `name` as the shell does: a name with a slash is a path,
    /// anything else is looked up on `PATH`.
    public static func resolve(_ name: String, path: String?) throws(Failure) -> String {
        func check(_ candidate: String) -> Int32? {  // nil: usable; otherwise the failure's exit status
            var info = stat()
            guard stat(candidate, &info) == 0 else { return 127 }
            if (info.st_mode & S_IFMT) == S_IFDIR { return 126 }
            return access(candidate, X_OK) == 0 ? nil : 126
        }
        if name.contains("/") {
            switch check(name) {
            case nil: return name
            case 126: throw .notExecutable(name)
            default: throw .notFound(name)
            }
        }
        var sawNonExecutable = false
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            switch check(candidate) {
            case nil: return candidate
            case 126: sawNonExecutable = true
            default: continue
            }
        }
        throw sawNonExecutable ? .notExecutable(name) : .notFound(name)
    }

    /// Runs the program to completion and decodes its final report.
    public func run() throws -> Outcome {
        let program = command[0]
        let path = ProcessInfo.processInfo.environment["PATH"]
        let executable = try ProgramRun.resolve(program, path: path)
        if profiling != nil { try LeakProfiling.checkTools(path: path) }
        let directory = try makeReportDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let started = monotonicNanoseconds()
        let pid = try spawn(executable, environment: environment(reportDirectory: directory))
        let status = waitIgnoringInterrupts(pid)
        let elapsed = Double(monotonicNanoseconds() - started) / 1e9

        if status.signal != 0 { throw Failure.signaled(program: program, signal: status.signal) }
        var leaks: LeakReport?
        if let profiling {
            guard let profile = LeakProfiling.finalProfile(in: directory, pid: pid) else {
                throw Failure.noProfile(program: program, exitStatus: status.exitStatus)
            }
            leaks = try profiling.symbolise(profile: profile, executable: executable, path: path)
        }
        let reportFile = "\(directory)/\(pid).json"
        guard let data = FileManager.default.contents(atPath: reportFile), !data.isEmpty else {
            throw Failure.noReport(program: program, exitStatus: status.exitStatus)
        }
        let records = ReportFile.parse(String(decoding: data, as: UTF8.self))
        guard let last = records.last, last.document.jemalloc.statsArenas != nil else {
            throw Failure.noReport(program: program, exitStatus: status.exitStatus)
        }
        let series = records.compactMap { record -> Report.SeriesPoint? in
            guard record.document.jemalloc.statsArenas == nil, let totals = record.document.jemalloc.stats else { return nil }
            return Report.SeriesPoint(elapsedSeconds: max(0, Double(record.timestamp - started) / 1e9),
                                      allocated: totals.allocated, active: totals.active, resident: totals.resident)
        }
        return Outcome(pid: pid, exitStatus: status.exitStatus, elapsedSeconds: elapsed,
                       final: try AllocatorSnapshot(document: last.document), series: series, leaks: leaks)
    }

    /// The program's environment: this process's, plus the preloads and the
    /// report options (appended, so they win over the caller's `MALLOC_CONF`).
    func environment(reportDirectory: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        let preload = "\(jemallocLibrary):\(preloadLibrary)"
        environment["LD_PRELOAD"] = environment["LD_PRELOAD"].map { "\(preload):\($0)" } ?? preload
        var conf = "stats_print:true,stats_print_opts:J"
        if let interval {
            // Interval reports carry only the totals ("g" and the per-arena
            // letters leave the rest out), which is all the series needs.
            conf += ",stats_interval:\(interval),stats_interval_opts:Jgmdablxeh"
        }
        if let profiling { conf += "," + profiling.mallocConf(directory: reportDirectory) }
        environment["MALLOC_CONF"] = environment["MALLOC_CONF"].map { "\($0),\(conf)" } ?? conf
        environment["RECLAIM_MEMSTAT_DIR"] = reportDirectory
        return environment
    }

    /// The variables memstat sets for the program it runs, or that make a
    /// process preload a library or profile itself.
    static let programVariables: Set<String> = [
        "LD_PRELOAD", "MALLOC_CONF", "RECLAIM_MEMSTAT_DIR", "RECLAIM_PUBLISH", "RECLAIM_PUBLISH_INTERVAL_MS",
    ]

    /// The environment of the helpers memstat runs itself (jeprof and the
    /// tools it starts): memstat's own, without ``programVariables``, so
    /// that none of them is preloaded, profiled or reporting.
    static func helperEnvironment(from environment: [String: String] = ProcessInfo.processInfo.environment)
        -> [String: String] {
        environment.filter { !programVariables.contains($0.key) }
    }

    func makeReportDirectory() throws(Failure) -> String {
        var template = Array((NSTemporaryDirectory() + "/memstat-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        guard made else { throw .spawnFailed(program: command[0], errno: errno) }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Starts the program with memstat's stdin, stdout and stderr, default
    /// dispositions for SIGINT and SIGQUIT and an empty signal mask.
    func spawn(_ executable: String, environment: [String: String]) throws(Failure) -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGQUIT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // A program starts with no signal blocked, whatever threads of memstat's
        // own parent left in the mask.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let arguments = command.map { strdup($0) } + [nil]
        let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            arguments.forEach { free($0) }
            variables.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, nil, &attributes, arguments, variables)
        guard code == 0 else {
            if code == EACCES || code == ENOEXEC { throw .notExecutable(command[0]) }
            if code == ENOENT { throw .notFound(command[0]) }
            throw .spawnFailed(program: command[0], errno: code)
        }
        return pid
    }

    /// Waits for `pid`; memstat ignores SIGINT and SIGQUIT meanwhile, as a
    /// shell does, so that a Ctrl-C reaches the program and memstat still
    /// reports how it ended.
    func waitIgnoringInterrupts(_ pid: pid_t) -> (exitStatus: Int32, signal: Int32) {
        let oldInterrupt = signal(SIGINT, SIG_IGN)
        let oldQuit = signal(SIGQUIT, SIG_IGN)
        defer {
            signal(SIGINT, oldInterrupt)
            signal(SIGQUIT, oldQuit)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        if signal != 0 && signal != 0x7f { return (128 + signal, signal) }
        return ((status >> 8) & 0xff, 0)
    }
}

func monotonicNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}

/// The conventional name of signal `number`: `SIGKILL`.
public func signalName(_ number: Int32) -> String {
    let names: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
        SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1",
        SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
        SIGCHLD: "SIGCHLD", SIGCONT: "SIGCONT", SIGSTOP: "SIGSTOP", SIGTSTP: "SIGTSTP", SIGTTIN: "SIGTTIN",
        SIGTTOU: "SIGTTOU", SIGURG: "SIGURG", SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ", SIGVTALRM: "SIGVTALRM",
        SIGPROF: "SIGPROF", SIGWINCH: "SIGWINCH", SIGIO: "SIGIO", SIGSYS: "SIGSYS",
    ]
    return names[number] ?? "signal \(number)"
}
