import BenchmarkSupport

#if canImport(Glibc)
import Glibc
#endif

/// One timed implementation of a benchmark case.
struct Contender {
    /// The `impl` field: who is measured.
    var implementation: String
    /// Runs `n` operations; returns a value that depends on all of them so
    /// the optimiser cannot drop the work.
    var body: (_ n: Int) -> Int
    /// For contenders measured in another process (CPython): runs `n`
    /// operations there and returns the nanoseconds per operation it measured.
    var external: ((_ n: Int) -> Double)? = nil

    init(implementation: String, body: @escaping (_ n: Int) -> Int) {
        self.implementation = implementation
        self.body = body
    }

    init(implementation: String, external: @escaping (_ n: Int) -> Double) {
        self.implementation = implementation
        self.body = { _ in 0 }
        self.external = external
    }
}

/// A benchmark case: contenders measured side by side, the first being the
/// reference the others' ratios are taken against.
struct BenchmarkCase {
    var suite: String
    var name: String
    var contenders: [Contender]
    /// Operations per timed run.
    var n: Int
}

/// One measured figure.
struct Figure {
    var suite: String
    var name: String
    var implementation: String
    var n: Int
    var nanosecondsPerOperation: Double
    /// The reference's implementation name, for all but the reference itself.
    var reference: String?
    /// This figure over the reference's (below 1 is faster).
    var ratio: Double?
}

/// An opaque sink: the optimiser may assume it reads and writes anything,
/// so work whose result reaches it is not removed.
@inline(never) @_optimize(none)
func blackHole<T>(_ value: T) {}

/// Measures every contender of `benchmark` in alternation, so drift in the
/// machine's speed reaches all of them alike, and keeps each one's median
/// over `rounds` rounds.
func measure(_ benchmark: BenchmarkCase, rounds: Int) -> [Figure] {
    var samples = Array(repeating: [Double](), count: benchmark.contenders.count)
    for contender in benchmark.contenders where contender.external == nil {
        blackHole(contender.body(max(1, benchmark.n / 10)))  // warm up
    }
    for round in 0..<rounds {
        // Odd rounds run the contenders in reverse order (A B, B A, ...), so
        // whoever runs first or second in a round does so equally often.
        let order = Array(benchmark.contenders.indices)
        for index in round % 2 == 0 ? order : order.reversed() {
            if let external = benchmark.contenders[index].external {
                samples[index].append(external(benchmark.n))
                continue
            }
            let start = nowNanoseconds()
            blackHole(benchmark.contenders[index].body(benchmark.n))
            samples[index].append(Double(nowNanoseconds() - start) / Double(benchmark.n))
        }
    }
    let medians = samples.map { $0.sorted()[$0.count / 2] }
    return benchmark.contenders.enumerated().map { index, contender in
        Figure(suite: benchmark.suite, name: benchmark.name, implementation: contender.implementation,
               n: benchmark.n, nanosecondsPerOperation: medians[index],
               reference: index == 0 ? nil : benchmark.contenders[0].implementation,
               ratio: index == 0 ? nil : medians[index] / medians[0])
    }
}
