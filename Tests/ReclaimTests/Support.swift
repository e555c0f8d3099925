import Foundation
import Reclaim
import Testing

/// Lines printed by finalizers and test code, in order.
final class Transcript: @unchecked Sendable {
    private(set) var lines: [String] = []
    func print(_ line: String) { lines.append(line) }
}

/// Runs a Python script with the machine's python3 and returns its stdout lines.
func cpythonLines(_ script: String) throws -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
}
