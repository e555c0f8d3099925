import Jemalloc

/// Renders a ``Report`` for people, within 80 columns.
public enum TextRenderer {
    /// The report as text, ending with a newline.
    public static func render(_ report: Report) -> String {
        var sections = [header(report)]
        switch report.content {
        case .summary(let summary):
            sections += summarySections(summary)
        case .run(let summary, let series):
            sections += summarySections(summary)
            if let series, !series.isEmpty { sections.append(seriesSection(series)) }
        case .leaks(let totals, let ratios, let leaks, let series):
            sections += [totalsSection(totals), ratiosSection(ratios)]
            if let series, !series.isEmpty { sections.append(seriesSection(series)) }
            sections.append(leaksSection(leaks))
        case .arenas(_, let arenas):
            sections.append(arenasSection(arenas, merged: true))
        case .bins(let bins, let largeExtents):
            sections += [binsSection(bins), largeSection(largeExtents)]
        case .config(let settings, let options):
            sections += [settingsSection("Build configuration (config.*)", settings),
                         settingsSection("Options in force (opt.*)", options)]
        case .demo(let demo):
            sections += demoSections(demo)
        case .diff(.heapSnapshots(let diff)):
            sections += heapDiffSections(diff)
        case .diff(.allocatorReports(let diff)):
            sections += allocatorDiffSections(diff)
        case .attach(let published):
            sections += publishedSections(published, rates: nil)
        case .top(let published, let collectionRates):
            sections += publishedSections(published, rates: collectionRates)
        case .stress(let result):
            sections += stressSections(result)
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    static func header(_ report: Report) -> String {
        let version = report.allocator.version.split(separator: "-").first.map(String.init) ?? report.allocator.version
        let title: String
        switch report.kind {
        case .summary: title = "summary"
        case .run: title = "run"
        case .arenas: title = "arenas"
        case .bins: title = "size classes"
        case .config: title = "configuration"
        case .demo: title = "demo"
        case .diff: title = "diff"
        case .attach: title = "attach"
        case .top: title = "top"
        case .stress: title = "stress"
        case .leaks: title = "leaks"
        }
        var lines = ["memstat \(title) — jemalloc \(version)"]
        if let command = report.source.command {
            lines.append("  program  " + truncated(command.joined(separator: " "), to: 69))
            var facts = ["pid \(report.source.pid)"]
            if let status = report.source.exitStatus { facts.append("exit status \(status)") }
            if let elapsed = report.source.elapsedSeconds { facts.append("ran \(Units.seconds(elapsed))") }
            lines.append("           " + facts.joined(separator: ", "))
        } else if let files = report.source.files {
            lines.append("  files    " + truncated(files.joined(separator: " -> "), to: 69))
        } else if report.source.process == .other {
            lines.append("  process  pid \(report.source.pid), read from its published statistics")
        } else {
            lines.append("  process  this memstat process, pid \(report.source.pid)")
        }
        lines.append("  page \(Units.bytes(report.allocator.page)), quantum \(Units.bytes(report.allocator.quantum))")
        return lines.joined(separator: "\n")
    }

    /// `text` broken into lines of at most `width` characters at spaces,
    /// each line starting with `indent` spaces.
    static func wrapped(_ text: String, width: Int = 78, indent: Int = 2) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width - indent {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        let pad = String(repeating: " ", count: indent)
        return lines.map { pad + $0 }.joined(separator: "\n")
    }

    /// `text` cut to `width` characters, ending in `…` when cut.
    static func truncated(_ text: String, to width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    /// The sections of `summary` and `run`: totals, ratios, arenas, and the
    /// size classes holding the most bytes.
    static func summarySections(_ summary: Report.Summary) -> [String] {
        [totalsSection(summary.totals), ratiosSection(summary.ratios),
         arenasSection(summary.arenas, merged: false), topBinsSection(summary.bins)]
    }

    static func totalsSection(_ totals: GlobalStats) -> String {
        let rows: [(String, Int, String)] = [
            ("allocated", totals.allocated, "bytes the program holds"),
            ("active", totals.active, "pages backing those bytes"),
            ("resident", totals.resident, "pages physically in memory"),
            ("mapped", totals.mapped, "address space jemalloc has mapped"),
            ("retained", totals.retained, "address space kept for reuse, unmapped"),
            ("metadata", totals.metadata, "jemalloc's own bookkeeping"),
        ]
        var table = TextTable([.init("", .left), .init(""), .init("", .left)], showsHeader: false)
        for (name, value, meaning) in rows { table.append([name, Units.bytes(value), meaning]) }
        return "Totals\n" + table.render()
    }

    static func ratiosSection(_ ratios: Report.Ratios) -> String {
        var table = TextTable([.init("", .left), .init(""), .init("", .left)], showsHeader: false)
        table.append(["active / allocated", Units.fixed(ratios.activeToAllocated, decimals: 2),
                      "1.00 means no space lost inside pages"])
        table.append(["resident / active", Units.fixed(ratios.residentToActive, decimals: 2),
                      "above 1.00: dirty pages and metadata"])
        table.append(["metadata share", Units.percent(ratios.metadataShare), "of resident memory"])
        return "Fragmentation\n" + table.render()
    }

    static func arenasSection(_ arenas: [Report.ArenaRow], merged: Bool) -> String {
        var table = TextTable([.init("arena", .left), .init("thr"), .init("allocated"), .init("small"),
                               .init("large"), .init("active"), .init("dirty"), .init("muzzy"), .init("resident")])
        for arena in arenas {
            let stats = arena.stats
            table.append([stats.index.map(String.init) ?? "all", String(stats.nthreads), Units.bytes(stats.allocated),
                          Units.bytes(stats.small.allocated), Units.bytes(stats.large.allocated),
                          Units.bytes(arena.active), Units.bytes(arena.dirty), Units.bytes(arena.muzzy),
                          Units.bytes(stats.resident)])
        }
        let count = arenas.filter { $0.stats.index != nil }.count
        return "Arenas (\(count) in use)\n" + table.render()
    }

    static func topBinsSection(_ bins: [Report.BinRow]) -> String {
        guard !bins.isEmpty else { return "Size classes holding the most bytes\n  (no small allocations)" }
        return "Size classes holding the most bytes (all arenas)\n" + binTable(bins).render()
    }

    static func binsSection(_ bins: [Report.BinRow]) -> String {
        let used = bins.filter { $0.stats.counters.nmalloc > 0 || $0.stats.counters.curregs > 0 }
        let whose = bins.first?.arena.map { "arena \($0)" } ?? "all arenas"
        let note = "\n  \(bins.count - used.count) of \(bins.count) size classes never used are not shown"
        guard !used.isEmpty else { return "Small size classes of \(whose)\n  (none used)" }
        return "Small size classes of \(whose)\n" + binTable(used).render() + (used.count < bins.count ? note : "")
    }

    static func binTable(_ bins: [Report.BinRow]) -> TextTable {
        var table = TextTable([.init("size B"), .init("regions"), .init("slabs"), .init("bytes"),
                               .init("utilisation", .left), .init("")])
        for bin in bins {
            let counters = bin.stats.counters
            table.append([Units.count(bin.stats.geometry.size), Units.count(counters.curregs),
                          Units.count(counters.curslabs), Units.bytes(bin.allocatedBytes), Units.bar(bin.utilisation),
                          counters.curslabs == 0 ? "-" : Units.percent(bin.utilisation)])
        }
        return table
    }

    static func largeSection(_ large: [Report.LargeRow]) -> String {
        guard !large.isEmpty else { return "Large size classes in use\n  (none)" }
        var table = TextTable([.init("size"), .init("extents"), .init("bytes")])
        for row in large {
            table.append([Units.bytes(row.stats.sizeClass), Units.count(row.stats.curlextents),
                          Units.bytes(row.allocatedBytes)])
        }
        return "Large size classes in use\n" + table.render()
    }

    /// At most this many rows of a time series are printed; longer series are sampled evenly.
    static let seriesRows = 20

    static func seriesSection(_ series: [Report.SeriesPoint]) -> String {
        let shown: [Report.SeriesPoint]
        if series.count <= seriesRows {
            shown = series
        } else {
            shown = (0..<seriesRows).map { series[$0 * (series.count - 1) / (seriesRows - 1)] }
        }
        let peak = max(1, series.map(\.allocated).max() ?? 1)
        var table = TextTable([.init("time"), .init("allocated"), .init("active"), .init("resident"),
                               .init("allocated, of peak", .left)])
        for point in shown {
            table.append([Units.seconds(point.elapsedSeconds), Units.bytes(point.allocated), Units.bytes(point.active),
                          Units.bytes(point.resident), Units.bar(Double(point.allocated) / Double(peak), width: 24)])
        }
        let note = series.count > shown.count ? " (\(shown.count) of \(series.count) points)" : ""
        return "Over the run\(note)\n" + table.render()
    }

    static func settingsSection(_ title: String, _ settings: [Setting]) -> String {
        var table = TextTable([.init("", .left), .init("", .left)], showsHeader: false)
        for setting in settings { table.append([setting.name, setting.value.description.isEmpty ? "\"\"" : setting.value.description]) }
        return title + "\n" + table.render()
    }
}
