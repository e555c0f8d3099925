/// Where incremental collection of the old generation stands, and how the
/// next increment is sized: a cursor through the old generation's table
/// (one *pass* visits it end to end), the work owed to the pacing, and what
/// earlier increments took per candidate.
///
/// Invariants: `cursor` is at most the old table's count once an increment
/// is done; `debt` is never negative.
struct IncrementalSchedule {
    /// The next old object to seed an increment with (an index in
    /// generation 2's table).
    var cursor = 0
    var passes = 0
    var increments = 0
    /// Candidates owed: allocation adds to it, increments pay it off.
    var debt = 0.0
    /// What an increment has cost per unit of work (a candidate or one of
    /// its references); the first increments assume 50 ns.
    var secondsPerWork = 50e-9
    /// The longest young collection plus increment.
    var longestPause = 0.0

    /// `promoted` objects entering the old generation owe `promoted / passGrowth`
    /// candidates, so that a pass over the old generation is done by the
    /// time promotion has grown it by `passGrowth`; never more than two
    /// passes' worth is owed.
    mutating func owe(promoted: Int, oldObjects: Int, pacing: IncrementalPacing) {
        let owed = Double(promoted) / max(pacing.passGrowth, 1e-6)
        debt = min(debt + owed, Double(max(oldObjects, pacing.minimumCandidates)) * 2)
    }

    /// How much work an increment may do in `seconds`, at least the
    /// pacing's minimum of candidates' worth.
    func work(within seconds: Double, pacing: IncrementalPacing) -> Int {
        let fitting = seconds > 0 ? seconds / secondsPerWork : 0
        return max(pacing.minimumCandidates * 4, Int(min(fitting, Double(Int32.max))))
    }

    /// Records an increment that examined `candidates` and did `work` in
    /// `seconds`. The estimate per unit of work rises at once to a slower
    /// increment and falls slowly, so the next increments err on the short
    /// side of the budget.
    mutating func record(candidates: Int, work: Int, seconds: Double) {
        increments += 1
        debt = max(0, debt - Double(candidates))
        guard work >= 256 else { return }
        let measured = seconds / Double(work)
        secondsPerWork = max(measured, secondsPerWork * 0.9 + measured * 0.1)
    }
}
