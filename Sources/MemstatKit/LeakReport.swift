import Foundation

/// `memstat run --leaks`: the allocation sites still holding memory when a
/// program exited, from jemalloc's heap profile (sampled: `prof`,
/// `prof_final`) as jeprof symbolises it.
public struct LeakReport: Codable, Sendable {
    /// One allocation site: a function and, when known, the source line.
    public struct Site: Codable, Sendable {
        /// The function, as jeprof names it (Swift symbols demangled).
        public var function: String
        /// `file:line`, when the program has line information.
        public var location: String?
        /// Estimated bytes allocated here and live at exit.
        public var bytes: Int
        /// `bytes` as a share of ``LeakReport/totalBytes``.
        public var share: Double
        /// Estimated live bytes allocated here or in what it called.
        public var cumulativeBytes: Int
    }

    /// Estimated bytes live at exit, all sites (the profile is sampled, so
    /// figures are estimates, good to a sample interval or so per site).
    public var totalBytes: Int
    /// Mean bytes between two samples: `2^lg_prof_sample`.
    public var sampleIntervalBytes: Int
    /// The sites holding the most, most first.
    public var sites: [Site]
    /// Sites with live bytes beyond those listed.
    public var moreSites: Int
}
