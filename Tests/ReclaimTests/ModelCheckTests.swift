import ReclaimModelCheck
import Testing

@Suite("model-based check of heap and collector")
struct ModelCheckTests {
    /// The CI length; `reclaim-stress model` runs many seeds and millions of steps.
    @Test("random graphs, finalizers and resurrection agree with the model", arguments: Array(UInt64(1)...8))
    func randomRuns(seed: UInt64) throws {
        var check = try ModelCheck(seed: seed)
        let summary = try check.run(steps: 3_000)
        #expect(summary.collections > 100)
        #expect(summary.finalized > 0 && summary.resurrected > 0)
        #expect(summary.weakReferences > 0 && summary.callbacks > 0 && summary.freezes > 0)
    }

    @Test("random graphs of objects without finalizers (garbage freed without holds) agree with the model",
          arguments: Array(UInt64(1)...4))
    func randomRunsWithoutFinalizers(seed: UInt64) throws {
        var check = try ModelCheck(seed: seed, finalizers: false)
        let summary = try check.run(steps: 3_000)
        #expect(summary.collections > 100)
        #expect(summary.finalized == 0 && summary.resurrected == 0)
    }

    @Test("incremental steps between arbitrary mutations free only garbage, and steps alone free it all",
          arguments: Array(UInt64(1)...6))
    func randomIncrementalRuns(seed: UInt64) throws {
        var check = try ModelCheck(seed: seed, finalizers: seed % 3 != 0, incremental: true)
        let summary = try check.run(steps: 3_000)
        #expect(summary.collections > 100)
        if seed % 3 != 0 { #expect(summary.finalized > 0) }
        #expect(summary.weakReferences > 0 && summary.callbacks > 0 && summary.freezes > 0)
    }
}
