/// Bytes the calling thread has allocated and deallocated over its life,
/// from `thread.allocated` and `thread.deallocated` (monotonic, not a snapshot:
/// no epoch needed).
public enum ThreadCounters {
    static let allocatedControl = MallctlControl<UInt64>("thread.allocated")
    static let deallocatedControl = MallctlControl<UInt64>("thread.deallocated")

    /// Total bytes the calling thread has allocated.
    public static func allocated() throws(MallctlError) -> UInt64 { try allocatedControl.read() }
    /// Total bytes the calling thread has deallocated.
    public static func deallocated() throws(MallctlError) -> UInt64 { try deallocatedControl.read() }
}
