extension TextRenderer {
    /// `memstat run --leaks`: the sites holding the most bytes at exit.
    static func leaksSection(_ leaks: LeakReport) -> String {
        let heading = "Live at exit, by allocation site\n"
            + "  (jemalloc heap profile, one sample per \(Units.bytes(leaks.sampleIntervalBytes)) on average; "
            + "symbols by jeprof)\n"
        let total = "  about \(Units.bytes(leaks.totalBytes)) still allocated when the program exited"
        guard !leaks.sites.isEmpty else { return heading + total + "\n  (no allocation site sampled)" }
        var table = TextTable([.init("bytes"), .init("share"), .init("with callees"), .init("site", .left)])
        for site in leaks.sites {
            let place = site.location.map { " " + (($0 as String).split(separator: "/").last.map(String.init) ?? $0) } ?? ""
            table.append([Units.bytes(site.bytes), Units.percent(site.share), Units.bytes(site.cumulativeBytes),
                          truncated(site.function + place, to: 44)])
        }
        let more = leaks.moreSites > 0 ? "\n  (\(leaks.moreSites) more sites hold the rest)" : ""
        return heading + total + "\n" + table.render() + more
    }
}
