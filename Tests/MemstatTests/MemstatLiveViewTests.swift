import Foundation
import MemstatKit
import Reclaim
import Testing

/// A memstat process running in the background (a publisher for attach and top).
final class BackgroundMemstat {
    let process = Process()
    var pid: Int32 { process.processIdentifier }
    var segment: String { "/dev/shm/reclaim.\(pid)" }

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: MemstatBinary.path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Polls `condition` every 50 ms until it holds or `seconds` pass.
    func waitFor(seconds: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }

    /// `memstat attach PID --json`, decoded when it succeeds.
    func attach() throws -> PublishedStatistics? {
        let result = try MemstatBinary.run(["attach", String(pid), "--json"])
        guard result.status == 0 else { return nil }
        let report = try decodeReport(result.stdout)
        guard case .attach(let published) = report.content else { return nil }
        return published
    }

    /// Kills the process (if still running) and removes the segment a
    /// killed publisher leaves behind.
    func stop() {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: segment)
    }
}

@Suite("memstat attach and top")
struct MemstatLiveViewTests {
    @Test("attach shows every heap a running stress publishes; top refreshes with rising counts")
    func attachAndTop() throws {
        let stress = try BackgroundMemstat(["stress", "--heaps", "3", "--duration", "120", "--publish", "--quiet"])
        defer { stress.stop() }
        var published: PublishedStatistics?
        let ready = try stress.waitFor {
            published = try stress.attach()
            return published.map { $0.heaps.count == 3 && $0.heaps.allSatisfy { $0.arenaAllocated != nil } } ?? false
        }
        #expect(ready, "three heaps with arena figures did not appear")
        let figures = try #require(published)
        #expect(figures.pid == stress.pid)
        #expect(Set(figures.heaps.map(\.heapID)).count == 3)
        #expect(Set(figures.heaps.map(\.arena)).count == 3)
        #expect(figures.intervalSeconds == 0.25)
        for heap in figures.heaps {
            #expect(heap.liveObjects > 0 && heap.liveBytes > 0 && heap.peakBytes >= heap.liveBytes)
            #expect(heap.arenaActive! >= heap.arenaAllocated!)
        }

        /// A frame's published figures and collection rates.
        func topFrame(_ report: Report?) -> (published: PublishedStatistics, collectionRates: [String: Double])? {
            guard case .top(let published, let collectionRates)? = report?.content else { return nil }
            return (published, collectionRates)
        }
        func collections(_ statistics: PublishedStatistics) -> Int {
            statistics.heaps.map { $0.collections.reduce(0, +) }.reduce(0, +)
        }
        // Three frames half a second apart, until the heaps' collections rise
        // between the first and the last: a stress slowed down (a sanitizer
        // build, a loaded machine) may not collect within one second, so the
        // test polls, as it waits for the heaps above, rather than trusting
        // one second to be enough.
        var top = MemstatBinary.Result(status: 0, stdout: "", stderr: "")
        var frames: [Report] = []
        let rose = try stress.waitFor(seconds: 60) {
            top = try MemstatBinary.run(["top", String(stress.pid), "--count", "3", "--interval", "0.5", "--json"])
            guard top.status == 0 else { return true }
            frames = try top.stdout.split(separator: "\n").map { try decodeReport(String($0)) }
            guard let first = topFrame(frames.first)?.published, let last = topFrame(frames.last)?.published else { return true }
            return collections(last) > collections(first)
        }
        #expect(top.status == 0, "\(top.stderr)")
        #expect(frames.count == 3)
        #expect(frames.allSatisfy { $0.kind == .top && $0.source.process == .other })
        let first = try #require(topFrame(frames.first)?.published), last = try #require(topFrame(frames.last)?.published)
        #expect(rose && collections(last) > collections(first), "the heaps' collections did not rise between top's frames")
        #expect(topFrame(frames.last)?.collectionRates.count == 3)

        let text = try MemstatBinary.run(["attach", String(stress.pid)])
        #expect(text.status == 0)
        for heading in ["Published statistics", "Memory", "Tracked containers per generation", "Collections"] {
            #expect(text.stdout.contains(heading))
        }
        #expect(text.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test("RECLAIM_PUBLISH=1 opts in; a stopped publisher is stale, a killed one has exited")
    func staleAndExited() throws {
        let stress = try BackgroundMemstat(["stress", "--heaps", "1", "--duration", "120", "--quiet"],
                                           environment: ["RECLAIM_PUBLISH": "1", "RECLAIM_PUBLISH_INTERVAL_MS": "100"])
        defer { stress.stop() }
        #expect(try stress.waitFor { try stress.attach()?.heaps.count == 1 })

        kill(stress.pid, SIGSTOP)
        var stale = MemstatBinary.Result(status: 0, stdout: "", stderr: "")
        #expect(try stress.waitFor {
            stale = try MemstatBinary.run(["attach", String(stress.pid)])
            return stale.status == 1
        })
        #expect(stale.stderr.contains("statistics of process \(stress.pid) are stale"), "\(stale.stderr)")

        kill(stress.pid, SIGKILL)
        stress.process.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: stress.segment))
        let exited = try MemstatBinary.run(["attach", String(stress.pid)])
        #expect(exited.status == 1)
        #expect(exited.stderr.contains("process \(stress.pid) has exited"))
    }

    @Test("a segment with a right header but damaged fields is a clear error, not a trap")
    func corruptedSegments() throws {
        let damages: [(offset: Int, bytes: [UInt8], field: String)] = [
            // The 48 bytes after magic and version: pid, interval, times, heaps unpublished, page.
            (16, [UInt8](repeating: 0xFF, count: 48), "pid"),
            (40, [UInt8](repeating: 0xFF, count: 8), "heartbeat_ns"),
            (48, [UInt8](repeating: 0xFF, count: 8), "heaps_unpublished"),
            // The page size (header word 7): 3 is no page size.
            (56, [3, 0, 0, 0, 0, 0, 0, 0], "page"),
            // The allocator version, with no terminating zero.
            (64, [UInt8](repeating: 0x41, count: 64), "allocator_version"),
            // Slot 0: its live object count above Int.max.
            (128 + 16 + 48, [UInt8](repeating: 0xFF, count: 8), "live_objects"),
            // Slot 0: a last generation of 7.
            (128 + 16 + 160, [7, 0, 0, 0, 0, 0, 0, 0], "last_generation"),
        ]
        let stress = try BackgroundMemstat(["stress", "--heaps", "1", "--duration", "30", "--publish"])
        defer { stress.stop() }
        #expect(try stress.waitFor { try stress.attach()?.heaps.count == 1 })
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: stress.segment)))
        // A live process that does not publish gets a copy of the real
        // segment with some bytes overwritten.
        let target = Process()
        target.executableURL = URL(fileURLWithPath: "/bin/sleep")
        target.arguments = ["60"]
        try target.run()
        let pid = target.processIdentifier
        let forged = "/dev/shm/reclaim.\(pid)"
        defer {
            kill(pid, SIGKILL)
            target.waitUntilExit()
            try? FileManager.default.removeItem(atPath: forged)
        }
        for damage in damages {
            var segment = original
            // Header word 2 is the pid: the copy names its new owner.
            withUnsafeBytes(of: UInt64(pid).littleEndian) { segment.replaceSubrange(16..<24, with: $0) }
            // Slot 0's collector sequence, even: a reader takes the slot as written.
            segment.replaceSubrange(136..<144, with: [UInt8](repeating: 0, count: 8))
            segment.replaceSubrange(damage.offset..<(damage.offset + damage.bytes.count), with: damage.bytes)
            try Data(segment).write(to: URL(fileURLWithPath: forged))
            let result = try MemstatBinary.run(["attach", String(pid)])
            #expect(result.status == 1, "\(damage.field)")
            #expect(result.stderr.contains("/dev/shm/reclaim.\(pid) is corrupted: its field \(damage.field)"),
                    "stderr: \(result.stderr.prefix(600))")
            #expect(!result.stderr.contains("Fatal error"))
        }
    }

    @Test("a process that does not publish, or does not exist, is a clear error; bad arguments exit 2")
    func badTargets() throws {
        // Process 1 (init) exists and does not link Reclaim. (This test
        // process may publish: another suite starts the publisher.)
        let initProcess = try MemstatBinary.run(["attach", "1"])
        #expect(initProcess.status == 1)
        #expect(initProcess.stderr.contains("process 1 does not publish Reclaim statistics"))
        let missing = try MemstatBinary.run(["top", "2147483646", "--count", "1"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no process 2147483646"))
        for arguments in [["attach", "abc"], ["attach", "0"], ["attach"], ["top", "1", "--interval", "0"],
                          ["top", "1", "--count", "0"]] {
            let result = try MemstatBinary.run(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains("Error:"))
        }
    }
}
