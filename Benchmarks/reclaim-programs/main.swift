import BenchmarkSupport

#if canImport(Glibc)
import Glibc
#endif

// reclaim-programs PROGRAM IMPLEMENTATION [--depth D] [--operations N]
//                  [--window W] [--live L] [--finalizable F]
//
// Runs one whole program once, on Reclaim or in Swift with ARC, and prints
// its figures as one line of JSON. `reclaim-bench programs` runs it as its
// child, one process per run, so that the peak resident memory is the
// program's own. It links Reclaim and the Swift runtime only — no
// Foundation, no argument parser — as a runtime built on Reclaim would.

/// The programs (see each one's type for what it does).
enum Program: String, CaseIterable {
    case binaryTrees = "binary-trees", records, longLived = "long-lived"
}

/// Where a program runs.
enum Implementation: String, CaseIterable {
    case reclaim, swiftARC = "swift-arc"
}

let usage = """
    usage: reclaim-programs PROGRAM IMPLEMENTATION [--depth D] [--operations N] [--window W] [--live L] [--finalizable F]
      PROGRAM         \(Program.allCases.map(\.rawValue).joined(separator: ", "))
      IMPLEMENTATION  \(Implementation.allCases.map(\.rawValue).joined(separator: ", "))
      binary-trees needs --depth (4...24); records --operations and --window;
      long-lived --live and --operations (all positive). --finalizable F keeps F objects
      with a finalizer alive in the records program on Reclaim, so that every collection
      takes the path that can run user code.
    """

/// Prints `message` and the usage to standard error and exits 2.
func usageError(_ message: String) -> Never {
    var text = "reclaim-programs: \(message)\n\(usage)\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else { usageError("a program and an implementation are needed") }
guard let program = Program(rawValue: arguments[0]) else { usageError("unknown program '\(arguments[0])'") }
guard let implementation = Implementation(rawValue: arguments[1]) else {
    usageError("unknown implementation '\(arguments[1])'")
}
/// The sizes given, by option name without its dashes.
let sizes: [String: Int] = {
    var sizes: [String: Int] = [:]
    var rest = arguments.dropFirst(2)
    while let option = rest.popFirst() {
        guard ["--depth", "--operations", "--window", "--live", "--finalizable"].contains(option) else { usageError("unknown option '\(option)'") }
        guard let text = rest.popFirst() else { usageError("\(option) needs a value") }
        guard let value = Int(text), value > 0 else { usageError("\(option) must be a positive integer, not '\(text)'") }
        sizes[String(option.dropFirst(2))] = value
    }
    return sizes
}()

/// The size named `name`, which the program needs.
func size(_ name: String, of sizes: [String: Int], for program: Program) -> Int {
    guard let value = sizes[name] else { usageError("\(program.rawValue) needs --\(name)") }
    return value
}

let figures: ProgramFigures
switch (program, implementation) {
case (.binaryTrees, _):
    let depth = size("depth", of: sizes, for: program)
    guard (4...24).contains(depth) else { usageError("--depth must be 4...24") }
    figures = implementation == .reclaim ? BinaryTrees.onReclaim(depth: depth) : BinaryTrees.withARC(depth: depth)
case (.records, .reclaim):
    figures = Records.onReclaim(operations: size("operations", of: sizes, for: program), window: size("window", of: sizes, for: program),
                                finalizable: sizes["finalizable"] ?? 0)
case (.records, .swiftARC): figures = Records.withARC(operations: size("operations", of: sizes, for: program), window: size("window", of: sizes, for: program))
case (.longLived, .reclaim): figures = LongLived.onReclaim(live: size("live", of: sizes, for: program), operations: size("operations", of: sizes, for: program))
case (.longLived, .swiftARC): figures = LongLived.withARC(live: size("live", of: sizes, for: program), operations: size("operations", of: sizes, for: program))
}
print(figures.json)
