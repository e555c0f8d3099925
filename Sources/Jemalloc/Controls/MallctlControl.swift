/// A control whose MIB was looked up once, read and written through
/// `mallctlbymib` from then on (the fast path for repeated reads).
///
/// Names may hold the placeholders `<i>` and `<j>` as jemalloc's manual writes
/// them; the matching components of the MIB are filled in at each access:
///
/// ```swift
/// let curregs = MallctlControl<Int>("stats.arenas.<i>.bins.<j>.curregs")
/// let n = try curregs.read(arena, bin)
/// ```
///
/// The lookup happens when the control is created; a name jemalloc does not
/// know is reported by the first access, so controls can be stored in
/// `static let` properties.
public struct MallctlControl<Value: MallctlValue>: Sendable {
    /// The name as given, placeholders included.
    public let name: String
    let lookup: Result<[Int], MallctlError>
    /// Positions in the MIB of the `<i>` and `<j>` placeholders, in order.
    let placeholderPositions: [Int]

    /// Looks up the MIB of `name`, whose `<i>`/`<j>` placeholders stand for indices.
    public init(_ name: String) {
        self.name = name
        var positions: [Int] = []
        var concrete: [Substring] = []
        for (position, component) in name.split(separator: ".", omittingEmptySubsequences: false).enumerated() {
            if component.first == "<" && component.last == ">" {
                positions.append(position)
                concrete.append("0")
            } else {
                concrete.append(component)
            }
        }
        self.placeholderPositions = positions
        self.lookup = lookUpMIB(concrete.joined(separator: "."))
            .mapError { MallctlError(control: name, reason: $0.reason) }
    }

    /// The control's MIB with every placeholder as 0.
    public func mib() throws(MallctlError) -> [Int] { try lookup.get() }

    /// The name with `indices` in place of the placeholders, for messages.
    public func resolvedName(_ indices: [Int]) -> String {
        var parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for (position, index) in zip(placeholderPositions, indices) { parts[position] = String(index) }
        return parts.joined(separator: ".")
    }

    /// Calls `body` with the MIB, indices substituted into a stack copy.
    @inline(__always)
    func withMIB<R>(
        _ first: Int?, _ second: Int?,
        _ body: (UnsafeBufferPointer<Int>) throws(MallctlError) -> R
    ) throws(MallctlError) -> R {
        let components = try lookup.get()
        let given = (first == nil ? 0 : 1) + (second == nil ? 0 : 1)
        precondition(given == placeholderPositions.count,
                     "MallctlControl \"\(name)\": \(placeholderPositions.count) indices expected, \(given) given")
        if given == 0 {
            return try components.withUnsafeBufferPointer { (buffer) throws(MallctlError) -> R in try body(buffer) }
        }
        return try withUnsafeTemporaryAllocation(of: Int.self, capacity: components.count) {
            (copy) throws(MallctlError) -> R in
            _ = copy.initialize(from: components)
            copy[placeholderPositions[0]] = first!
            if let second { copy[placeholderPositions[1]] = second }
            return try body(UnsafeBufferPointer(copy))
        }
    }

    func describe(_ first: Int?, _ second: Int?) -> String {
        resolvedName([first, second].compactMap { $0 })
    }

    /// Reads the control; pass one index per placeholder.
    @inlinable
    public func read() throws(MallctlError) -> Value { try read(nil, nil) }
    /// Reads the control at index `i`.
    @inlinable
    public func read(_ i: Int) throws(MallctlError) -> Value { try read(i, nil) }
    /// Reads the control at indices `i` and `j`.
    @inlinable
    public func read(_ i: Int, _ j: Int) throws(MallctlError) -> Value { try read(.some(i), .some(j)) }

    @usableFromInline
    func read(_ first: Int?, _ second: Int?) throws(MallctlError) -> Value {
        try withMIB(first, second) { (mib) throws(MallctlError) -> Value in
            try mallctlAccess(control: describe(first, second), mib: mib, read: true, newValue: nil as Value?)!
        }
    }

    /// Writes `value` to the control; pass one index per placeholder.
    public func write(_ value: Value, _ indices: Int...) throws(MallctlError) {
        _ = try access(value, read: false, indices)
    }

    /// Writes `value` and returns the value the control held before.
    public func exchange(_ value: Value, _ indices: Int...) throws(MallctlError) -> Value {
        try access(value, read: true, indices)!
    }

    func access(_ value: Value, read: Bool, _ indices: [Int]) throws(MallctlError) -> Value? {
        precondition(indices.count <= 2, "MallctlControl \"\(name)\": at most 2 indices")
        let first = indices.first, second = indices.count > 1 ? indices[1] : nil
        return try withMIB(first, second) { (mib) throws(MallctlError) -> Value? in
            try mallctlAccess(control: describe(first, second), mib: mib, read: read, newValue: value)
        }
    }
}

/// A control that takes no value and acts when accessed, such as
/// `arena.<i>.purge` or `thread.tcache.flush`; MIB cached like
/// ``MallctlControl``.
public struct MallctlCommand: Sendable {
    let control: MallctlControl<Bool>

    /// Looks up the MIB of `name`.
    public init(_ name: String) { control = MallctlControl(name) }

    /// The name as given, placeholders included.
    public var name: String { control.name }

    /// Runs the command; pass one index per placeholder.
    public func run(_ indices: Int...) throws(MallctlError) {
        precondition(indices.count <= 2, "MallctlCommand \"\(name)\": at most 2 indices")
        let first = indices.first, second = indices.count > 1 ? indices[1] : nil
        try control.withMIB(first, second) { (mib) throws(MallctlError) in
            try mallctlRun(control: control.describe(first, second), mib: mib)
        }
    }
}
