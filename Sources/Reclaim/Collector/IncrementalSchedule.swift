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
    /// What an increment has cost per candidate, a moving average; the
    /// first increments assume 100 ns.
    var secondsPerCandidate = 100e-9
    /// The longest young collection plus increment.
    var longestPause = 0.0

    /// Allocation of `containers` new containers owes `containers / passAllocation`
    /// candidates, so that a pass over the old generation is done by the time
    /// the program has allocated `passAllocation` of it; never more than
    /// two passes' worth is owed.
    mutating func owe(containers: Int, oldObjects: Int, pacing: IncrementalPacing) {
        let owed = Double(containers) / max(pacing.passAllocation, 1e-6)
        debt = min(debt + owed, Double(max(oldObjects, pacing.minimumCandidates)) * 2)
    }

    /// How many candidates an increment may examine in `seconds`, at least
    /// the pacing's minimum.
    func candidates(within seconds: Double, pacing: IncrementalPacing) -> Int {
        let fitting = seconds > 0 ? seconds / secondsPerCandidate : 0
        return max(pacing.minimumCandidates, Int(min(fitting, Double(Int32.max))))
    }

    /// Records an increment that examined `candidates` in `seconds`.
    mutating func record(candidates: Int, seconds: Double) {
        increments += 1
        debt = max(0, debt - Double(candidates))
        guard candidates >= 64 else { return }
        let measured = seconds / Double(candidates)
        secondsPerCandidate = secondsPerCandidate * 0.75 + measured * 0.25
    }
}
