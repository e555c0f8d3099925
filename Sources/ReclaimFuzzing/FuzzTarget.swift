// Unsafe code here: libFuzzer's input bytes, read once into an array.
// Invariants: libFuzzer's pointer is valid for `size` bytes during the call
// (it may be null when `size` is 0); nothing keeps it afterwards.

import Foundation

/// The fuzzers: each takes one input, as libFuzzer hands it to
/// `LLVMFuzzerTestOneInput`, and checks what the code under test did with
/// it. A trap in the code under test is a finding libFuzzer catches; a
/// wrong result is a ``Finding`` the fuzzer's entry point turns into one.
///
/// The tests replay the corpus (`Fuzz/Corpus/<target>/`) through the same
/// functions, so an input once found stays a regression test;
/// `Scripts/fuzz` builds and runs the fuzzers themselves.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Heap and collector operations against the model (``HeapFuzzTarget``).
    case heap
    /// `memstat diff`'s reader and comparison of two documents (``DiffFuzzTarget``).
    case diff
    /// The reader of a statistics segment (``SegmentFuzzTarget``).
    case segment

    /// What the code under test did wrong with an input.
    public struct Finding: Error, CustomStringConvertible {
        /// The target that found it.
        public var target: FuzzTarget
        /// What was wrong, in a sentence.
        public var message: String
        /// `<target> fuzzer: <message>`.
        public var description: String { "\(target.rawValue) fuzzer: \(message)" }
    }

    /// Checks one input.
    ///
    /// - Throws: ``Finding`` when the code under test misbehaved on it.
    public func check(_ input: [UInt8]) throws(Finding) {
        switch self {
        case .heap: try HeapFuzzTarget.check(input)
        case .diff: try DiffFuzzTarget.check(input)
        case .segment: try SegmentFuzzTarget.check(input)
        }
    }

    /// The entry point of a fuzzer's executable: checks the input and stops
    /// the process with the finding's message (which libFuzzer reports and
    /// saves the input for).
    public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let input = data.map { [UInt8](UnsafeBufferPointer(start: $0, count: size)) } ?? []
        do {
            try check(input)
        } catch {
            fatalError(error.description)
        }
        return 0
    }
}
