import Foundation
import Testing

/// The README lists the files that hold unsafe pointer code; this keeps
/// that list and the code in agreement, so a reviewer can trust it.
@Suite("the README's list of unsafe code")
struct UnsafeCodeListTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let markers = ["Unsafe", "Unmanaged", "assumingMemoryBound", "unsafeBitCast", "withUnsafe"]

    /// Every Swift file under Sources/ that uses one of the markers, as a path from the package root.
    static func filesUsingUnsafeCode() throws -> Set<String> {
        let sources = root.appendingPathComponent("Sources")
        let paths = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
        var found: Set<String> = []
        for path in paths where path.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
            if markers.contains(where: text.contains) { found.insert("Sources/" + path) }
        }
        return found
    }

    /// The backquoted paths between the README's unsafe-files markers.
    static func listedFiles() throws -> Set<String> {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- unsafe-files -->"))
        let end = try #require(readme.range(of: "<!-- /unsafe-files -->"))
        var listed: Set<String> = []
        for line in readme[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let parts = line.split(separator: "`")
            if parts.count >= 2, parts[1].hasPrefix("Sources/") { listed.insert(String(parts[1])) }
        }
        return listed
    }

    @Test("every file with unsafe pointer code is listed, and every listed file has some")
    func listMatchesCode() throws {
        let found = try Self.filesUsingUnsafeCode(), listed = try Self.listedFiles()
        #expect(!found.isEmpty)
        #expect(found.subtracting(listed).sorted() == [], "unsafe code in files the README does not list")
        #expect(listed.subtracting(found).sorted() == [], "files the README lists that hold no unsafe code")
    }

    @Test("each listed file states its invariants at its top")
    func listedFilesStateInvariants() throws {
        for path in try Self.listedFiles().sorted() {
            let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
            let top = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(40).joined(separator: "\n")
            #expect(top.range(of: "invariant", options: .caseInsensitive) != nil, "\(path) states no invariants at its top")
        }
    }
}
