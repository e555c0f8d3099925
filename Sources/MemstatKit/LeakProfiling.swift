import Foundation

/// How `memstat run --leaks` profiles.
public struct LeakProfiling: Sendable {
    /// jemalloc's `lg_prof_sample`: one sample per `2^lgSample` bytes on average.
    public var lgSample: Int
    /// How many sites to list.
    public var top: Int

    /// Profiling with one sample per `2^lgSample` bytes on average, listing the `top` sites.
    public init(lgSample: Int = 12, top: Int = 10) {
        self.lgSample = lgSample
        self.top = top
    }

    /// The options added to `MALLOC_CONF`; the final profile goes to
    /// `directory`. Not `prof_leak`: its summary, printed on stderr at the
    /// exit of every process that inherits the options (a wrapper script's
    /// every command), would bury the program's own output; the final
    /// profile says all it says.
    func mallocConf(directory: String) -> String {
        "prof:true,prof_final:true,lg_prof_sample:\(lgSample),prof_prefix:\(directory)/heap"
    }

    /// The executable the profiled process was running when it wrote
    /// `profile`: the first file its `MAPPED_LIBRARIES` section maps that
    /// is not a shared library (mostly the first line; not always, as the
    /// legacy mmap layout puts libraries below the program). It differs
    /// from the program memstat started when that one executed another (a
    /// wrapper script, pyenv's shims); jeprof needs the real one for the
    /// program's own symbols. Nil when the section names no such file.
    static func mappedExecutable(inProfile profile: String) -> String? {
        guard let data = FileManager.default.contents(atPath: profile) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "MAPPED_LIBRARIES:") else { return nil }
        for line in lines[(start + 1)...] {
            // `start-end perms offset dev inode path`: the path is the sixth field on.
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6 else { continue }
            let path = fields[5].trimmingCharacters(in: .whitespaces)
            guard path.hasPrefix("/"), !isSharedLibrary(path) else { continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            return path
        }
        return nil
    }

    /// Whether `path` names a shared library: `NAME.so` or `NAME.so.VERSION`.
    static func isSharedLibrary(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let range = name.range(of: ".so", options: .backwards) else { return false }
        let rest = name[range.upperBound...]
        return rest.isEmpty || (rest.first == "." && rest.dropFirst().allSatisfy { $0.isNumber || $0 == "." })
    }

    /// The final profile jemalloc wrote for `pid` (`heap.<pid>.<seq>.f.heap`).
    static func finalProfile(in directory: String, pid: Int32) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("heap.\(pid).") && $0.hasSuffix(".f.heap") }.sorted().last
            .map { "\(directory)/\($0)" }
    }

    /// The tools jeprof runs, checked before the program starts.
    static func checkTools(path: String?) throws(ProgramRun.Failure) {
        guard (try? ProgramRun.resolve("jeprof", path: path)) != nil else {
            throw .missingTool("jeprof (Debian's libjemalloc-dev ships it: apt-get install libjemalloc-dev)")
        }
        for tool in ["addr2line", "nm", "objdump"] where (try? ProgramRun.resolve(tool, path: path)) == nil {
            throw .missingTool("\(tool), which jeprof needs to name functions (apt-get install binutils)")
        }
    }

    /// Runs jeprof on `profile` of `executable` and reads its report.
    func symbolise(profile: String, executable: String, path: String?) throws(ProgramRun.Failure) -> LeakReport {
        let jeprof: String
        do { jeprof = try ProgramRun.resolve("jeprof", path: path) } catch { throw .missingTool("jeprof") }
        // jeprof's chatter goes to a file beside the profile (removed with
        // the run's directory); only its report is read from a pipe.
        let errorFile = profile + ".jeprof-stderr"
        _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: jeprof)
        let binary = LeakProfiling.mappedExecutable(inProfile: profile) ?? executable
        process.arguments = ["--text", "--show_bytes", "--lines", binary, profile]
        // Only the program is profiled: jeprof and the tools it runs start
        // with none of the variables memstat gave the program.
        process.environment = ProgramRun.helperEnvironment()
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: errorFile)
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw .profileUnreadable("cannot start jeprof: \(error)") }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, var report = LeakProfiling.parse(text) else {
            let errors = (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? ""
            let message = errors.split(separator: "\n").last.map(String.init) ?? "no output"
            throw .profileUnreadable("jeprof failed (status \(process.terminationStatus)): \(message)")
        }
        report.sampleIntervalBytes = 1 << lgSample
        report.moreSites = max(0, report.sites.count - top)
        report.sites = Array(report.sites.prefix(top))
        return report
    }

    /// Reads jeprof's `--text --show_bytes --lines` report: a `Total: N B`
    /// line, then `flat flat% sum% cum cum% function location` rows.
    static func parse(_ text: String) -> LeakReport? {
        var total: Int?
        var sites: [LeakReport.Site] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.first == "Total:", fields.count >= 2 {
                total = Int(fields[1])
                continue
            }
            guard fields.count >= 6, let flat = Int(fields[0]), let cumulative = Int(fields[3]), flat > 0 else { continue }
            var rest = Array(fields.dropFirst(5).map(String.init))
            if rest.count >= 2, rest[rest.count - 2] == "(discriminator" { rest.removeLast(2) }
            var location: String?
            if rest.count >= 2, let last = rest.last, last.range(of: #":(\d+|\?)$"#, options: .regularExpression) != nil {
                location = last == "??:?" ? nil : last
                rest.removeLast()
            }
            sites.append(LeakReport.Site(function: SwiftSymbols.demangle(rest.joined(separator: " ")), location: location,
                                         bytes: flat, share: 0, cumulativeBytes: cumulative))
        }
        guard let total else { return nil }
        // jeprof lists a function once per line number; the rows are sites.
        sites.sort { ($0.bytes, $1.function) > ($1.bytes, $0.function) }
        for index in sites.indices { sites[index].share = total > 0 ? Double(sites[index].bytes) / Double(total) : 0 }
        return LeakReport(totalBytes: total, sampleIntervalBytes: 0, sites: sites, moreSites: 0)
    }
}
