import Foundation
import Jemalloc
import Testing

/// Heap profiling works only in a process started with `opt.prof`, so the
/// positive test runs in a child: this test bundle again, with `MALLOC_CONF`
/// turning profiling on and a variable that enables the child's test.
@Suite("heap profiling")
struct ProfilingTests {
    static let childVariable = "RECLAIM_PROFILING_CHILD_DUMP"

    @Test("without opt.prof, profiling calls throw an error that says how to enable it")
    func unavailable() throws {
        try #require(!Profiling.isEnabled(), "this process was started with profiling")
        let error = #expect(throws: Profiling.Unavailable.self) { try Profiling.setActive(true) }
        #expect(error?.description.contains("MALLOC_CONF=prof:true") == true)
    }

    @Test("with opt.prof, prof.active toggles and prof.dump writes a profile jeprof can read")
    func inChildProcess() throws {
        let dump = FileManager.default.temporaryDirectory.appendingPathComponent("reclaim-\(UUID().uuidString).heap")
        defer { try? FileManager.default.removeItem(at: dump) }
        let bundle = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: bundle)
        child.arguments = ["--testing-library", "swift-testing", "--filter", "profilingChild"]
        var environment = ProcessInfo.processInfo.environment
        environment["MALLOC_CONF"] = "prof:true,prof_active:false,lg_prof_sample:0"
        environment[Self.childVariable] = dump.path
        child.environment = environment
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        child.waitUntilExit()
        #expect(child.terminationStatus == 0)
        let profile = try String(contentsOf: dump, encoding: .utf8)
        #expect(profile.hasPrefix("heap_v2/"))
    }

    @Test("child side: runs only inside the child started above",
          .enabled(if: ProcessInfo.processInfo.environment[childVariable] != nil))
    func profilingChild() throws {
        let path = try #require(ProcessInfo.processInfo.environment[Self.childVariable])
        #expect(Profiling.isEnabled())
        #expect(try Profiling.isActive() == false)
        try Profiling.setActive(true)
        #expect(try Profiling.isActive())
        let blocks = try (0..<100).map { _ in try Allocator.allocate(byteCount: 10_000) }
        try Profiling.dump(to: path)
        for block in blocks { Allocator.deallocate(block, byteCount: 10_000) }
        try Profiling.setActive(false)
    }
}
