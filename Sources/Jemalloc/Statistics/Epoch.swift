/// jemalloc's statistics epoch.
///
/// Statistics read through `stats.*` are a snapshot taken at the last epoch
/// advance; call ``advance()`` before reading to see current figures. Every
/// reader in this module that says it refreshes does so.
public enum Epoch {
    static let control = MallctlControl<UInt64>("epoch")

    /// Refreshes the statistics snapshot and returns the new epoch number.
    @discardableResult
    public static func advance() throws(MallctlError) -> UInt64 {
        // Writing any value refreshes; the value read back is the new epoch.
        try control.exchange(1)
    }

    /// The current epoch number, without advancing it. Each advance, by any
    /// thread, adds one.
    public static func current() throws(MallctlError) -> UInt64 {
        try control.read()
    }
}
