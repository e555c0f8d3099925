import ReclaimModelCheck

/// The heap fuzzer: the input's bytes are the model check's choices
/// (``ModelCheck/init(fuzzInput:)``) — which objects to create, link,
/// unlink and drop, weak references to make and drop, when to freeze, take
/// snapshots and collect — and the heap must agree with the model after
/// every collection, and be back to its baseline at the end.
enum HeapFuzzTarget {
    /// The longest input that is run, in bytes: a step takes one to five,
    /// and the model's checks cost more as its graph grows.
    static let maximumLength = 4096

    static func check(_ input: [UInt8]) throws(FuzzTarget.Finding) {
        do {
            var check = try ModelCheck(fuzzInput: Array(input.prefix(maximumLength)))
            _ = try check.runToEnd()
        } catch {
            throw FuzzTarget.Finding(target: .heap, message: "\(error)")
        }
    }
}
