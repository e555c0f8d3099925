extension Collector {
    /// A collection callback that calls `function`, a callable heap object,
    /// as CPython calls the functions in `gc.callbacks`: with the phase, a
    /// str (`"start"` or `"stop"`), and an info dict of ints —
    /// `generation`, `collected` and `uncollectable`. Append it to
    /// ``callbacks``; the callback holds `function` until it is removed
    /// from there, as `gc.callbacks` holds its functions (roots, not
    /// traversed). What the call throws, or a failure to allocate its
    /// arguments, goes to the unraisable hook.
    ///
    /// ```swift
    /// heap.collector.callbacks.append(try heap.collector.callback(calling: onCollection))
    /// ```
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when `function` is not callable.
    public func callback(calling function: borrowing Ref) throws(ObjectError) -> CollectionCallback {
        heap.checkOwnership(function.raw, "Collector.callback(calling:)")
        guard function.isCallable else {
            throw .typeError("a collection callback must be callable, not '\(function.raw.type.name)'")
        }
        let call = HeldCall(function: function.copy())
        return { phase, info in
            let heap = call.heap
            do {
                var arguments = RefArray()
                arguments.append(try heap.str(phase.rawValue))
                let details = try heap.dict()
                for (key, value) in [("generation", info.generation), ("collected", info.collected),
                                     ("uncollectable", info.uncollectable)] {
                    try details.setValue(try heap.int(value), forKey: try heap.str(key))
                }
                arguments.append(details)
                try call.run(with: arguments)
            } catch {
                heap.unraisableHook(UnraisableError(error: error, context: "gc callback"))
            }
        }
    }
}
