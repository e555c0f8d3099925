extension TextRenderer {
    /// `memstat demo` as a short lesson: one section per step, the session,
    /// then the heap's figures before and after.
    static func demoSections(_ demo: Demo) -> [String] {
        let intro = wrapped("Python's memory management on a Reclaim heap (arena \(demo.arena)) in this process. "
                            + "Each step shows the session, as CPython would print it, and the heap's figures "
                            + "at each stage: live objects include the \(demo.immortalObjects) immortal ones every heap "
                            + "starts with (None, True, False, '', () and the ints -5 to 256); arena bytes are "
                            + "read after the heap's caches are flushed.", indent: 0)
        return [intro] + demo.steps.enumerated().map { demoStep($1, number: $0 + 1) }
    }

    static func demoStep(_ step: Demo.Step, number: Int) -> String {
            var table = TextTable([.init("", .left)] + step.checkpoints.map { .init($0) })
            table.indent = 4
            for figure in step.figures {
                table.append([figure.name] + figure.values.map { figure.unit == "bytes" ? Units.bytes($0) : Units.count($0) })
            }
            let session = step.transcript.map { "    " + truncated($0, to: 74) }.joined(separator: "\n")
            return "\(number). \(step.title)\n" + wrapped(step.lesson, indent: 3) + "\n\n"
                + session + "\n\n" + table.render()
    }
}
