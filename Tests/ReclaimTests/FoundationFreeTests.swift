import Foundation
import Testing

/// Reclaim and Jemalloc load no Foundation into the programs that use
/// them (README, "No Foundation"): a runtime built on them starts at the
/// Swift runtime's footprint. This keeps any of their files, and the C
/// modules they build on, from importing it again.
@Suite("the libraries import no Foundation")
struct FoundationFreeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// Reclaim's module and every module it depends on, in this package.
    static let modules = ["Reclaim", "Jemalloc", "CReclaimRegistry", "CReclaimPublishing", "CReclaimIntrinsics"]

    /// The files of `module` with an import of Foundation or one of its parts.
    static func filesImportingFoundation(in module: String) throws -> [String] {
        let folder = root.appendingPathComponent("Sources").appendingPathComponent(module)
        let paths = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }
        return try paths.filter { $0.hasSuffix(".swift") }.filter { path in
            let text = try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
            return text.split(separator: "\n").contains { line in
                let words = line.split(separator: " ")
                return words.count >= 2 && words.contains("import") && words.last!.hasPrefix("Foundation")
            }
        }.map { "Sources/\(module)/\($0)" }
    }

    @Test("no file of Reclaim, Jemalloc or their C modules imports Foundation")
    func noFoundationImports() throws {
        var swiftFiles = 0
        for module in Self.modules {
            #expect(try Self.filesImportingFoundation(in: module) == [])
            let folder = Self.root.appendingPathComponent("Sources").appendingPathComponent(module)
            swiftFiles += try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }
                .filter { $0.hasSuffix(".swift") }.count
        }
        // The scan read the libraries' files (the path is right).
        #expect(swiftFiles > 50)
    }

    @Test("ReclaimJSON is where the reports' JSON coding lives, and it does import Foundation")
    func jsonModuleImportsFoundation() throws {
        #expect(try Self.filesImportingFoundation(in: "ReclaimJSON").count == 2)
    }
}
