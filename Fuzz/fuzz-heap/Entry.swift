import ReclaimFuzzing

/// libFuzzer's entry point; libFuzzer provides `main` (the target is
/// compiled with `-parse-as-library`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.heap.fuzz(data, size)
}
