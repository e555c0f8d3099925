// Unsafe code here: an inline MIB's components are read and written as a
// buffer of Int through the bytes of its fixed-size tuple.
// Invariants: `count` never exceeds `InlineMIB.capacity`; buffers lent to a
// body do not outlive the call (the body gets a copy's storage).

/// A control's MIB stored inline (no reference counting on the hot path),
/// with the positions of its `<i>`/`<j>` placeholders.
@usableFromInline
struct InlineMIB: Sendable {
    /// jemalloc 5.3's deepest control name has 7 components.
    @usableFromInline static let capacity = 8
    @usableFromInline var components: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
    @usableFromInline var count = 0
    /// MIB positions of the first and second placeholder, or -1.
    @usableFromInline var firstPlaceholder = -1
    @usableFromInline var secondPlaceholder = -1

    @usableFromInline
    var placeholderCount: Int { (firstPlaceholder >= 0 ? 1 : 0) + (secondPlaceholder >= 0 ? 1 : 0) }

    init() {}

    /// Calls `body` with the MIB, indices substituted into a stack copy.
    @inlinable @inline(__always)
    func withBuffer<R>(
        _ first: Int?, _ second: Int?,
        _ body: (UnsafeBufferPointer<Int>) throws(MallctlError) -> R
    ) throws(MallctlError) -> R {
        var copy = self
        if let first { copy.set(first, at: firstPlaceholder) }
        if let second { copy.set(second, at: secondPlaceholder) }
        let count = self.count
        return try withUnsafeBytes(of: &copy.components) { (raw) throws(MallctlError) -> R in
            try body(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: Int.self), count: count))
        }
    }

    @inlinable @inline(__always)
    mutating func set(_ value: Int, at position: Int) {
        withUnsafeMutableBytes(of: &components) { raw in
            raw.baseAddress!.assumingMemoryBound(to: Int.self)[position] = value
        }
    }
}

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
    @usableFromInline let storage: InlineMIB
    /// Why the lookup failed, if it did.
    @usableFromInline let lookupFailure: MallctlError.Reason?

    /// Looks up the MIB of `name`, whose `<i>`/`<j>` placeholders stand for indices.
    public init(_ name: String) {
        self.name = name
        var storage = InlineMIB()
        var concrete: [Substring] = []
        var placeholders: [Int] = []
        for (position, component) in name.split(separator: ".", omittingEmptySubsequences: false).enumerated() {
            if component.first == "<" && component.last == ">" {
                placeholders.append(position)
                concrete.append("0")
            } else {
                concrete.append(component)
            }
        }
        precondition(placeholders.count <= 2, "MallctlControl \"\(name)\": at most 2 placeholders")
        storage.firstPlaceholder = placeholders.first ?? -1
        storage.secondPlaceholder = placeholders.count > 1 ? placeholders[1] : -1
        switch lookUpMIB(concrete.joined(separator: ".")) {
        case .success(let components) where components.count <= InlineMIB.capacity:
            storage.count = components.count
            for (position, component) in components.enumerated() { storage.set(component, at: position) }
            lookupFailure = nil
        case .success:
            lookupFailure = .other(errno: 0)
        case .failure(let error):
            lookupFailure = error.reason
        }
        self.storage = storage
    }

    /// The control's MIB with every placeholder as 0.
    public func mib() throws(MallctlError) -> [Int] {
        if let lookupFailure { throw MallctlError(control: name, reason: lookupFailure) }
        return try storage.withBuffer(nil, nil) { (buffer) throws(MallctlError) -> [Int] in Array(buffer) }
    }

    /// The name with `indices` in place of the placeholders, for messages.
    public func resolvedName(_ indices: [Int]) -> String {
        var parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for (position, index) in zip([storage.firstPlaceholder, storage.secondPlaceholder], indices) where position >= 0 {
            parts[position] = String(index)
        }
        return parts.joined(separator: ".")
    }

    /// Calls `body` with the MIB, the given indices filled in.
    @inlinable @inline(__always)
    func withMIB<R>(
        _ first: Int?, _ second: Int?,
        _ body: (UnsafeBufferPointer<Int>) throws(MallctlError) -> R
    ) throws(MallctlError) -> R {
        if let lookupFailure { throw MallctlError(control: name, reason: lookupFailure) }
        let given = (first == nil ? 0 : 1) + (second == nil ? 0 : 1)
        precondition(given == storage.placeholderCount,
                     "MallctlControl \"\(name)\": \(storage.placeholderCount) indices expected, \(given) given")
        return try storage.withBuffer(first, second, body)
    }

    @usableFromInline
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

    @inlinable
    func read(_ first: Int?, _ second: Int?) throws(MallctlError) -> Value {
        try withMIB(first, second) { (mib) throws(MallctlError) -> Value in
            try mallctlRead(mib: mib, control: describe(first, second))
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
