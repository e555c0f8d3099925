import Jemalloc
import Reclaim

/// A report is written as one flat object: `schema`, `report` (the kind),
/// `source`, `allocator`, then the sections of its kind at the top level,
/// with the keys `docs/memstat-json.md` lists. Sections of other kinds are
/// absent.
extension Report: Codable {
    enum CodingKeys: String, CodingKey {
        case schema, report, source, allocator
        case totals, ratios, arenas, bins, largeExtents, settings, options, series
        case demo, heapDiff, allocatorDiff, published, leaks, stress, collectionRates
    }

    /// Decodes a document, reading the sections its `report` kind carries.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let schema = try container.decode(String.self, forKey: .schema)
        let kind = try container.decode(Kind.self, forKey: .report)
        let source = try container.decode(Source.self, forKey: .source)
        let allocator = try container.decode(Allocator.self, forKey: .allocator)
        let content: Content
        switch kind {
        case .summary:
            content = .summary(try Report.decodeSummary(from: container))
        case .arenas:
            content = .arenas(totals: try container.decode(GlobalStats.self, forKey: .totals),
                              arenas: try container.decode([ArenaRow].self, forKey: .arenas))
        case .bins:
            content = .bins(try container.decode([BinRow].self, forKey: .bins),
                            largeExtents: try container.decode([LargeRow].self, forKey: .largeExtents))
        case .config:
            content = .config(settings: try container.decode([Setting].self, forKey: .settings),
                              options: try container.decode([Setting].self, forKey: .options))
        case .run:
            content = .run(try Report.decodeSummary(from: container),
                           series: try container.decodeIfPresent([SeriesPoint].self, forKey: .series))
        case .leaks:
            content = .leaks(totals: try container.decode(GlobalStats.self, forKey: .totals),
                             ratios: try container.decode(Ratios.self, forKey: .ratios),
                             leaks: try container.decode(LeakReport.self, forKey: .leaks),
                             series: try container.decodeIfPresent([SeriesPoint].self, forKey: .series))
        case .demo:
            content = .demo(try container.decode(Demo.self, forKey: .demo))
        case .diff:
            if let heapDiff = try container.decodeIfPresent(SnapshotComparison.self, forKey: .heapDiff) {
                content = .diff(.heapSnapshots(heapDiff))
            } else {
                content = .diff(.allocatorReports(try container.decode(AllocatorComparison.self, forKey: .allocatorDiff)))
            }
        case .attach:
            content = .attach(try container.decode(PublishedStatistics.self, forKey: .published))
        case .top:
            content = .top(try container.decode(PublishedStatistics.self, forKey: .published),
                           collectionRates: try container.decode([String: Double].self, forKey: .collectionRates))
        case .stress:
            content = .stress(try container.decode(Stress.Result.self, forKey: .stress))
        }
        self.init(source: source, allocator: allocator, content: content)
        self.schema = schema
    }

    /// Encodes the document: the header keys, then the sections of its kind.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schema, forKey: .schema)
        try container.encode(kind, forKey: .report)
        try container.encode(source, forKey: .source)
        try container.encode(allocator, forKey: .allocator)
        switch content {
        case .summary(let summary):
            try Report.encode(summary, into: &container)
        case .arenas(let totals, let arenas):
            try container.encode(totals, forKey: .totals)
            try container.encode(arenas, forKey: .arenas)
        case .bins(let bins, let largeExtents):
            try container.encode(bins, forKey: .bins)
            try container.encode(largeExtents, forKey: .largeExtents)
        case .config(let settings, let options):
            try container.encode(settings, forKey: .settings)
            try container.encode(options, forKey: .options)
        case .run(let summary, let series):
            try Report.encode(summary, into: &container)
            try container.encodeIfPresent(series, forKey: .series)
        case .leaks(let totals, let ratios, let leaks, let series):
            try container.encode(totals, forKey: .totals)
            try container.encode(ratios, forKey: .ratios)
            try container.encodeIfPresent(series, forKey: .series)
            try container.encode(leaks, forKey: .leaks)
        case .demo(let demo):
            try container.encode(demo, forKey: .demo)
        case .diff(.heapSnapshots(let comparison)):
            try container.encode(comparison, forKey: .heapDiff)
        case .diff(.allocatorReports(let comparison)):
            try container.encode(comparison, forKey: .allocatorDiff)
        case .attach(let published):
            try container.encode(published, forKey: .published)
        case .top(let published, let collectionRates):
            try container.encode(published, forKey: .published)
            try container.encode(collectionRates, forKey: .collectionRates)
        case .stress(let result):
            try container.encode(result, forKey: .stress)
        }
    }

    /// The sections of `summary` and `run`: `totals`, `ratios`, `arenas`, `bins`.
    static func decodeSummary(from container: KeyedDecodingContainer<CodingKeys>) throws -> Summary {
        Summary(totals: try container.decode(GlobalStats.self, forKey: .totals),
                ratios: try container.decode(Ratios.self, forKey: .ratios),
                arenas: try container.decode([ArenaRow].self, forKey: .arenas),
                bins: try container.decode([BinRow].self, forKey: .bins))
    }

    /// Writes the sections of `summary` and `run`.
    static func encode(_ summary: Summary, into container: inout KeyedEncodingContainer<CodingKeys>) throws {
        try container.encode(summary.totals, forKey: .totals)
        try container.encode(summary.ratios, forKey: .ratios)
        try container.encode(summary.arenas, forKey: .arenas)
        try container.encode(summary.bins, forKey: .bins)
    }
}
