/// What one run of one whole program measured: what `reclaim-programs`
/// prints as one line of JSON and `reclaim-bench programs` reads, and what
/// the python3 scripts' figures are made into.
public struct ProgramFigures: Codable, Sendable {
    public var program: String
    public var implementation: String
    /// Wall time of the program, start-up excluded.
    public var seconds: Double
    /// The process's peak resident memory, MiB (-1 when the system does not say).
    public var peakResidentMiB: Double
    /// The peak of the program's own live data, MiB, where it is counted:
    /// Reclaim's traced bytes (`Heap.tracedMemory`, size classes included),
    /// python3's `tracemalloc` peak when asked for; nil otherwise.
    public var dataPeakMiB: Double?
    /// Collections and the time they took (0 for Swift ARC).
    public var collections: Int
    public var collectorSeconds: Double
    /// Collector seconds by generation collected (young, middle, old).
    public var secondsByGeneration: [Double]
    public var checksum: Int

    public init(program: String, implementation: String, seconds: Double, peakResidentMiB: Double, dataPeakMiB: Double?,
                collections: Int, collectorSeconds: Double, secondsByGeneration: [Double], checksum: Int) {
        self.program = program
        self.implementation = implementation
        self.seconds = seconds
        self.peakResidentMiB = peakResidentMiB
        self.dataPeakMiB = dataPeakMiB
        self.collections = collections
        self.collectorSeconds = collectorSeconds
        self.secondsByGeneration = secondsByGeneration
        self.checksum = checksum
    }

    /// One line of JSON, keys sorted, written by hand so that the child
    /// needs no Foundation. The strings are the programs' and
    /// implementations' names, which need no escaping; a `Double`'s
    /// description is a JSON number for every finite value.
    public var json: String {
        let generations = secondsByGeneration.map { "\($0)" }.joined(separator: ",")
        let dataPeak = dataPeakMiB.map { ",\"dataPeakMiB\":\($0)" } ?? ""
        return "{\"checksum\":\(checksum),\"collections\":\(collections),\"collectorSeconds\":\(collectorSeconds)\(dataPeak),"
            + "\"implementation\":\"\(implementation)\",\"peakResidentMiB\":\(peakResidentMiB),"
            + "\"program\":\"\(program)\",\"seconds\":\(seconds),\"secondsByGeneration\":[\(generations)]}"
    }
}
