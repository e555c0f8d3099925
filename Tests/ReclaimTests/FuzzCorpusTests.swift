import Foundation
import ReclaimFuzzing
import Testing

/// Every input in the repository's fuzz corpus (`Fuzz/Corpus/<target>/`),
/// seeds and the regressions the fuzzers found, replayed through the same
/// checks the fuzzers run; and the seeds still say what they were made to.
@Suite("fuzz corpus")
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus")

    static func inputs(of target: FuzzTarget) throws -> [(name: String, bytes: [UInt8])] {
        let folder = corpus.appendingPathComponent(target.rawValue)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
            (name, [UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }

    @Test("each corpus input passes its fuzzer's checks", arguments: FuzzTarget.allCases)
    func replay(target: FuzzTarget) throws {
        let inputs = try Self.inputs(of: target)
        #expect(inputs.count >= 2, "the \(target.rawValue) corpus has seeds and regressions")
        for input in inputs {
            #expect(throws: Never.self, "\(target.rawValue)/\(input.name)") { try target.check(input.bytes) }
        }
    }

    @Test("the seeds made now pass the checks, and are in the corpus by name", arguments: FuzzTarget.allCases)
    func seeds(target: FuzzTarget) throws {
        let names = Set(try Self.inputs(of: target).map(\.name))
        for (name, bytes) in try target.seeds() {
            #expect(names.contains(name), "Fuzz/Corpus/\(target.rawValue)/\(name): reclaim-stress fuzz-seeds Fuzz/Corpus")
            #expect(throws: Never.self, "\(target.rawValue) seed \(name)") { try target.check(bytes) }
        }
    }
}
